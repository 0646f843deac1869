"""Reads of the admissions pathway, already scoped to what the user may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from admissions import hooks
from admissions.models import (
    AdmissionRequest,
    Adult,
    Diagnosis,
    Family,
    Intervention,
    PresencePeriod,
    Stay,
    stays_occupying_q,
)
from unit import access
from unit.ages import age_in_months
from unit.models import EligibilityCriterion
from unit.registry import registry


def requests_visible(user: AbstractBaseUser, *, status: str = "", facility_code: str = "") -> QuerySet:
    qs = access.scope(AdmissionRequest.objects.filter(entered_in_error=False), user)
    if status == "pending":
        qs = qs.filter(decision="")
    elif status:
        qs = qs.filter(decision=status)
    if facility_code:
        qs = qs.filter(facility__code=facility_code)
    return qs.select_related("facility", "family", "referrer_organisation")


def families_visible(user: AbstractBaseUser) -> QuerySet:
    return access.scope(Family.objects.filter(entered_in_error=False), user)


def family_reference_taken(user: AbstractBaseUser, reference: str) -> bool:
    """Whether a dossier the user can reach (entered in error included) already bears `reference`.

    Dossiers out of the user's reach are not looked at: a reference used only there answers as a new one
    (references are unique per facility, and the user creates only in facilities they reach)."""
    return access.scope(Family.objects.all(), user).filter(reference__iexact=reference.strip()).exists()


def family_detail(user: AbstractBaseUser, pk: int) -> Family:
    visible_stays = access.scope(Stay.objects.filter(entered_in_error=False), user).select_related("facility")
    visible_requests = access.scope(AdmissionRequest.objects.filter(entered_in_error=False), user)
    qs = families_visible(user).select_related("facility").prefetch_related(
        "children", "adults",
        Prefetch("requests", queryset=visible_requests.select_related("facility")),
        Prefetch("children__stays", queryset=visible_stays),
    )
    return get_object_or_404(qs, pk=pk)


def stays_visible(user: AbstractBaseUser, permission: str = access.VIEW_RECORDS) -> QuerySet:
    return access.scope(Stay.objects.filter(entered_in_error=False), user, permission)


def stays_current(user: AbstractBaseUser, permission: str = access.VIEW_RECORDS) -> QuerySet:
    """The stays active today (discharge day included: exit assessments are still entered that day)."""
    today = timezone.localdate()
    return _with_residents(stays_visible(user, permission).active_in(today, today))


def stays_occupying(user: AbstractBaseUser, day, permission: str = access.VIEW_RECORDS) -> QuerySet:
    """The stays holding a place on `day` (admissions.stay_dates: the discharge day is a free place)."""
    return _with_residents(stays_visible(user, permission).occupying(day))


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


def stay_detail(user: AbstractBaseUser, pk: int) -> Stay:
    qs = stays_visible(user).select_related("facility", "child", "child__family", "request").prefetch_related(
        Prefetch("presence_periods", queryset=PresencePeriod.objects.filter(entered_in_error=False)
                 .select_related("adult")),
        Prefetch("diagnoses", queryset=Diagnosis.objects.select_related("child", "adult")),
        "meetings", Prefetch("interventions", queryset=Intervention.objects.select_related("professional")),
        "signalements",
        *(prefetch() for prefetch in registry.contributions(hooks.STAY_PREFETCH)),
    )
    return get_object_or_404(qs, pk=pk)


def open_alerts(user: AbstractBaseUser, *, stay_id: int | None = None, family_id: int | None = None) -> list:
    """The open alerts the apps built on admissions raise on a stay or a family (admissions/hooks.py)."""
    return [alert for alerts_of in registry.contributions(hooks.OPEN_ALERTS)
            for alert in alerts_of(user, stay_id=stay_id, family_id=family_id)]


def occupancy_by_facility(user: AbstractBaseUser, permission: str = access.VIEW_RECORDS) -> list[dict]:
    """Places used today per facility the user may see (one aggregate query), by the board's rule."""
    today = timezone.localdate()
    present = Q(stays__entered_in_error=False) & stays_occupying_q(today, today, prefix="stays__")
    rows = access.facilities_for(user, permission).annotate(present=Count("stays", filter=present))
    return [{"facility": f, "present": f.present, "capacity": f.capacity} for f in rows.order_by("name")]


