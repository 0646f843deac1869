"""The report engine: one load of the rows for a set of facilities and a period, one computed report.

The pages, the JSON, the command line and the Excel workbook all render the `Report` built here;
no figure is computed anywhere else. Loading costs a fixed number of queries whatever the volume.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import CharField, DateField, Exists, ExpressionWrapper, F, Min, OuterRef, Q, Value
from django.db.models.fields.json import KT
from django.utils import timezone

from admissions.models import (
    AdmissionRequest,
    Adult,
    Diagnosis,
    Intervention,
    PresencePeriod,
    Signalement,
    Stay,
    SynthesisMeeting,
)
from assessments.models import Assessment
from dashboards import indicators as ind
from dashboards.outcomes import ENTRY_WINDOW, EXIT_AFTER, EXIT_BEFORE, OUTCOME_INSTRUMENTS
from journal.models import Contact
from unit.models import Facility
from unit.routers import reporting_reads

# Tags of the activity rows that are not interventions (never an intervention kind code).
SIGNALEMENT, MEETING = "__signalement__", "__synthesis_meeting__"
# Up to this many stays, the loads that hang on the stays name them by id; beyond, by a subquery.
INLINE_IDS_LIMIT = 5000


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The same span just before: the previous calendar year for a calendar year, else the same length."""
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) \
                and self.start.year == self.end.year:
            return Period(date(self.start.year - 1, 1, 1), date(self.start.year - 1, 12, 31))
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)


@dataclass
class Report:
    facilities: list[Facility]
    period: Period
    indicators: dict
    previous_period: Period
    previous: dict | None  # None when built without the comparison (the JSON needs none)
    series: dict = field(default_factory=dict)
    previous_series: dict = field(default_factory=dict)
    diagnosis_labels: dict[str, str] = field(default_factory=dict)  # code -> the title recorded with it

    def diagnosis(self, code: str) -> str:
        """« Trouble réactionnel de l'attachement (6B44) »: the label first, the code beside it."""
        label = self.diagnosis_labels.get(code)
        return f"{label} ({code})" if label else code

    def as_json(self) -> dict:
        """Exactly the keys of DOMAIN.md "Indicator codes"."""
        return self.indicators


@reporting_reads()  # every read of a report goes to the replica when there is one
def build(facilities: list[Facility], period: Period, *, compare: bool = True) -> Report:
    """The report of the period; with `compare`, also the previous period and the monthly series the pages draw.

    The JSON answers the indicators of the period only: without `compare` the rows of the previous
    period are neither loaded nor counted. The indicators of the period are the same either way.
    """
    previous = period.previous()
    data = load(facilities, previous.start if compare else period.start, period.end)
    return report_from(data, facilities, period, compare=compare, report_date=timezone.localdate())


def report_from(data: ind.ReportData, facilities: list[Facility], period: Period, *, compare: bool = True,
                report_date: date | None = None) -> Report:
    """The report computed from loaded rows (which cover the previous period too when `compare`), as read on
    `report_date` (open stays are counted up to it when the period runs past it)."""
    previous = period.previous()
    codes = [f.code for f in facilities]
    on = {"report_date": report_date}
    return Report(
        facilities=list(facilities), period=period,
        indicators=ind.compute(data, period.start, period.end, codes, **on),
        previous_period=previous,
        previous=ind.compute(data, previous.start, previous.end, codes, **on) if compare else None,
        series=ind.series(data, period.start, period.end, **on) if compare else {},
        previous_series=ind.series(data, previous.start, previous.end, **on) if compare else {},
        diagnosis_labels=_diagnosis_labels(data.diagnoses),
    )


def _diagnosis_labels(rows: list[ind.DiagnosisRow]) -> dict[str, str]:
    """Each code's most often recorded title (ties: the first in alphabetical order)."""
    counts: dict[str, Counter] = {}
    for row in rows:
        if row.label:
            counts.setdefault(row.code, Counter())[row.label] += 1
    return {code: min(titles.items(), key=lambda item: (-item[1], item[0]))[0] for code, titles in counts.items()}


