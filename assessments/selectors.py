"""Reads of assessments and alerts, scoped by the access module."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from admissions import selectors as admission_selectors
from assessments import due, instruments
from assessments.models import Alert, Assessment, ExpectedAssessment
from unit import access


def assessments_visible(*, user: AbstractBaseUser) -> QuerySet[Assessment]:
    return access.scope(Assessment.objects.filter(entered_in_error=False), user).select_related(
        "stay", "stay__facility", "child", "adult", "assessor")


def alerts_open(*, user: AbstractBaseUser, stay_id: int | None = None, family_id: int | None = None) -> QuerySet[Alert]:
    qs = access.scope(Alert.objects.filter(acknowledged_at__isnull=True,
                                           assessment__entered_in_error=False), user)
    if stay_id is not None:
        qs = qs.filter(assessment__stay_id=stay_id)
    if family_id is not None:
        qs = qs.filter(assessment__stay__child__family_id=family_id)
    return qs.select_related("assessment", "assessment__adult", "assessment__child", "assessment__stay",
                             "assessment__stay__facility", "assessment__stay__child__family")


def assessments_of_stay_prefetch() -> Prefetch:
    """The stay page's assessments (its timeline), prefetched with the stay (admissions/hooks.py)."""
    return Prefetch("assessments", queryset=Assessment.objects.filter(entered_in_error=False).select_related("adult"))


def alerts_all(*, user: AbstractBaseUser) -> QuerySet[Alert]:
    return access.scope(Alert.objects.all(), user).select_related(
        "assessment", "assessment__adult", "assessment__stay__facility", "assessment__stay__child__family",
        "acknowledged_by")


def rules_by_facility(*, facility_ids: set[int], kinds: dict[int, str]) -> dict[int, tuple[due.Rule, ...]]:
    """The facility's own active rules, or the defaults of its kind when it has none."""
    own: dict[int, list[due.Rule]] = {}
    for row in ExpectedAssessment.objects.filter(facility_id__in=facility_ids, active=True):
        own.setdefault(row.facility_id, []).append(due.Rule(row.instrument, row.subject, row.anchor, row.window_days))
    return {fid: tuple(own[fid]) if fid in own else due.DEFAULT_RULES.get(kinds[fid], ()) for fid in facility_ids}


def due_for(*, user: AbstractBaseUser, facility_code: str = "") -> list[dict]:
    """Expected assessments due, overdue or upcoming for the open stays the user sees (4 queries)."""
    today = timezone.localdate()
    stays = list(admission_selectors.stays_current(user=user).filter(discharged_on__isnull=True))
    if facility_code:
        stays = [s for s in stays if s.facility.code == facility_code]
    facts = []
    for stay in stays:
        parents = tuple((p.adult.role, p.adult_id, p.start) for p in stay.presence_periods.all()
                        if p.adult.role in ("mother", "father"))
        facts.append(due.StayFacts(stay.pk, stay.admitted_on, stay.planned_end_on, stay.child_id, parents))
    done = [
        due.Done(stay_id, instrument, f"child:{child_id}" if child_id else f"adult:{adult_id}", on)
        for stay_id, instrument, child_id, adult_id, on in Assessment.objects.filter(
            stay_id__in=[s.pk for s in stays], entered_in_error=False
        ).values_list("stay_id", "instrument", "child_id", "adult_id", "assessed_on")
    ]
    kinds = {s.facility_id: s.facility.kind for s in stays}
    rules = rules_by_facility(facility_ids=set(kinds), kinds=kinds)
    by_stay = {s.pk: s for s in stays}
    stay_rules = {s.pk: rules[s.facility_id] for s in stays}
    adults = {p.adult_id: p.adult for s in stays for p in s.presence_periods.all()}
    rows = []
    for item in due.due_assessments(facts, stay_rules, done, today=today):
        stay = by_stay[item.stay_id]
        kind, _sep, pk = item.subject_key.partition(":")
        tool = instruments.registry().get(item.instrument)
        rows.append({"item": item, "stay": stay, "subject": stay.child if kind == "child" else adults[int(pk)],
                     "instrument_name": tool.name if tool else item.instrument})
    return rows


def child_assessments(*, user: AbstractBaseUser, child_id: int) -> list[Assessment]:
    return list(assessments_visible(user=user).filter(child_id=child_id).order_by("assessed_on", "pk"))


def assessment_for(*, user: AbstractBaseUser, pk: int, permission: str = access.VIEW_RECORDS) -> Assessment:
    """An assessment a page shows or corrects, with its stay, subject and assessor."""
    qs = Assessment.objects.select_related("stay", "stay__facility", "stay__child", "stay__child__family", "child",
                                           "adult", "assessor")
    return access.object_for(user=user, queryset_or_model=qs, pk=pk, permission=permission)


def alert_for(*, user: AbstractBaseUser, pk: int, permission: str) -> Alert:
    return access.object_for(user=user, queryset_or_model=Alert.objects.select_related("assessment__stay"), pk=pk,
                             permission=permission)
