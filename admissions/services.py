"""Every write of the admissions pathway: atomic, validated, with history user and reason."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from admissions import eligibility, hooks, stay_dates
from admissions.models import (
    AdmissionRequest,
    Adult,
    Child,
    Diagnosis,
    DiagnosisCode,
    Family,
    Intervention,
    PresencePeriod,
    ReferrerOrganisation,
    Signalement,
    Stay,
    SynthesisMeeting,
)
from admissions.rules import (
    admission_birth_problem,
    decision_date_problem,
    discharge_date_problem,
    overlaps,
    planned_end_problem,
    presence_day_problem,
    presence_end_problem,
)
from admissions.selectors import criteria_of
from unit import access
from unit.ages import birth_date_problem
from unit.history import record_save
from unit.models import NON_RESIDENTIAL_KINDS, Facility
from unit.registry import registry
from unit.vocabularies import codes

User = AbstractBaseUser


class CapacityError(ValidationError):
    """The unit is full on at least one day of the requested stay."""


def _today() -> date:
    return timezone.localdate()


def _not_in_future(field: str, value: date | None, what: str) -> None:
    if value is not None and value > _today():
        raise ValidationError({field: _("%(what)s ne peut pas être dans le futur.") % {"what": what}})


def _plausible_birth_date(value: date | None) -> None:
    problem = value and birth_date_problem(value, _today())
    if problem:
        raise ValidationError({"birth_date": problem})


def _refuse(field: str, problem: str | None) -> None:
    """Raise the problem a pure rule of `admissions.rules` found, on the field it concerns."""
    if problem:
        raise ValidationError({field: problem})


def _code(field: str, vocabulary: str, value: str, *, required: bool = True) -> None:
    if not value and not required:
        return
    if value not in codes(vocabulary):
        raise ValidationError({field: _("Valeur inconnue : « %(value)s ».") % {"value": value}})


# ---------------------------------------------------------------- family, children, adults


@transaction.atomic
def family_create(*, user: User | None, facility: Facility, reference: str, notes: str = "",
                  reason: str = "Création du dossier") -> Family:
    return record_save(Family(facility=facility, reference=reference.strip(), notes=notes), user=user, reason=reason)


@transaction.atomic
def child_add(*, user: User | None, family: Family, first_name: str, last_name: str, sex: str, birth_date: date,
              gestational_weeks: int | None = None, gestational_days: int | None = None,
              birth_weight_g: int | None = None, reason: str = "Ajout d'un enfant") -> Child:
    _plausible_birth_date(birth_date)
    child = Child(family=family, first_name=first_name, last_name=last_name, sex=sex, birth_date=birth_date,
                  gestational_weeks=gestational_weeks, gestational_days=gestational_days,
                  birth_weight_g=birth_weight_g)
    return record_save(child, user=user, reason=reason)


@transaction.atomic
def adult_add(*, user: User | None, family: Family, role: str, first_name: str, last_name: str,
              birth_date: date | None = None, nationality: str = "", region: str = "",
              reason: str = "Ajout d'un adulte") -> Adult:
    _plausible_birth_date(birth_date)
    adult = Adult(family=family, role=role, first_name=first_name, last_name=last_name, birth_date=birth_date,
                  nationality=nationality.upper(), region=region)
    return record_save(adult, user=user, reason=reason)


def identity_editable(user: User | None, obj) -> bool:
    """Whether `user` may change who a family, child or adult is: only with edit rights in the facility
    that opened the dossier, so that a partner facility never rewrites another's (docs/security.md)."""
    if user is None or not getattr(obj, "IDENTITY_FIELDS", ()):
        return True  # system writes (commands, migrations) and records without identity
    family = obj if isinstance(obj, Family) else obj.family
    return access.has_permission(user, access.EDIT_ADMISSIONS, family.facility_id)


def _identity_guard(user: User | None, obj, changes: Mapping[str, object]) -> None:
    if obj.pk is None or identity_editable(user, obj):
        return
    changed = [field for field in obj.IDENTITY_FIELDS
               if field in changes and _value(obj, field) != _value_of(obj, field, changes[field])]
    if not changed:
        return
    family = obj if isinstance(obj, Family) else obj.family
    message = identity_refusal(family)
    raise ValidationError({field: message for field in changed})