@reporting_reads()
def load(facilities: list[Facility], start: date, end: date) -> ind.ReportData:
    """Every row the indicators of [start, end] need, for these facilities (11 queries)."""
    facility_ids = [f.pk for f in facilities]
    stays_q = Stay.objects.filter(facility_id__in=facility_ids, entered_in_error=False).active_in(start, end)
    stays = _stays(stays_q)
    of_stays, of_families = _of_stays_and_families(stays_q, stays)
    # An adult entered in error is not admitted: neither their presence periods nor their diagnoses count.
    presence = [ind.PresenceRow(*row) for row in PresencePeriod.objects.filter(
        of_stays, entered_in_error=False, adult__entered_in_error=False).values_list(
        "stay_id", "adult_id", "adult__role", "start", "end")]
    adults = [ind.AdultRow(*row) for row in Adult.objects.filter(of_families, entered_in_error=False).values_list(
        "id", "family_id", "role", "birth_date", "nationality", "region")]
    requests = _requests(facility_ids, start, end)
    first_request_on = _first_request_on(facility_ids, of_families)
    diagnoses = [ind.DiagnosisRow(*row) for row in Diagnosis.objects.filter(
        of_stays, entered_in_error=False).exclude(adult__entered_in_error=True).values_list(
        "stay_id", "child_id", "adult_id", "timepoint", "code", "primary", "made_on", "label")]
    assessments = _outcome_assessments(stays_q, stays, start, end)
    interventions, signalements, meetings = _activity(facility_ids, start, end)
    stay_signalements = list(Signalement.objects.filter(of_stays, entered_in_error=False).values_list(
        "stay_id", "made_on"))
    return ind.ReportData(
        facilities=[ind.FacilityRow(f.pk, f.code, f.capacity, f.is_residential) for f in facilities],
        stays=stays, presence=presence, adults=adults, requests=requests, first_request_on=first_request_on,
        diagnoses=diagnoses, assessments=assessments, interventions=interventions, signalements=signalements,
        meetings=meetings, stay_signalements=stay_signalements,
        later_stays=_later_stays(facilities, stays_q, stays, start),
        contacts=_contacts(facility_ids, start, end),
    )


def _stays(stays_q) -> list[ind.StayRow]:
    """The stays with their child's and request's fields (1 query)."""
    return [
        ind.StayRow(
            id=row["id"], facility_id=row["facility_id"], child_id=row["child_id"], family_id=row["child__family_id"],
            sex=row["child__sex"], birth_date=row["child__birth_date"],
            gestational_weeks=row["child__gestational_weeks"], admitted_on=row["admitted_on"],
            discharged_on=row["discharged_on"], discharge_kind=row["discharge_kind"],
            residence_before=row["residence_before"], residence_after=row["residence_after"],
            mandate=row["mandate"], referrer_category=row["request__referrer_category"],
        )
        for row in stays_q.values(
            "id", "facility_id", "child_id", "child__family_id", "child__sex", "child__birth_date",
            "child__gestational_weeks", "admitted_on", "discharged_on", "discharge_kind", "residence_before",
            "residence_after", "mandate", "request__referrer_category")
    ]


def _of_stays_and_families(stays_q, stays: list[ind.StayRow]) -> tuple[Q, Q]:
    """The filters on `stay` and on `family` of the rows hanging on those stays (no query)."""
    # The rows hanging on those stays are fetched by the ids just read, not by repeating the stays'
    # filter as a subquery in each load: cheaper to build, and PostgreSQL need not find the stays again.
    stay_ids = [row.id for row in stays]
    family_ids = sorted({row.family_id for row in stays})
    if len(stay_ids) > INLINE_IDS_LIMIT:  # a very long period over many facilities: the subquery again
        return Q(stay__in=stays_q), Q(family__in=stays_q.values("child__family_id"))
    return Q(stay_id__in=stay_ids), Q(family_id__in=family_ids)


# The scores the outcomes read (DOMAIN.md "Outcomes"): Bayley composites, the PIR-GAS score, the EPDS and ADBB
# totals. Only these keys are read out of the JSON, in the database: not every item of every assessment.
SCORE_KEYS = ("cog", "lang", "motor", "se", "ab", "score")
DERIVED_KEYS = ("total",)


def _outcome_assessments(stays_q, stays: list[ind.StayRow], start: date, end: date) -> list[ind.AssessmentRow]:
    """The outcome instruments' assessments of the stays discharged in [start, end], with the scores the
    outcomes read (1 query)."""
    discharged = [row.id for row in stays if row.discharged_on is not None and start <= row.discharged_on <= end]
    of_discharged = stays_q.filter(discharged_on__range=(start, end)).values("id") \
        if len(discharged) > INLINE_IDS_LIMIT else discharged
    keys = [KT(f"scores__{key}") for key in SCORE_KEYS] + [KT(f"derived__{key}") for key in DERIVED_KEYS]
    rows = []
    # Only what can be an entry or an exit value (DOMAIN.md windows): most assessments of a stay are neither.
    admitted, discharged_on = F("stay__admitted_on"), F("stay__discharged_on")
    in_windows = Q(assessed_on__gte=admitted, assessed_on__lte=_plus(admitted, ENTRY_WINDOW)) | Q(
        assessed_on__gte=_plus(discharged_on, -EXIT_BEFORE), assessed_on__lte=_plus(discharged_on, EXIT_AFTER))
    for stay_id, instrument, assessed_on, adult_id, pk, *values in Assessment.objects.filter(
            in_windows, stay_id__in=of_discharged, entered_in_error=False,
            instrument__in=OUTCOME_INSTRUMENTS).values_list(
            "stay_id", "instrument", "assessed_on", "adult_id", "id", *keys):
        scores = {key: float(v) for key, v in zip(SCORE_KEYS, values, strict=False) if v is not None}
        derived = {key: float(v) for key, v in zip(DERIVED_KEYS, values[len(SCORE_KEYS):], strict=True)
                   if v is not None}
        rows.append(ind.AssessmentRow(stay_id, instrument, assessed_on, scores, derived, adult_id, pk))
    return rows


