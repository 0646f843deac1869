"""The end of a dossier's life: which dossiers are past their retention, and their anonymisation on an
administrator's explicit, reasoned decision (never automatic).

Anonymising a dossier replaces its identity (the reference, names), removes its free texts and the
contents of its documents, coarsens birth dates to the month, and keeps every code, care date and figure,
so that the reports of past periods do not change. It reaches every record of the dossier in admissions,
assessments and documents, their history tables included: this module sits above them (documents).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from admissions.models import (
    AdmissionRequest,
    Adult,
    Child,
    Diagnosis,
    Family,
    Intervention,
    PresencePeriod,
    Signalement,
    Stay,
    SynthesisMeeting,
)
from assessments.models import Alert, Assessment
from documents import hooks, retention, storage
from documents.models import Anonymisation, Consent, Document, RetentionRule
from unit import access
from unit.history import record_save
from unit.models import Facility
from unit.registry import registry

User = AbstractBaseUser
ERASED = "—"
REASON_REMOVED = "Texte retiré (anonymisation)"


# ---------------------------------------------------------------- the clock


def rule_of(facility: Facility, rules: dict[int, RetentionRule] | None = None) -> retention.Rule:
    """The facility's own rule, else its country's default."""
    own = (rules if rules is not None else {}).get(facility.pk)
    if own is None and rules is None:
        own = RetentionRule.objects.filter(facility=facility).first()
    if own is not None:
        return retention.Rule(own.years_after_last_contact, own.until_child_age, own.at_most_years)
    return retention.DEFAULT_RULES[facility.country]


def _latest(queryset: models.QuerySet, *fields: str) -> list[date]:
    found = queryset.aggregate(**{f"m{n}": Max(name) for n, name in enumerate(fields)})
    return [value for value in found.values() if value is not None]


def last_contact(family: Family) -> date | None:
    """The last day anything happened in the dossier (a request, a decision, a stay's start or end, care, an
    assessment, a document); None while a stay is open (the dossier is alive)."""
    stays = Stay.objects.filter(child__family=family, entered_in_error=False)
    if stays.filter(discharged_on__isnull=True).exists():
        return None
    dates = (
        _latest(AdmissionRequest.objects.filter(family=family, entered_in_error=False), "received_on", "decided_on")
        + _latest(stays, "admitted_on", "discharged_on")
        + _latest(Intervention.objects.filter(family=family, entered_in_error=False), "done_on")
        + _latest(Signalement.objects.filter(family=family, entered_in_error=False), "made_on")
        + _latest(SynthesisMeeting.objects.filter(stay__in=stays, entered_in_error=False), "held_on")
        + _latest(Assessment.objects.filter(stay__in=stays, entered_in_error=False), "assessed_on")
        + _latest(Document.objects.filter(family=family, entered_in_error=False), "document_date")
        + [day for last_of in registry.contributions(hooks.LAST_CONTACT) if (day := last_of(family)) is not None]
    )
    return max(dates) if dates else family.created_at.date()


@dataclass(frozen=True)
class Clock:
    family: Family
    last_contact: date
    retention_end: date
    facility_ids: frozenset[int]


def clock_of(family: Family, rules: dict[int, RetentionRule] | None = None) -> Clock | None:
    """When the dossier's retention ends: the longest of the rules of the facilities holding it."""
    contact = last_contact(family)
    if contact is None:
        return None
    holders = access.facilities_holding(family)
    births = list(family.children.filter(entered_in_error=False).values_list("birth_date", flat=True))
    ends = [retention.retention_end(rule_of(facility, rules), last_contact=contact, children_birth_dates=births)
            for facility in Facility.objects.filter(pk__in=holders)]
    return Clock(family, contact, max(ends), frozenset(holders))


def dossiers_past_retention(*, facility_ids: set[int], today: date) -> list[Clock]:
    """The dossiers opened by these facilities, not anonymised yet, whose retention ended before `today`."""
    rules = {rule.facility_id: rule for rule in RetentionRule.objects.all()}
    families = Family.objects.filter(facility_id__in=facility_ids, anonymisation__isnull=True).order_by("pk")
    clocks = [clock_of(family, rules) for family in families]
    return [clock for clock in clocks if clock is not None and clock.retention_end < today]


# ---------------------------------------------------------------- the anonymisation


@dataclass
class Plan:
    """What the anonymisation of one dossier touches, model by model (counted for the decision's record)."""

    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0


def _erase_texts(**values: object) -> Callable[[models.Model], dict[str, object]]:
    return lambda obj: dict(values)


# Per model: the fields replaced, as a function of the record (the others are kept: codes, dates, figures).
def _family_fields(family: Family) -> dict[str, object]:
    return {"reference": f"ANON-{family.pk}", "notes": ""}


def _person_fields(references: list[date]) -> Callable[[models.Model], dict[str, object]]:
    def fields_of(person) -> dict[str, object]:
        values: dict[str, object] = {"first_name": ERASED, "last_name": ERASED}
        if person.birth_date is not None:
            values["birth_date"] = retention.coarse_birth_date(person.birth_date, references)
        return values
    return fields_of


