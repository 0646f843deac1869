"""Reports as they stood: a past instant's report rebuilt from the history tables, and what changed since.

`load_as_of` reads the same rows as `engine.load`, from the django-simple-history tables: for each
record the latest version saved at or before the instant, deleted ones left out, entered-in-error
ones left out where the engine leaves them out. Historical foreign keys point at today's rows,
so the joins (stay → child, presence → adult, stay → request) are made in Python between versions
of the same instant. The rows are put in the engine's order, so `indicators.compute` sees the same
input and the checksum of a frozen report is reproduced exactly. Rows written without history
(bulk inserts) do not exist for this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from admissions.models import (
    AdmissionRequest,
    Adult,
    Child,
    Diagnosis,
    Intervention,
    PresencePeriod,
    Signalement,
    Stay,
    SynthesisMeeting,
    stays_active_in_q,
)
from admissions.stay_dates import is_active_in
from assessments.models import Assessment
from dashboards import indicators as ind
from dashboards.engine import Period, Report, report_from
from dashboards.outcomes import OUTCOME_INSTRUMENTS
from journal.models import Contact
from unit.models import NON_RESIDENTIAL_KINDS, Facility

CHUNK = 500  # ids per IN (...) clause, well under every database's parameter limit


def _by_ids(queryset, field_name: str, ids: Iterable, *values: str) -> list[tuple]:
    ids = sorted({i for i in ids if i is not None})
    rows: list[tuple] = []
    for index in range(0, len(ids), CHUNK):
        rows.extend(queryset.filter(**{f"{field_name}__in": ids[index:index + CHUNK]}).values_list(*values))
    return rows


def _desc(day: date) -> int:
    return -day.toordinal()


def load_as_of(facilities: Sequence[Facility], start: date, end: date, when: datetime) -> ind.ReportData:
    """`engine.load(facilities, start, end)` as the database stood at `when`."""
    facility_ids = [f.pk for f in facilities]
    facility_rows = _facilities_as_of(facilities, when)
    stays = _stays_as_of(facility_ids, start, end, when)
    stay_ids = [s.id for s in stays]
    family_ids = {s.family_id for s in stays}
    presence, diagnoses = _presence_and_diagnoses_as_of(stay_ids, when)
    adults = [ind.AdultRow(*row) for row in sorted(
        _by_ids(Adult.history.as_of(when).filter(entered_in_error=False), "family_id", family_ids,
                "id", "family_id", "role", "birth_date", "nationality", "region"),
        key=lambda r: (r[2], r[0]))]
    requests = _requests_as_of(facility_ids, start, end, when)
    first_request_on = _first_request_on_as_of(facility_ids, family_ids, when)
    assessments = [ind.AssessmentRow(*row[1:], id=row[0]) for row in sorted(
        _by_ids(Assessment.history.as_of(when).filter(entered_in_error=False, instrument__in=OUTCOME_INSTRUMENTS),
                "stay_id", stay_ids, "id", "stay_id", "instrument", "assessed_on", "scores", "derived", "adult_id"),
        key=lambda r: (_desc(r[3]), -r[0]))]
    interventions, signalements, meetings = _activity_as_of(facility_ids, start, end, when)
    stay_signalements = [(stay_id, day) for _id, stay_id, day in sorted(_by_ids(
        Signalement.history.as_of(when).filter(entered_in_error=False), "stay_id", stay_ids,
        "id", "stay_id", "made_on"))]
    children = {s.child_id for s in stays if s.discharged_on is not None}
    organisations = set(Facility.objects.filter(pk__in=facility_ids).values_list("organisation_id", flat=True))
    in_organisations = set(Facility.objects.filter(organisation_id__in=organisations).values_list("pk", flat=True))
    later_stays = [(child_id, id_, admitted_on) for id_, child_id, admitted_on, facility_id in sorted(_by_ids(
        Stay.history.as_of(when).filter(entered_in_error=False, admitted_on__gte=start), "child_id", children,
        "id", "child_id", "admitted_on", "facility_id")) if facility_id in in_organisations]
    return ind.ReportData(
        facilities=facility_rows, stays=stays, presence=presence, adults=adults, requests=requests,
        first_request_on=first_request_on, diagnoses=diagnoses, assessments=assessments, interventions=interventions,
        signalements=signalements, meetings=meetings, stay_signalements=stay_signalements, later_stays=later_stays,
        contacts=_contacts_as_of(facility_ids, start, end, when),
    )


def _facilities_as_of(facilities: Sequence[Facility], when: datetime) -> list[ind.FacilityRow]:
    """The facilities' capacity and kind at `when`; today's for one without a version by then."""
    past = {row[0]: row for row in _by_ids(Facility.history.as_of(when), "id", [f.pk for f in facilities],
                                           "id", "code", "capacity", "kind")}
    facility_rows = []
    for f in facilities:
        _id, _code, capacity, kind = past.get(f.pk, (f.pk, f.code, f.capacity, f.kind))
        facility_rows.append(ind.FacilityRow(f.pk, f.code, capacity, kind not in NON_RESIDENTIAL_KINDS))
    return facility_rows


def _stays_as_of(facility_ids: list[int], start: date, end: date, when: datetime) -> list[ind.StayRow]:
    """The stays active in [start, end] at `when`, joined to their child and request versions, in the engine's order."""
    stay_rows = list(Stay.history.as_of(when).filter(
        stays_active_in_q(start, end), facility_id__in=facility_ids, entered_in_error=False).values_list(
        "id", "facility_id", "child_id", "request_id", "admitted_on", "discharged_on", "discharge_kind",
        "residence_before", "residence_after", "mandate"))
    children = {row[0]: row[1:] for row in _by_ids(Child.history.as_of(when), "id", [r[2] for r in stay_rows],
                                                   "id", "family_id", "sex", "birth_date", "gestational_weeks")}
    referrers = dict(_by_ids(AdmissionRequest.history.as_of(when), "id", [r[3] for r in stay_rows],
                             "id", "referrer_category"))
    stays = []
    for (id_, facility_id, child_id, request_id, admitted_on, discharged_on, discharge_kind, before, after,
         mandate) in sorted(stay_rows, key=lambda r: (_desc(r[4]), -r[0])):
        if child_id not in children:
            continue
        family_id, sex, birth_date, weeks = children[child_id]
        stays.append(ind.StayRow(
            id=id_, facility_id=facility_id, child_id=child_id, family_id=family_id, sex=sex, birth_date=birth_date,
            gestational_weeks=weeks, admitted_on=admitted_on, discharged_on=discharged_on,
            discharge_kind=discharge_kind, residence_before=before, residence_after=after, mandate=mandate,
            referrer_category=referrers.get(request_id) if request_id is not None else None))
    return stays


