"""Reads of the admissions pathway, already scoped to what the user may see."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from admissions import hooks
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
    Stay,
    stays_occupying_q,
)
from unit import access
from unit.ages import age_in_months
from unit.models import EligibilityCriterion
from unit.registry import registry


def requests_visible(*, user: AbstractBaseUser, status: str = "",
                     facility_code: str = "") -> QuerySet[AdmissionRequest]:
    qs = access.scope(AdmissionRequest.objects.filter(entered_in_error=False), user)
    if status == "pending":
        qs = qs.filter(decision="")
    elif status:
        qs = qs.filter(decision=status)
    if facility_code:
        qs = qs.filter(facility__code=facility_code)
    return qs.select_related("facility", "family", "referrer_organisation")


def families_visible(*, user: AbstractBaseUser, query: str = "") -> QuerySet[Family]:
    """The dossiers the user may read; `query` keeps those whose reference contains it."""
    qs = access.scope(Family.objects.filter(entered_in_error=False), user)
    if query:
        qs = qs.filter(reference__icontains=query)
    return qs.select_related("facility")


def family_reference_taken(*, user: AbstractBaseUser, reference: str) -> bool:
    """Whether a dossier the user can reach (entered in error included) already bears `reference`.

    Dossiers out of the user's reach are not looked at: a reference used only there answers as a new one
    (references are unique per facility, and the user creates only in facilities they reach)."""
    return access.scope(Family.objects.all(), user).filter(reference__iexact=reference.strip()).exists()


def family_detail(*, user: AbstractBaseUser, pk: int) -> Family:
    visible_stays = access.scope(Stay.objects.filter(entered_in_error=False), user).select_related("facility")
    visible_requests = access.scope(AdmissionRequest.objects.filter(entered_in_error=False), user)
    qs = families_visible(user=user).select_related("facility").prefetch_related(
        "children", "adults",
        Prefetch("requests", queryset=visible_requests.select_related("facility")),
        Prefetch("children__stays", queryset=visible_stays),
    )
    return get_object_or_404(qs, pk=pk)


def stays_visible(*, user: AbstractBaseUser, permission: str = access.VIEW_RECORDS) -> QuerySet[Stay]:
    return access.scope(Stay.objects.filter(entered_in_error=False), user, permission)


def stays_current(*, user: AbstractBaseUser, permission: str = access.VIEW_RECORDS) -> QuerySet[Stay]:
    """The stays active today (discharge day included: exit assessments are still entered that day)."""
    today = timezone.localdate()
    return _with_residents(stays_visible(user=user, permission=permission).active_in(today, today))


def stays_occupying(*, user: AbstractBaseUser, day: date, permission: str = access.VIEW_RECORDS) -> QuerySet[Stay]:
    """The stays holding a place on `day` (admissions.stay_dates: the discharge day is a free place)."""
    return _with_residents(stays_visible(user=user, permission=permission).occupying(day))


def _with_residents(stays: QuerySet) -> QuerySet:
    return (
        stays
        .select_related("facility", "child", "child__family")
        .prefetch_related(
            Prefetch("presence_periods", queryset=PresencePeriod.objects.filter(entered_in_error=False)
                     .select_related("adult"))
        )
        .order_by("facility__name", "admitted_on")
    )


def _with_timeline(stays: QuerySet[Stay]) -> QuerySet[Stay]:
    """The stays with every relation their page and timeline read (a fixed number of queries for any number)."""
    return stays.select_related("facility", "child", "child__family", "request").prefetch_related(
        Prefetch("presence_periods", queryset=PresencePeriod.objects.filter(entered_in_error=False)
                 .select_related("adult")),
        Prefetch("diagnoses", queryset=Diagnosis.objects.select_related("child", "adult")),
        "meetings", Prefetch("interventions", queryset=Intervention.objects.select_related("professional")),
        "signalements",
        *(prefetch() for prefetch in registry.contributions(hooks.STAY_PREFETCH)),
    )


def stay_detail(*, user: AbstractBaseUser, pk: int) -> Stay:
    return get_object_or_404(_with_timeline(stays_visible(user=user)), pk=pk)


def family_stays_detailed(*, user: AbstractBaseUser, family_id: int) -> list[Stay]:
    """Every stay of the family's children the user may read, each with what its timeline reads."""
    return list(_with_timeline(stays_visible(user=user).filter(child__family_id=family_id))
                .order_by("admitted_on", "pk"))


def open_alerts(*, user: AbstractBaseUser, stay_id: int | None = None, family_id: int | None = None) -> list:
    """The open alerts the apps built on admissions raise on a stay or a family (admissions/hooks.py)."""
    return [alert for alerts_of in registry.contributions(hooks.OPEN_ALERTS)
            for alert in alerts_of(user=user, stay_id=stay_id, family_id=family_id)]


def stay_links(*, user: AbstractBaseUser, stay: Stay) -> list[tuple[str, str]]:
    """The stay page's links to pages of the apps built on admissions (admissions/hooks.py)."""
    return [link for links_of in registry.contributions(hooks.STAY_LINKS) for link in links_of(user=user, stay=stay)]