def identity_refusal(family: Family) -> str:
    return _("Seule la structure qui a ouvert le dossier (%(facility)s) peut modifier l'identité de la famille, "
             "des enfants et des adultes : demandez-lui la correction.") % {"facility": family.facility.name}


def _value(obj, field: str):
    return getattr(obj, obj._meta.get_field(field).attname)


def _value_of(obj, field: str, value):
    # A related object compares by its key, as the stored value does.
    if obj._meta.get_field(field).is_relation and hasattr(value, "pk"):
        return value.pk
    return value


class _Unchanged:
    """The default of every field of an `*_update`: the field keeps its stored value."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


def _given(**fields: object) -> dict[str, object]:
    return {name: value for name, value in fields.items() if value is not UNCHANGED}


def _record_update(*, user: User | None, obj, changes: Mapping[str, object], expected_version: int, reason: str):
    """Apply `changes` to a record read at `expected_version` and save it; a newer saved version is a conflict.

    Private: each model has its `<entity>_update` naming the fields a correction may change and checking
    its own rules. The identity of a family, a child or an adult changes only from the facility that opened
    the dossier.
    """
    _identity_guard(user, obj, changes)
    for field, value in changes.items():
        setattr(obj, field, value)
    return record_save(obj, user=user, reason=reason, expected_version=expected_version)


@transaction.atomic
def family_update(*, user: User | None, family: Family, expected_version: int, reason: str,
                  reference: str = UNCHANGED, notes: str = UNCHANGED) -> Family:
    """Correct a family dossier (its reference is part of its identity)."""
    return _record_update(user=user, obj=family, changes=_given(reference=reference, notes=notes),
                          expected_version=expected_version, reason=reason)


@transaction.atomic
def child_update(*, user: User | None, child: Child, expected_version: int, reason: str,
                 first_name: str = UNCHANGED, last_name: str = UNCHANGED, sex: str = UNCHANGED,
                 birth_date: date = UNCHANGED, gestational_weeks: int | None = UNCHANGED,
                 gestational_days: int | None = UNCHANGED, birth_weight_g: int | None = UNCHANGED) -> Child:
    """Correct a child; the rules of the admission hold after an edit too: a child is born when admitted."""
    changes = _given(first_name=first_name, last_name=last_name, sex=sex, birth_date=birth_date,
                     gestational_weeks=gestational_weeks, gestational_days=gestational_days,
                     birth_weight_g=birth_weight_g)
    _identity_guard(user, child, changes)  # a partner facility is refused before anything else is checked
    born = changes.get("birth_date", child.birth_date)
    _plausible_birth_date(born)
    if child.pk is not None:
        first = child.stays.filter(entered_in_error=False).order_by("admitted_on").values_list(
            "admitted_on", flat=True).first()
        if first is not None:
            _refuse("birth_date", admission_birth_problem(born, first))
    return _record_update(user=user, obj=child, changes=changes, expected_version=expected_version, reason=reason)


@transaction.atomic
def adult_update(*, user: User | None, adult: Adult, expected_version: int, reason: str,
                 role: str = UNCHANGED, first_name: str = UNCHANGED, last_name: str = UNCHANGED,
                 birth_date: date | None = UNCHANGED, nationality: str = UNCHANGED,
                 region: str = UNCHANGED) -> Adult:
    """Correct an adult of a family."""
    changes = _given(role=role, first_name=first_name, last_name=last_name, birth_date=birth_date,
                     nationality=nationality, region=region)
    _identity_guard(user, adult, changes)
    _plausible_birth_date(changes.get("birth_date", adult.birth_date))
    return _record_update(user=user, obj=adult, changes=changes, expected_version=expected_version, reason=reason)


@transaction.atomic
def stay_update(*, user: User | None, stay: Stay, expected_version: int, reason: str,
                planned_end_on: date | None = UNCHANGED, residence_before: str = UNCHANGED,
                mandate: str = UNCHANGED) -> Stay:
    """Correct what the admission recorded; dates of admission and discharge have their own services."""
    changes = _given(planned_end_on=planned_end_on, residence_before=residence_before, mandate=mandate)
    planned = changes.get("planned_end_on", stay.planned_end_on)
    if planned is not None:
        _refuse("planned_end_on", planned_end_problem(stay.admitted_on, planned))
    return _record_update(user=user, obj=stay, changes=changes, expected_version=expected_version, reason=reason)


@transaction.atomic
def referrer_organisation_get_or_create(*, user: User | None, name: str, category: str,
                                        city: str = "") -> ReferrerOrganisation:
    existing = ReferrerOrganisation.objects.filter(name__iexact=name.strip(), category=category).first()
    if existing:
        return existing
    return record_save(ReferrerOrganisation(name=name.strip(), category=category, city=city),
                       user=user, reason="Ajout à l'annuaire des envoyeurs")


# ---------------------------------------------------------------- requests


@transaction.atomic
def request_create(*, user: User | None, facility: Facility, family: Family, received_on: date, requester: str,
                   referrer_category: str, reason: str, mandate: str = "none",
                   referrer_organisation: ReferrerOrganisation | None = None, referrer_contact: str = "",
                   children: Iterable[Child] = (), expected_due_date: date | None = None,
                   planned_admission_on: date | None = None,
                   history_reason: str = "Nouvelle demande d'admission") -> AdmissionRequest:
    _not_in_future("received_on", received_on, _("La date de réception"))
    children = list(children)
    if any(child.family_id != family.pk for child in children):
        raise ValidationError({"children": _("Les enfants doivent appartenir à la famille de la demande.")})
    if not children and expected_due_date is None:
        raise ValidationError(
            {"children": _("Indiquez le ou les enfants concernés, ou la date prévue d'accouchement.")}
        )
    _check_sharing(family=family, facility=facility, on=received_on)
    request = AdmissionRequest(
        facility=facility, family=family, received_on=received_on, requester=requester,
        referrer_category=referrer_category, referrer_organisation=referrer_organisation,
        referrer_contact=referrer_contact, reason=reason, mandate=mandate,
        expected_due_date=expected_due_date, planned_admission_on=planned_admission_on or received_on,
    )
    record_save(request, user=user, reason=history_reason)
    if children:
        request.children.set(children)
    _store_verdict(request, {})
    return record_save(request, user=user, reason=_("Vérification initiale des critères"))


def _check_sharing(*, family: Family, facility: Facility, on: date) -> None:
    """A dossier reaching a facility that holds no live record of it yet is shared: the apps built on
    admissions may refuse it (documents: without the family's `network_sharing` consent; hooks.SHARING_CHECKS)."""
    if family.pk is None or facility.pk in family.holding_facility_ids():
        return
    for check in registry.contributions(hooks.SHARING_CHECKS):
        problem = check(family=family, facility=facility, on=on)
        if problem:
            raise ValidationError(problem, code="sharing_refused")


def request_criteria(request: AdmissionRequest) -> list[eligibility.Criterion]:
    rows = criteria_of(facility_id=request.facility_id)
    return [eligibility.Criterion(c.code, c.role, c.rule, c.params, c.label) for c in rows]


def request_evaluate(request: AdmissionRequest, answers: Mapping[str, str],
                     planned_admission_on: date | None = None) -> eligibility.Verdict:
    """The verdict the answers would give; computes, writes nothing (used live by the form)."""
    return eligibility.evaluate(
        request_criteria(request), answers,
        birth_dates=[c.birth_date for c in request.children.all()],
        due_date=request.expected_due_date,
        on=planned_admission_on or request.planned_admission_on or request.received_on,
    )


def _store_verdict(request: AdmissionRequest, answers: Mapping[str, str]) -> eligibility.Verdict:
    verdict = request_evaluate(request, answers)
    request.eligibility_answers = verdict.answers
    request.eligibility_verdict = verdict.verdict
    request.eligibility_details = verdict.as_dict()
    return verdict


@transaction.atomic
def request_check_eligibility(*, user: User | None, request: AdmissionRequest, answers: Mapping[str, str],
                              planned_admission_on: date | None = None,
                              expected_version: int | None = None) -> eligibility.Verdict:
    if planned_admission_on is not None:
        request.planned_admission_on = planned_admission_on
    verdict = _store_verdict(request, answers)
    record_save(request, user=user, reason=_("Vérification des critères d'admission"),
                expected_version=expected_version)
    return verdict


@transaction.atomic
def request_decide(*, user: User | None, request: AdmissionRequest, decision: str, decided_on: date,
                   refusal_reason: str = "", note: str = "", override_reason: str = "",
                   expected_version: int | None = None) -> AdmissionRequest:
    _code("decision", "decision", decision)
    _not_in_future("decided_on", decided_on, _("La date de décision"))
    _refuse("decided_on", decision_date_problem(request.received_on, decided_on))
    if decision == "refused":
        if not refusal_reason:
            raise ValidationError({"refusal_reason": _("Un refus doit avoir un motif.")})
        _code("refusal_reason", "refusal_reason", refusal_reason)
    else:
        refusal_reason = ""
    against_verdict = (
        decision in ("accepted", "waiting_list") and request.eligibility_verdict != "eligible"
    ) or (decision == "refused" and refusal_reason == "criteria_not_met" and request.eligibility_verdict == "eligible")
    if against_verdict and not override_reason.strip():
        raise ValidationError({"override_reason": _(
            "Cette décision va à l'encontre du verdict d'éligibilité : écrivez-en la raison."
        )})
    request.decision = decision
    request.decided_on = decided_on
    request.decided_by = user if user is not None and user.is_authenticated else None
    request.refusal_reason = refusal_reason
    request.decision_note = note
    if against_verdict:
        request.verdict_override_reason = override_reason.strip()
    reason = _("Décision : %(decision)s") % {"decision": decision}
    if against_verdict:
        reason += " — " + _("contre le verdict : %(why)s") % {"why": override_reason.strip()}
    return record_save(request, user=user, reason=reason, expected_version=expected_version)


# ---------------------------------------------------------------- stays


@transaction.atomic
def stay_admit(*, user: User | None, facility: Facility, child: Child, admitted_on: date,
               residence_before: str, mandate: str = "none", request: AdmissionRequest | None = None,
               planned_end_on: date | None = None, discharged_on: date | None = None, discharge_kind: str = "",
               residence_after: str = "", override_reason: str = "", reason: str = "Admission") -> Stay:
    """Admit a child; the capacity check and the insert run under a lock on the facility row.

    A stay that has already ended (history brought in from spreadsheets) is admitted with its
    discharge in one call, so that capacity is checked on its real dates.
    """
    locked = Facility.objects.select_for_update().get(pk=facility.pk)
    _stay_admit_check_dates_and_request(facility=locked, child=child, admitted_on=admitted_on,
                                        planned_end_on=planned_end_on, request=request,
                                        override_reason=override_reason)
    if locked.is_residential:
        _stay_admit_check_place(facility=locked, child=child, admitted_on=admitted_on, discharged_on=discharged_on)
    if discharged_on is not None:
        _stay_admit_check_discharge(admitted_on=admitted_on, discharged_on=discharged_on,
                                    discharge_kind=discharge_kind, residence_after=residence_after)
    stay = Stay(facility=locked, child=child, request=request, admitted_on=admitted_on,
                planned_end_on=planned_end_on, residence_before=residence_before, mandate=mandate,
                discharged_on=discharged_on, discharge_kind=discharge_kind if discharged_on else "",
                residence_after=residence_after if discharged_on else "",
                admission_override_reason=override_reason.strip())
    history_reason = reason if not override_reason.strip() else f"{reason} — {override_reason.strip()}"
    record_save(stay, user=user, reason=history_reason)
    if request is not None and not request.children.filter(pk=child.pk).exists():
        # A prenatal request gets the child born since, so that both point at each other; the link
        # is a many-to-many row, so the request's history says it in a version of its own.
        request.children.add(child)
        record_save(request, user=user, reason=_("Enfant né depuis rattaché à la demande (enfant n° %(child)s)") % {
            "child": child.pk})
    return stay


@transaction.atomic
@transaction.atomic
def stays_admit(*, user: User | None, facility: Facility, children: list[Child], adults: Iterable[Adult] = (),
                **admission) -> list[Stay]:
    """Admit siblings together: one stay per child, all admitted or none (a full unit refuses them all).

    `adults` are the parents who arrive with the children: their presence periods start with each stay.
    """
    if not children:
        raise ValidationError({"children": _("Choisissez au moins un enfant à admettre.")})
    stays = [stay_admit(user=user, facility=facility, child=child, **admission)
             for child in sorted(children, key=lambda c: c.pk)]
    for stay in stays:
        for adult in adults:
            presence_add(user=user, stay=stay, adult=adult, start=stay.admitted_on,
                         reason=_("Arrivée avec l'enfant à l'admission"))
    return stays


@transaction.atomic
def stay_admission_correct(*, user: User | None, stay: Stay, admitted_on: date, reason: str,
                           expected_version: int) -> Stay:
    """Correct the admission date of a stay, with the reason written in its history.

    The presence periods that started with the stay start with it again; a place is needed on every day
    the stay now covers, as at admission (the same lock and the same rule).
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Une correction de la date d'admission demande un motif.")})
    old = stay.admitted_on
    if admitted_on == old:
        raise ValidationError({"admitted_on": _("La date d'admission est déjà le %(date)s.") % {
            "date": old.strftime("%d/%m/%Y")}})
    _not_in_future("admitted_on", admitted_on, _("La date d'admission"))
    _refuse("admitted_on", admission_birth_problem(stay.child.birth_date, admitted_on))
    if stay.planned_end_on is not None:
        _refuse("admitted_on", planned_end_problem(admitted_on, stay.planned_end_on))
    if stay.discharged_on is not None:
        _refuse("admitted_on", discharge_date_problem(admitted_on, stay.discharged_on))
    periods = list(PresencePeriod.objects.filter(stay=stay, entered_in_error=False))
    moved = []
    for period in periods:
        start = admitted_on if period.start == old else period.start
        if start < admitted_on or (period.end is not None and period.end < start):
            raise ValidationError({"admitted_on": _(
                "La présence de %(adult)s (%(start)s) ne serait plus comprise dans le séjour : "
                "corrigez-la d'abord.") % {"adult": period.adult, "start": period.start.strftime("%d/%m/%Y")}})
        if start != period.start:
            moved.append((period, start))
    locked = Facility.objects.select_for_update().get(pk=stay.facility_id)
    if locked.is_residential:
        _stay_admit_check_place(facility=locked, child=stay.child, admitted_on=admitted_on,
                                discharged_on=stay.discharged_on, excluding=stay.pk)
    stay.admitted_on = admitted_on
    why = _("Date d'admission corrigée (%(old)s → %(new)s) : %(reason)s") % {
        "old": old.strftime("%d/%m/%Y"), "new": admitted_on.strftime("%d/%m/%Y"), "reason": reason.strip()}
    saved = record_save(stay, user=user, reason=why, expected_version=expected_version)
    for period, start in moved:
        period.start = start
        record_save(period, user=user, reason=why)
    return saved


def _stay_admit_check_dates_and_request(*, facility: Facility, child: Child, admitted_on: date,
                                        planned_end_on: date | None, request: AdmissionRequest | None,
                                        override_reason: str) -> None:
    """The admission's dates, and the request it answers (or the written reason for admitting without one)."""
    _not_in_future("admitted_on", admitted_on, _("La date d'admission"))
    _check_sharing(family=child.family, facility=facility, on=admitted_on)
    _refuse("admitted_on", admission_birth_problem(child.birth_date, admitted_on))
    if planned_end_on is not None:
        _refuse("planned_end_on", planned_end_problem(admitted_on, planned_end_on))
    if request is not None:
        if request.facility_id != facility.pk or request.family_id != child.family_id:
            raise ValidationError({"request": _("La demande ne concerne pas cet enfant dans cette structure.")})
        if request.decision != "accepted" and not override_reason.strip():
            raise ValidationError({"override_reason": _(
                "La demande n'est pas acceptée : une admission demande alors un motif écrit."
            )})
    elif not override_reason.strip():
        raise ValidationError({"override_reason": _(
            "Une admission sans demande acceptée demande un motif écrit."
        )})


def _stay_admit_check_place(*, facility: Facility, child: Child, admitted_on: date, discharged_on: date | None,
                            excluding: int | None = None) -> None:
    """In a residential unit: no other residential stay of the child on those days, and a place on each of them.

    Runs under the lock on the facility row, so the count cannot change before the insert. `excluding`: the
    stay whose dates are being corrected (it does not compete with itself).
    """
    others = Stay.objects.filter(child=child, entered_in_error=False, facility__kind__in=_residential_kinds())
    others = others.exclude(pk=excluding) if excluding is not None else others
    for other in others:
        if overlaps(admitted_on, discharged_on, other.admitted_on, other.discharged_on):
            raise ValidationError({"child": _(
                "Cet enfant a déjà un séjour résidentiel en cours sur cette période (%(facility)s, "
                "depuis le %(date)s)."
            ) % {"facility": other.facility.name, "date": other.admitted_on.strftime("%d/%m/%Y")}})
    # The days this stay would hold a place, and every stay holding one on any of them (stay_dates).
    last_day = stay_dates.last_occupied_day(admitted_on, discharged_on)
    present = Stay.objects.filter(facility=facility, entered_in_error=False).occupying_between(admitted_on, last_day)
    present = present.exclude(pk=excluding) if excluding is not None else present
    stays = [*present.values_list("admitted_on", "discharged_on"), (admitted_on, discharged_on)]
    if stay_dates.peak_occupancy(stays, admitted_on, last_day) > facility.capacity:
        raise CapacityError(
            _("L'unité est complète (%(places)s places) à cette date : l'enfant ne peut pas être admis. "
              "Vous pouvez placer la demande sur la liste d'attente.") % {"places": facility.capacity},
            code="full",
        )


def _stay_admit_check_discharge(*, admitted_on: date, discharged_on: date, discharge_kind: str,
                                residence_after: str) -> None:
    """The discharge of a stay admitted already ended: its date and codes."""
    _not_in_future("discharged_on", discharged_on, _("La date de sortie"))
    _refuse("discharged_on", discharge_date_problem(admitted_on, discharged_on))
    _code("discharge_kind", "discharge_kind", discharge_kind)
    _code("residence_after", "residence_after", residence_after)


def _residential_kinds() -> list[str]:
    return [k for k in Facility.Kind.values if k not in NON_RESIDENTIAL_KINDS]


@transaction.atomic
def presence_add(*, user: User | None, stay: Stay, adult: Adult, start: date, end: date | None = None,
                 reason: str = "Présence d'un parent") -> PresencePeriod:
    if adult.family_id != stay.child.family_id:
        raise ValidationError({"adult": _("Cet adulte n'appartient pas à la famille de l'enfant.")})
    _not_in_future("start", start, _("Le début de présence"))
    stay_end = stay.discharged_on
    if end is not None:
        _refuse("end", presence_end_problem(start, end))
    for day in (start, end):
        if day is not None:
            _refuse("start", presence_day_problem(day, stay.admitted_on, stay_end))
    if end is None and stay_end is not None:
        end = stay_end
    same_adult = PresencePeriod.objects.filter(stay=stay, adult=adult, entered_in_error=False)
    for other in same_adult:
        if overlaps(start, end, other.start, other.end):
            raise ValidationError({"start": _("Cette période chevauche une autre présence du même adulte.")})
    return record_save(PresencePeriod(stay=stay, adult=adult, start=start, end=end), user=user, reason=reason)


@transaction.atomic
def presence_end(*, user: User | None, period: PresencePeriod, end: date,
                 reason: str = "Fin de présence") -> PresencePeriod:
    _refuse("end", presence_end_problem(period.start, end))
    _not_in_future("end", end, _("La fin de présence"))
    stay = period.stay
    _refuse("end", presence_day_problem(end, stay.admitted_on, stay.discharged_on))
    others = PresencePeriod.objects.filter(stay=stay, adult_id=period.adult_id, entered_in_error=False).exclude(
        pk=period.pk)
    if any(overlaps(period.start, end, other.start, other.end) for other in others):
        raise ValidationError({"end": _("Cette période chevauche une autre présence du même adulte.")})
    period.end = end
    return record_save(period, user=user, reason=reason)


@transaction.atomic
def diagnosis_add(*, user: User | None, stay: Stay, timepoint: str, classification: str, code: str,
                  label: str = "", primary: bool = False, child: Child | None = None, adult: Adult | None = None,
                  made_on: date | None = None, reason: str = "Diagnostic") -> Diagnosis:
    _not_in_future("made_on", made_on, _("La date du diagnostic"))
    if child is not None and child.pk != stay.child_id:
        raise ValidationError({"child": _("L'enfant n'est pas celui du séjour.")})
    if adult is not None and adult.family_id != stay.child.family_id:
        raise ValidationError({"adult": _("Cet adulte n'appartient pas à la famille de l'enfant.")})
    if primary:
        # One primary diagnosis per subject and time point: the new one replaces the previous.
        previous = Diagnosis.objects.filter(stay=stay, timepoint=timepoint, child=child, adult=adult,
                                            primary=True, entered_in_error=False)
        for old in previous:
            old.primary = False
            record_save(old, user=user, reason=_("Remplacé comme diagnostic principal"))
    code = code.strip()
    if not label.strip():
        # A code picked from a loaded list brings its title.
        known = DiagnosisCode.objects.filter(classification=classification, code=code).first()
        label = (known.label_fr or known.label_en) if known else ""
    diagnosis = Diagnosis(stay=stay, child=child, adult=adult, timepoint=timepoint, classification=classification,
                          code=code, label=label.strip(), primary=primary, made_on=made_on)
    return record_save(diagnosis, user=user, reason=reason)


@transaction.atomic
def stay_discharge(*, user: User | None, stay: Stay, discharged_on: date, discharge_kind: str,
                   residence_after: str, expected_version: int | None = None,
                   reason: str = "Sortie") -> Stay:
    """Close the stay and any presence period still open; exit diagnoses are checked by the form."""
    _not_in_future("discharged_on", discharged_on, _("La date de sortie"))
    _refuse("discharged_on", discharge_date_problem(stay.admitted_on, discharged_on))
    if not residence_after:
        raise ValidationError({"residence_after": _("Le lieu de vie après le séjour est obligatoire.")})
    _code("discharge_kind", "discharge_kind", discharge_kind)
    _code("residence_after", "residence_after", residence_after)
    late = PresencePeriod.objects.filter(stay=stay, entered_in_error=False, start__gt=discharged_on)
    if late.exists():
        raise ValidationError({"discharged_on": _("Une présence commence après cette date de sortie.")})
    stay.discharged_on = discharged_on
    stay.discharge_kind = discharge_kind
    stay.residence_after = residence_after
    record_save(stay, user=user, reason=reason, expected_version=expected_version)
    open_periods = PresencePeriod.objects.filter(stay=stay, entered_in_error=False).exclude(
        end__isnull=False, end__lte=discharged_on
    )
    for period in open_periods:
        period.end = discharged_on
        record_save(period, user=user, reason=_("Fin de présence avec la sortie"))
    return stay


@transaction.atomic
def meeting_add(*, user: User | None, stay: Stay, held_on: date, participants: str, evaluation: str = "",
                adaptations: str = "", reason: str = "Réunion de synthèse") -> SynthesisMeeting:
    _not_in_future("held_on", held_on, _("La date de la réunion"))
    return record_save(SynthesisMeeting(stay=stay, held_on=held_on, participants=participants,
                                        evaluation=evaluation, adaptations=adaptations), user=user, reason=reason)


@transaction.atomic
def intervention_add(*, user: User | None, facility: Facility, family: Family, kind: str, done_on: date,
                     stay: Stay | None = None, duration_min: int | None = None,
                     professional: User | None = None, reason: str = "Intervention") -> Intervention:
    _not_in_future("done_on", done_on, _("La date de l'intervention"))
    return record_save(Intervention(facility=facility, family=family, stay=stay, kind=kind, done_on=done_on,
                                    duration_min=duration_min, professional=professional), user=user, reason=reason)


@transaction.atomic
def signalement_add(*, user: User | None, facility: Facility, family: Family, made_on: date, addressee: str,
                    stay: Stay | None = None, reason: str = "Signalement") -> Signalement:
    _not_in_future("made_on", made_on, _("La date du signalement"))
    return record_save(Signalement(facility=facility, family=family, stay=stay, made_on=made_on,
                                   addressee=addressee), user=user, reason=reason)


ICD11_FILE = Path(__file__).resolve().parent / "data" / "icd11.csv"


@transaction.atomic
def diagnosis_codes_sync_icd11(*, user: User | None = None) -> int:
    """Load the shipped ICD-11 subset (WHO, CC BY-ND: codes and titles unchanged); adds missing codes only."""
    present = set(DiagnosisCode.objects.filter(classification="icd11").values_list("code", flat=True))
    with ICD11_FILE.open(encoding="utf-8", newline="") as handle:
        missing = [DiagnosisCode(classification="icd11", code=row["code"], label_en=row["title_en"],
                                 label_fr=row["title_fr"])
                   for row in csv.DictReader(handle) if row["code"] not in present]
    bulk_create_with_history(missing, DiagnosisCode, default_user=user,
                             default_change_reason="Liste CIM-11 fournie")
    return len(missing)