def _presence_and_diagnoses_as_of(stay_ids: list[int], when: datetime) -> tuple[
        list[ind.PresenceRow], list[ind.DiagnosisRow]]:
    """The presence periods and diagnoses of those stays at `when`, of adults then admitted."""
    presence_rows = _by_ids(PresencePeriod.history.as_of(when).filter(entered_in_error=False), "stay_id", stay_ids,
                            "id", "stay_id", "adult_id", "start", "end")
    diagnosis_rows = _by_ids(Diagnosis.history.as_of(when).filter(entered_in_error=False), "stay_id", stay_ids,
                             "id", "stay_id", "child_id", "adult_id", "timepoint", "code", "primary", "made_on",
                             "label")
    # The adults of those presence periods and diagnoses as they stood: one entered in error (like one deleted)
    # is not admitted, and neither their presence periods nor their diagnoses count (the engine's joins).
    roles = {adult_id: role for adult_id, role, in_error in _by_ids(
        Adult.history.as_of(when), "id", [r[2] for r in presence_rows] + [r[3] for r in diagnosis_rows],
        "id", "role", "entered_in_error") if not in_error}
    presence = [ind.PresenceRow(stay_id, adult_id, roles[adult_id], start_, end_)
                for _id, stay_id, adult_id, start_, end_ in sorted(presence_rows, key=lambda r: (r[3], r[0]))
                if adult_id in roles]
    diagnoses = [ind.DiagnosisRow(*row[1:]) for row in sorted(diagnosis_rows, key=lambda r: (r[4], not r[6], r[0]))
                 if row[3] is None or row[3] in roles]
    return presence, diagnoses


def _requests_as_of(facility_ids: list[int], start: date, end: date, when: datetime) -> list[ind.RequestRow]:
    """The requests received in [start, end] at `when`, each with whether a stay then admitted it."""
    request_rows = list(AdmissionRequest.history.as_of(when).filter(
        facility_id__in=facility_ids, entered_in_error=False, received_on__range=(start, end)).values_list(
        "id", "family_id", "received_on", "decision", "refusal_reason", "eligibility_verdict"))
    admitted = {row[0] for row in _by_ids(Stay.history.as_of(when).filter(entered_in_error=False), "request_id",
                                          [r[0] for r in request_rows], "request_id")}
    return [ind.RequestRow(*row, admitted=row[0] in admitted)
            for row in sorted(request_rows, key=lambda r: (_desc(r[2]), -r[0]))]