def family_links(*, user: AbstractBaseUser, family: Family) -> list[tuple[str, str]]:
    return [link for links_of in registry.contributions(hooks.FAMILY_LINKS)
            for link in links_of(user=user, family=family)]


def occupancy_by_facility(*, user: AbstractBaseUser, permission: str = access.VIEW_RECORDS) -> list[dict]:
    """Places used today per facility the user may see (one aggregate query), by the board's rule."""
    today = timezone.localdate()
    present = Q(stays__entered_in_error=False) & stays_occupying_q(today, today, prefix="stays__")
    rows = access.facilities_for(user, permission).annotate(present=Count("stays", filter=present))
    return [{"facility": f, "present": f.present, "capacity": f.capacity} for f in rows.order_by("name")]


def unit_full_for(*, request: AdmissionRequest, today: date) -> tuple[date, int, int] | None:
    """(day, places taken, places) when the request's residential unit has no free place on its planned
    admission day (or today, when that is past or unknown) and the request is not yet accepted; else None."""
    facility = request.facility
    if not facility.is_residential or not facility.capacity or request.decision == "accepted":
        return None
    day = max(request.planned_admission_on or today, today)
    taken = places_taken(facility_id=facility.pk, on=day)
    return (day, taken, facility.capacity) if taken >= facility.capacity else None


def places_taken(*, facility_id: int, on: date) -> int:
    """Children holding a place in the facility on that day, by the capacity rule (one query)."""
    return Stay.objects.filter(facility_id=facility_id, entered_in_error=False).occupying_between(on, on).count()


def criteria_of(*, facility_id: int) -> QuerySet:
    """The facility's active eligibility criteria, in their order."""
    return EligibilityCriterion.objects.filter(facility_id=facility_id, active=True)


def family_adults(*, family_id: int) -> QuerySet[Adult]:
    """The adults of a family (those entered in error left out)."""
    return Adult.objects.filter(family_id=family_id, entered_in_error=False)


def request_stays(*, admission_request: AdmissionRequest) -> QuerySet[Stay]:
    """The stays that came from a request."""
    return admission_request.stays.filter(entered_in_error=False).select_related("child")


def admissible_children(*, admission_request: AdmissionRequest) -> QuerySet[Child]:
    """Who may be admitted from a request: its children; for a prenatal request that names none yet,
    any child of the family (born since)."""
    children = admission_request.children.filter(entered_in_error=False)
    if admission_request.expected_due_date and not children.exists():
        children = family_children(family_id=admission_request.family_id)
    return children


def family_children(*, family_id: int) -> QuerySet[Child]:
    """The children of a family (those entered in error left out)."""
    return Child.objects.filter(family_id=family_id, entered_in_error=False)


def stay_present_adult_ids(*, stay: Stay) -> set[int]:
    """The adults with a presence period in the stay (those entered in error left out)."""
    return set(stay.presence_periods.filter(entered_in_error=False).values_list("adult_id", flat=True))


def stay_present_adults(*, stay: Stay) -> QuerySet[Adult]:
    """The adults who stayed with the child at some point of the stay."""
    return Adult.objects.filter(presence_periods__stay=stay, entered_in_error=False).distinct()


def stay_has_exit_diagnosis(*, stay: Stay) -> bool:
    return stay.diagnoses.filter(timepoint="exit", entered_in_error=False).exists()


def stay_subject(*, stay: Stay, kind: str, pk: int) -> dict[str, Child | Adult]:
    """The subject a diagnosis form names, as service arguments: the stay's child, or an adult of its family.

    Anything else is not found (Child.DoesNotExist / Adult.DoesNotExist)."""
    if kind == "child":
        return {"child": Child.objects.get(pk=pk, pk__in=[stay.child_id])}
    return {"adult": Adult.objects.get(pk=pk, family_id=stay.child.family_id)}


def stay_for_form(*, user: AbstractBaseUser, pk: int, permission: str) -> Stay:
    """A stay a form page acts on with `permission`, with what its forms and title show."""
    return access.object_for(user=user, pk=pk, permission=permission,
                             queryset_or_model=Stay.objects.select_related("child", "child__family", "facility"))


def presence_for_form(*, user: AbstractBaseUser, pk: int, permission: str) -> PresencePeriod:
    return access.object_for(user=user, pk=pk, permission=permission,
                             queryset_or_model=PresencePeriod.objects.select_related("stay"))


def child_with_family(*, user: AbstractBaseUser, pk: int, permission: str = access.VIEW_RECORDS) -> Child:
    return access.object_for(user=user, pk=pk, permission=permission,
                             queryset_or_model=Child.objects.select_related("family"))


def referrer_organisation_names() -> QuerySet:
    """The names of the senders' directory, offered while typing a request."""
    return ReferrerOrganisation.objects.filter(active=True).values_list("name", flat=True)