def _alert_fields(alert: Alert) -> dict[str, object]:
    return {"acknowledgement_note": ERASED if alert.acknowledged_at else ""}


def _document_fields(document: Document) -> dict[str, object]:
    return {"title": ERASED, "stored_name": "", "sha256": "", "content_erased": True}


def _records(family: Family) -> list[tuple[type[models.Model], models.QuerySet, Callable]]:
    """Every record of the dossier, entered in error or not, with the fields its anonymisation replaces."""
    stays = Stay.objects.filter(child__family=family)
    admissions = sorted(stays.values_list("admitted_on", flat=True))
    children = Child.objects.filter(family=family)
    # A child's age counts at its own admissions; a parent's at the start of any stay of the family.
    child_refs = {child.pk: sorted(stays.filter(child=child).values_list("admitted_on", flat=True))
                  for child in children}
    assessments = Assessment.objects.filter(stay__in=stays)
    return [
        (Family, Family.objects.filter(pk=family.pk), _family_fields),
        (Child, children, lambda child: _person_fields(child_refs[child.pk])(child)),
        (Adult, Adult.objects.filter(family=family), _person_fields(admissions)),
        (AdmissionRequest, AdmissionRequest.objects.filter(family=family),
         _erase_texts(referrer_contact="", verdict_override_reason="", decision_note="")),
        (Stay, stays, _erase_texts(admission_override_reason="")),
        (PresencePeriod, PresencePeriod.objects.filter(stay__in=stays), _erase_texts()),
        (Diagnosis, Diagnosis.objects.filter(stay__in=stays), _erase_texts(label="")),
        (SynthesisMeeting, SynthesisMeeting.objects.filter(stay__in=stays),
         _erase_texts(participants=ERASED, evaluation="", adaptations="")),
        (Intervention, Intervention.objects.filter(family=family), _erase_texts()),
        (Signalement, Signalement.objects.filter(family=family), _erase_texts(addressee=ERASED)),
        (Assessment, assessments, _erase_texts(notes="")),
        (Alert, Alert.objects.filter(assessment__in=assessments), _alert_fields),
        (Document, Document.objects.filter(family=family), _document_fields),
        (Consent, Consent.objects.filter(family=family), _erase_texts()),
        *(record for records_of in registry.contributions(hooks.ANONYMISE_RECORDS) for record in records_of(family)),
    ]


def _scrub_history(model: type[models.Model], pk: int, fields_of: Callable) -> None:
    """Every past version of the record gets the same replacements (a birth date coarsened from its own value),
    and its reason, a free text, is removed."""
    historical = model.history.model
    for row in historical.objects.filter(id=pk):
        values = fields_of(row.instance)
        for name, value in values.items():
            setattr(row, name, value)
        row.history_change_reason = REASON_REMOVED
        row.save()


@transaction.atomic
def family_anonymise(*, user: User | None, family: Family, reason: str, today: date | None = None,
                     dry_run: bool = False) -> Anonymisation | Plan:
    """Anonymise a dossier past its retention, on an administrator's reasoned decision (recorded for ever).

    The user needs the administration of every facility holding the dossier. With `dry_run`, nothing is
    changed and the plan (what would be touched) is returned."""
    today = today or timezone.localdate()
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de la décision d'anonymisation.")})
    if user is not None and not access.can_act_in_every_holder(user, family, access.ADMINISTER):
        raise PermissionDenied
    family = Family.objects.select_for_update().get(pk=family.pk)
    if Anonymisation.objects.filter(family=family).exists():
        raise ValidationError(_("Ce dossier est déjà anonymisé."))
    clock = clock_of(family)
    if clock is None or clock.retention_end >= today:
        raise ValidationError(_("Ce dossier n'a pas dépassé sa durée de conservation."))
    plan = Plan()
    records = _records(family)
    for model, queryset, _fields_of in records:
        plan.counts[model._meta.label_lower] = queryset.count()
    plan.files = Document.objects.filter(family=family).exclude(stored_name="").count()
    if dry_run:
        transaction.set_rollback(True)
        return plan
    history_reason = _("Anonymisation (fin de conservation) : %(reason)s") % {"reason": reason.strip()}
    for model, queryset, fields_of in records:
        for obj in list(queryset.order_by("pk")):
            values = fields_of(obj)
            _scrub_history(model, obj.pk, fields_of)
            if model is Document and obj.stored_name:
                storage.erase(obj.stored_name)
            if values:  # the new version says who anonymised it and why
                for name, value in values.items():
                    setattr(obj, name, value)
                record_save(obj, user=user, reason=history_reason)
    return record_save(Anonymisation(
        family=family, decided_by=user, reason=reason.strip(), last_contact=clock.last_contact,
        retention_end=clock.retention_end, facilities=sorted(clock.facility_ids), summary=plan.counts,
    ), user=user, reason=_("Décision d'anonymisation"))