def _plus(day, days: int):
    """A date column moved by a number of days, still a date (both databases)."""
    return ExpressionWrapper(day + timedelta(days=days), output_field=DateField())


def _later_stays(facilities: list[Facility], stays_q, stays: list[ind.StayRow],
                 start: date) -> list[tuple[int, int, date]]:
    """The stays begun from `start` on by the children discharged in these stays, in any facility of the
    organisations of these facilities: the readmissions (1 query)."""
    children = sorted({row.child_id for row in stays if row.discharged_on is not None})
    if len(children) > INLINE_IDS_LIMIT:
        children = stays_q.filter(discharged_on__isnull=False).values("child_id")
    organisations = {f.organisation_id for f in facilities}
    return list(Stay.objects.filter(
        child_id__in=children, facility__organisation_id__in=organisations, entered_in_error=False,
        admitted_on__gte=start).values_list("child_id", "id", "admitted_on"))


def _requests(facility_ids: list[int], start: date, end: date) -> list[ind.RequestRow]:
    """The requests received in [start, end], each with whether a stay admitted it (1 query)."""
    requests_q = AdmissionRequest.objects.filter(facility_id__in=facility_ids, entered_in_error=False,
                                                 received_on__range=(start, end))
    admitted = Stay.objects.filter(request=OuterRef("pk"), entered_in_error=False)
    return [ind.RequestRow(*row) for row in requests_q.annotate(admitted=Exists(admitted)).values_list(
        "id", "family_id", "received_on", "decision", "refusal_reason", "eligibility_verdict", "admitted")]


def _first_request_on(facility_ids: list[int], of_families: Q) -> dict[int, date]:
    """Each family's first request to these facilities, whenever received (1 query)."""
    return dict(AdmissionRequest.objects.filter(
        of_families, facility_id__in=facility_ids, entered_in_error=False,
    ).values("family_id").annotate(first=Min("received_on")).values_list("family_id", "first"))


def _activity(facility_ids: list[int], start: date, end: date) -> tuple[list[tuple[str, date]], list[date], list[date]]:
    """The interventions by kind, the signalements and the meetings of [start, end] (1 query)."""
    # The three kinds of activity in one query (UNION ALL): interventions by kind, signalements, meetings.
    activity = Intervention.objects.filter(
        facility_id__in=facility_ids, entered_in_error=False, done_on__range=(start, end)).exclude(
        stay__entered_in_error=True).order_by().values_list("kind", "done_on").union(
        Signalement.objects.filter(
            facility_id__in=facility_ids, entered_in_error=False, made_on__range=(start, end)).exclude(
            stay__entered_in_error=True).order_by().annotate(
            tag=Value(SIGNALEMENT, output_field=CharField())).values_list("tag", "made_on"),
        SynthesisMeeting.objects.filter(
            stay__facility_id__in=facility_ids, entered_in_error=False, stay__entered_in_error=False,
            held_on__range=(start, end)).order_by().annotate(
            tag=Value(MEETING, output_field=CharField())).values_list("tag", "held_on"),
        all=True,
    )
    interventions, signalements, meetings = [], [], []
    for kind, day in activity:
        if kind == SIGNALEMENT:
            signalements.append(day)
        elif kind == MEETING:
            meetings.append(day)
        else:
            interventions.append((kind, day))
    return interventions, signalements, meetings


def _contacts(facility_ids: list[int], start: date, end: date) -> list[ind.ContactRow]:
    """The contacts without a dossier of [start, end] (1 query)."""
    return [ind.ContactRow(*row) for row in Contact.objects.filter(
        facility_id__in=facility_ids, entered_in_error=False, contacted_on__range=(start, end)).order_by(
        "contacted_on", "pk").values_list("contacted_on", "caller", "outcome")]