def diagnosis_codes_active() -> QuerySet[DiagnosisCode]:
    """The loaded diagnosis codes, for the picker's list."""
    return DiagnosisCode.objects.filter(active=True).only("classification", "code", "label_fr", "label_en")


def diagnosis_code_known(*, classification: str, code: str) -> bool:
    """Whether `code` is in the loaded list of its classification (active codes only)."""
    return DiagnosisCode.objects.filter(classification=classification, code=code.strip(), active=True).exists()


def diagnosis_codes_matching(*, classification: str = "", query: str = "", limit: int = 30) -> list[DiagnosisCode]:
    """Codes whose code starts with `query` or whose title contains it, in code order."""
    qs = DiagnosisCode.objects.filter(active=True)
    if classification:
        qs = qs.filter(classification=classification)
    if query:
        qs = qs.filter(Q(code__istartswith=query) | Q(label_fr__icontains=query) | Q(label_en__icontains=query))
    return list(qs.order_by("code")[:limit])


def waiting_list(*, user: AbstractBaseUser, facility_code: str = "") -> QuerySet[AdmissionRequest]:
    """Requests on the waiting list, oldest decision first (the wait counts from reception)."""
    qs = requests_visible(user=user, status="waiting_list", facility_code=facility_code)
    return qs.order_by("received_on", "pk").prefetch_related("children")


def request_detail(*, user: AbstractBaseUser, pk: int, permission: str = access.VIEW_RECORDS) -> AdmissionRequest:
    qs = AdmissionRequest.objects.select_related("facility", "family", "referrer_organisation", "decided_by")
    return access.object_for(user=user, queryset_or_model=qs, pk=pk, permission=permission)


def board(*, user: AbstractBaseUser, facility_code: str = "") -> list[dict]:
    """Current residents per facility: places used today (the capacity rule), each child with age, days in
    stay, parents present, and the open alerts on the stay (an EPDS self-harm answer: admissions/hooks.py)."""
    today = timezone.localdate()
    stays = stays_occupying(user=user, day=today)
    if facility_code:
        stays = stays.filter(facility__code=facility_code)
    facilities = access.facilities_for(user)
    if facility_code:
        facilities = facilities.filter(code=facility_code)
    by_facility: dict[int, dict] = {f.pk: {"facility": f, "rows": []} for f in facilities}
    alerts_by_stay: dict[int, list] = {}
    for alert in open_alerts(user=user):
        alerts_by_stay.setdefault(alert.assessment.stay_id, []).append(alert)
    for stay in stays:
        entry = by_facility[stay.facility_id]
        present = [p.adult for p in stay.presence_periods.all()
                   if p.start <= today and (p.end is None or p.end >= today)]
        entry["rows"].append({
            "stay": stay,
            "age_months": age_in_months(stay.child.birth_date, today),
            "days": (today - stay.admitted_on).days,
            "parents": present,
            "alerts": alerts_by_stay.get(stay.pk, []),
        })
    for entry in by_facility.values():
        entry["used"] = len(entry["rows"])
    return sorted(by_facility.values(), key=lambda e: e["facility"].name)


def stay_timeline(*, stay: Stay) -> list[dict]:
    """Events of a stay in date order, from the prefetched relations (no query per event)."""
    events: list[dict] = [{"date": stay.admitted_on, "kind": "admission", "object": stay}]
    for period in stay.presence_periods.all():
        events.append({"date": period.start, "kind": "presence_start", "object": period})
        if period.end:
            events.append({"date": period.end, "kind": "presence_end", "object": period})
    for diagnosis in stay.diagnoses.all():
        if not diagnosis.entered_in_error:
            events.append({"date": diagnosis.made_on or (stay.discharged_on if diagnosis.timepoint == "exit"
                                                          else stay.admitted_on),
                           "kind": "diagnosis", "object": diagnosis})
    for meeting in stay.meetings.all():
        if not meeting.entered_in_error:
            events.append({"date": meeting.held_on, "kind": "meeting", "object": meeting})
    for intervention in stay.interventions.all():
        if not intervention.entered_in_error:
            events.append({"date": intervention.done_on, "kind": "intervention", "object": intervention})
    for signalement in stay.signalements.all():
        if not signalement.entered_in_error:
            events.append({"date": signalement.made_on, "kind": "signalement", "object": signalement})
    for assessment in stay.assessments.all():
        events.append({"date": assessment.assessed_on, "kind": "assessment", "object": assessment})
    for events_of in registry.contributions(hooks.STAY_EVENTS):
        events.extend({**event, "object": None} for event in events_of(stay))
    if stay.discharged_on:
        events.append({"date": stay.discharged_on, "kind": "discharge", "object": stay})
    order = {"admission": 0, "presence_start": 1, "diagnosis": 2, "assessment": 3, "meeting": 3, "intervention": 3,
             "signalement": 3, "presence_end": 4, "discharge": 5}
    # An event another app contributes (hooks.STAY_EVENTS) sits with the stay's events of its day.
    return sorted(events, key=lambda e: (e["date"] or stay.admitted_on, order.get(e["kind"], 3)))