def _first_request_on_as_of(facility_ids: list[int], family_ids: set[int], when: datetime) -> dict[int, date]:
    """Each family's first request to these facilities, as the requests stood at `when`."""
    first_request_on: dict[int, date] = {}
    for family_id, received_on in _by_ids(AdmissionRequest.history.as_of(when).filter(
            facility_id__in=facility_ids, entered_in_error=False), "family_id", family_ids,
            "family_id", "received_on"):
        if family_id not in first_request_on or received_on < first_request_on[family_id]:
            first_request_on[family_id] = received_on
    return first_request_on


def _activity_as_of(facility_ids: list[int], start: date, end: date, when: datetime) -> tuple[
        list[tuple[str, date]], list[date], list[date]]:
    """The interventions by kind, the signalements and the meetings of [start, end] at `when`."""
    intervention_rows = list(Intervention.history.as_of(when).filter(
        facility_id__in=facility_ids, entered_in_error=False, done_on__range=(start, end)).values_list(
        "id", "kind", "done_on", "stay_id"))
    signalement_rows = list(Signalement.history.as_of(when).filter(
        facility_id__in=facility_ids, entered_in_error=False, made_on__range=(start, end)).values_list(
        "id", "made_on", "stay_id"))
    meeting_rows = list(SynthesisMeeting.history.as_of(when).filter(
        entered_in_error=False, held_on__range=(start, end)).values_list("id", "held_on", "stay_id"))
    linked = {row[0]: row[1:] for row in _by_ids(
        Stay.history.as_of(when), "id",
        [r[3] for r in intervention_rows] + [r[2] for r in signalement_rows] + [r[2] for r in meeting_rows],
        "id", "facility_id", "entered_in_error")}

    def kept(stay_id) -> bool:  # the engine's .exclude(stay__entered_in_error=True)
        return stay_id is None or not linked.get(stay_id, (None, False))[1]

    interventions = [(kind, day) for _id, kind, day, stay_id in sorted(intervention_rows, key=lambda r: (r[2], r[0]))
                     if kept(stay_id)]
    signalements = [day for _id, day, stay_id in sorted(signalement_rows, key=lambda r: (r[1], r[0]))
                    if kept(stay_id)]
    meetings = [day for _id, day, stay_id in sorted(meeting_rows, key=lambda r: (r[1], r[0]))
                if stay_id in linked and linked[stay_id][0] in facility_ids and not linked[stay_id][1]]
    return interventions, signalements, meetings


def _contacts_as_of(facility_ids: list[int], start: date, end: date, when: datetime) -> list[ind.ContactRow]:
    """The contacts without a dossier of [start, end] at `when`, in the engine's order."""
    rows = Contact.history.as_of(when).filter(facility_id__in=facility_ids, entered_in_error=False,
                                              contacted_on__range=(start, end)).values_list(
        "id", "contacted_on", "caller", "outcome")
    return [ind.ContactRow(*row[1:]) for row in sorted(rows, key=lambda r: (r[1], r[0]))]


def engine_build_as_of(facilities: Sequence[Facility], period: Period, when: datetime) -> Report:
    """`engine.build(facilities, period)` as it would have answered at `when`."""
    data = load_as_of(facilities, period.previous().start, period.end, when)
    # Read as on that instant's day: open stays counted to it, as the report then counted them.
    return report_from(data, list(facilities), period, report_date=timezone.localdate(when))


# ---------------------------------------------------------------- what changed since an export


ADDED, CORRECTED, DISCHARGED = "added", "corrected", "discharged"
IGNORED_FIELDS = {"version", "created_at", "updated_at"}


@dataclass
class StayChange:
    stay_id: int
    family_reference: str
    kind: str  # added, corrected, discharged
    fields: list[str] = field(default_factory=list)
    changed_at: datetime | None = None
    changed_by: str = ""
    reasons: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return {ADDED: _("ajouté"), CORRECTED: _("corrigé"), DISCHARGED: _("sorti")}[self.kind]