def object_for(user: AbstractBaseUser, model, pk: int, permission: str = access.VIEW_RECORDS, *,
               queryset: QuerySet | None = None):
    """The object if the user may act on it with `permission`.

    Unreachable objects answer 404 (nothing leaks about other facilities); reachable ones the
    user may only read answer 403.
    """
    qs = queryset if queryset is not None else model.objects.all()
    if any(f.name == "entered_in_error" for f in model._meta.fields):
        qs = qs.filter(entered_in_error=False)
    obj = access.scope(qs, user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    if permission != access.VIEW_RECORDS and not access.scope(qs, user, permission).filter(pk=pk).exists():
        raise PermissionDenied
    return obj


def criteria_of(facility_id: int) -> QuerySet:
    """The facility's active eligibility criteria, in their order."""
    return EligibilityCriterion.objects.filter(facility_id=facility_id, active=True)


def family_adults(family_id: int) -> QuerySet:
    """The adults of a family (those entered in error left out)."""
    return Adult.objects.filter(family_id=family_id, entered_in_error=False)


def request_stays(req: AdmissionRequest) -> QuerySet:
    """The stays that came from a request."""
    return req.stays.filter(entered_in_error=False).select_related("child")


def admissible_children(req: AdmissionRequest) -> QuerySet:
    """Who may be admitted from a request: its children; for a prenatal request that names none yet,
    any child of the family (born since)."""
    children = req.children.filter(entered_in_error=False)
    if req.expected_due_date and not children.exists():
        children = req.family.children.filter(entered_in_error=False)
    return children


def waiting_list(user: AbstractBaseUser, facility_code: str = "") -> QuerySet:
    """Requests on the waiting list, oldest decision first (the wait counts from reception)."""
    qs = requests_visible(user, status="waiting_list", facility_code=facility_code)
    return qs.order_by("received_on", "pk").prefetch_related("children")


def request_detail(user: AbstractBaseUser, pk: int, permission: str = access.VIEW_RECORDS) -> AdmissionRequest:
    qs = AdmissionRequest.objects.select_related("facility", "family", "referrer_organisation", "decided_by")
    return object_for(user, AdmissionRequest, pk, permission, queryset=qs)


def board(user: AbstractBaseUser, facility_code: str = "") -> list[dict]:
    """Current residents per facility: places used today (the capacity rule), each child with age, days in
    stay, parents present."""
    today = timezone.localdate()
    stays = stays_occupying(user, today)
    if facility_code:
        stays = stays.filter(facility__code=facility_code)
    facilities = access.facilities_for(user)
    if facility_code:
        facilities = facilities.filter(code=facility_code)
    by_facility: dict[int, dict] = {f.pk: {"facility": f, "rows": []} for f in facilities}
    for stay in stays:
        entry = by_facility[stay.facility_id]
        present = [p.adult for p in stay.presence_periods.all()
                   if p.start <= today and (p.end is None or p.end >= today)]
        entry["rows"].append({
            "stay": stay,
            "age_months": age_in_months(stay.child.birth_date, today),
            "days": (today - stay.admitted_on).days,
            "parents": present,
        })
    for entry in by_facility.values():
        entry["used"] = len(entry["rows"])
    return sorted(by_facility.values(), key=lambda e: e["facility"].name)


def stay_timeline(stay: Stay) -> list[dict]:
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
    if stay.discharged_on:
        events.append({"date": stay.discharged_on, "kind": "discharge", "object": stay})
    order = {"admission": 0, "presence_start": 1, "diagnosis": 2, "assessment": 3, "meeting": 3, "intervention": 3,
             "signalement": 3, "presence_end": 4, "discharge": 5}
    return sorted(events, key=lambda e: (e["date"] or stay.admitted_on, order[e["kind"]]))