def _versions(model, ids: Iterable[int]) -> dict[int, list]:
    """Every version of these records, oldest first."""
    versions: dict[int, list] = {}
    ids = sorted(set(ids))
    for index in range(0, len(ids), CHUNK):
        for version in model.history.filter(id__in=ids[index:index + CHUNK]).select_related(
                "history_user").order_by("history_date", "history_id"):
            versions.setdefault(version.id, []).append(version)
    return versions


def _changed_fields(model, before, now) -> list[str]:
    if before is None or now is None:
        return []
    return [str(capfirst(f.verbose_name)) for f in model._meta.concrete_fields
            if f.name not in IGNORED_FIELDS and f.attname != "id"
            and getattr(before, f.attname) != getattr(now, f.attname)]


def _split(versions: list, since: datetime) -> tuple:
    """(version standing at `since` or None, versions saved after it)."""
    before = [v for v in versions if v.history_date <= since]
    return (before[-1] if before and before[-1].history_type != "-" else None,
            [v for v in versions if v.history_date > since])


def changes_since(facility_ids: Sequence[int], period: Period, since: datetime) -> list[StayChange]:
    """Stays of these facilities that count in the report of `period` (or of the previous period shown
    beside it) and were added, corrected or discharged after `since`, with the fields that changed."""
    first = period.previous().start

    def counts(v) -> bool:
        return (v is not None and v.history_type != "-" and v.facility_id in facility_ids
                and not v.entered_in_error and is_active_in(v.admitted_on, v.discharged_on, first, period.end))

    candidates = Stay.history.filter(history_date__gt=since, id__in=Stay.history.filter(
        facility_id__in=facility_ids).values("id")).values_list("id", flat=True).distinct()
    changes: dict[int, StayChange] = {}
    for stay_id, versions in _versions(Stay, candidates).items():
        before, after = _split(versions, since)
        now = versions[-1]
        if not after or not (counts(before) or counts(now)):
            continue
        if before is None:
            kind = ADDED
        elif before.discharged_on is None and now.discharged_on is not None:
            kind = DISCHARGED
        else:
            kind = CORRECTED
        fields = _changed_fields(Stay, before, now)
        if kind == CORRECTED and not fields:
            continue
        changes[stay_id] = StayChange(stay_id, "", kind, fields, after[-1].history_date,
                                      _who(after[-1]), _reasons(after))

    in_scope = Stay.objects.filter(facility_id__in=facility_ids, entered_in_error=False).active_in(first, period.end)
    related = [(Diagnosis, _("diagnostics")), (PresencePeriod, _("présence des parents")),
               (Assessment, _("évaluations")), (SynthesisMeeting, _("réunions de synthèse"))]
    for model, label in related:
        for version in model.history.filter(history_date__gt=since).filter(
                Q(stay_id__in=in_scope.values("pk")) | Q(stay_id__in=list(changes))).select_related(
                "history_user").order_by("history_date", "history_id"):
            _note(changes, version.stay_id, label, version)
    child_stays: dict[int, list[int]] = {}
    for stay_id, child_id in in_scope.values_list("pk", "child_id"):
        child_stays.setdefault(child_id, []).append(stay_id)
    changed_children = Child.history.filter(history_date__gt=since, id__in=list(child_stays)).values_list(
        "id", flat=True).distinct()
    for child_id, versions in _versions(Child, changed_children).items():
        before, after = _split(versions, since)
        fields = [f"{_('enfant')} : {name}" for name in _changed_fields(Child, before, versions[-1])]
        for stay_id in child_stays.get(child_id, []):
            for name in fields:
                _note(changes, stay_id, name, after[-1])

    references = dict(Stay.objects.filter(pk__in=list(changes)).values_list("pk", "child__family__reference"))
    for change in changes.values():
        change.family_reference = references.get(change.stay_id, "")
    return sorted(changes.values(), key=lambda c: c.stay_id)


def _note(changes: dict[int, StayChange], stay_id: int, label: str, version) -> None:
    change = changes.setdefault(stay_id, StayChange(stay_id, "", CORRECTED))
    if label not in change.fields:
        change.fields.append(label)
    if change.changed_at is None or version.history_date > change.changed_at:
        change.changed_at = version.history_date
        change.changed_by = _who(version)
    reason = version.history_change_reason or ""
    if reason and reason not in change.reasons:
        change.reasons.append(reason)


def _who(version) -> str:
    return version.history_user.get_username() if version.history_user else ""


def _reasons(versions: list) -> list[str]:
    return list(dict.fromkeys(v.history_change_reason for v in versions if v.history_change_reason))
