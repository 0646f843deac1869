"""The indicators of DOMAIN.md ("Indicators", "Indicator codes"), as pure functions over plain rows.

No ORM and no request here: the engine loads the rows once, these functions count. Every rule
below is DOMAIN.md's, to the letter; where DOMAIN.md leaves a choice open, the comment says which
reading is taken (docs/reports.md lists them).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from admissions import stay_dates
from admissions.rules import ADMISSION_MODES, Period, admission_mode, overlaps
from dashboards import outcomes as outcome_rules
from journal import contacts
from unit.ages import AGE_BANDS, POST_TERM_FROM_WEEKS, PRETERM_BEFORE_WEEKS, age_band, age_in_months, age_in_years

PARENT_AGE_BANDS = ("<18", "18-25", "26-30", "31-35", "36-40", "41-45", ">45", "unknown")
SEXES = ("F", "M")


@dataclass(frozen=True)
class StayRow:
    id: int
    facility_id: int
    child_id: int
    family_id: int
    sex: str
    birth_date: date
    gestational_weeks: int | None
    admitted_on: date
    discharged_on: date | None
    discharge_kind: str
    residence_before: str
    residence_after: str
    mandate: str
    referrer_category: str | None  # of the request that led to the stay


@dataclass(frozen=True)
class PresenceRow:
    stay_id: int
    adult_id: int
    role: str
    start: date
    end: date | None


@dataclass(frozen=True)
class AdultRow:
    id: int
    family_id: int
    role: str
    birth_date: date | None
    nationality: str
    region: str


@dataclass(frozen=True)
class RequestRow:
    id: int
    family_id: int
    received_on: date
    decision: str  # "" while pending
    refusal_reason: str
    verdict: str
    admitted: bool


@dataclass(frozen=True)
class DiagnosisRow:
    stay_id: int
    child_id: int | None
    adult_id: int | None
    timepoint: str
    code: str
    primary: bool
    made_on: date | None = None  # None: an undated (imported) diagnosis, counted in every period
    label: str = ""  # the title recorded with the code, shown beside it (never counted)


@dataclass(frozen=True)
class AssessmentRow:
    stay_id: int
    instrument: str
    assessed_on: date
    scores: dict
    derived: dict = field(default_factory=dict)  # totals computed by the instrument (EPDS, ADBB)
    adult_id: int | None = None  # the parent assessed (EPDS), None for the child
    id: int = 0


@dataclass(frozen=True)
class FacilityRow:
    id: int
    code: str
    capacity: int | None
    residential: bool


@dataclass
class ReportData:
    facilities: list[FacilityRow]
    stays: list[StayRow]
    presence: list[PresenceRow] = field(default_factory=list)
    adults: list[AdultRow] = field(default_factory=list)
    requests: list[RequestRow] = field(default_factory=list)
    first_request_on: dict[int, date] = field(default_factory=dict)  # family id -> first request received
    diagnoses: list[DiagnosisRow] = field(default_factory=list)
    assessments: list[AssessmentRow] = field(default_factory=list)
    interventions: list[tuple[str, date]] = field(default_factory=list)  # (kind, date)
    signalements: list[date] = field(default_factory=list)
    meetings: list[date] = field(default_factory=list)
    # Outcomes: the signalements of the stays (stay, date), whenever made; the stays of the same children in
    # the organisation's facilities (child, stay, admission), for readmissions.
    stay_signalements: list[tuple[int, date]] = field(default_factory=list)
    later_stays: list[tuple[int, int, date]] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)  # contacts without a dossier (journal)


@dataclass(frozen=True)
class ContactRow:
    contacted_on: date
    caller: str
    outcome: str


def contacts_without_file(rows: Iterable[ContactRow], start: date, end: date) -> dict:
    """DOMAIN.md's `contacts_without_file`: the contacts dated in the period, by caller and by outcome."""
    return contacts.tally((row.caller, row.outcome) for row in rows if start <= row.contacted_on <= end)


# ---------------------------------------------------------------- periods and stays


# The dates of a stay have one rule, admissions.stay_dates; these read it for a row.


def is_active(stay: StayRow, start: date, end: date) -> bool:
    """DOMAIN.md: admission ≤ end and (no discharge or discharge ≥ start)."""
    return stay_dates.is_active_in(stay.admitted_on, stay.discharged_on, start, end)


def is_discharged_in(stay: StayRow, start: date, end: date) -> bool:
    return stay_dates.is_discharged_in(stay.discharged_on, start, end)


def is_started_in(stay: StayRow, start: date, end: date) -> bool:
    return stay_dates.is_started_in(stay.admitted_on, start, end)


def counted_until(stay: StayRow, end: date, report_date: date | None = None) -> date:
    """The discharge date, or the period end (the report date when the period runs past it) while open then."""
    return stay_dates.counted_until(stay.admitted_on, stay.discharged_on, end, report_date)


def first_stay_of_each_child(stays: Iterable[StayRow]) -> list[StayRow]:
    """Settled reading 4: a child counts once, at the first of these stays (by admission, then id)."""
    first: dict[int, StayRow] = {}
    for stay in sorted(stays, key=lambda s: (s.admitted_on, s.id)):
        first.setdefault(stay.child_id, stay)
    return list(first.values())


# The distribution of the length of stay the pages and workbook show beside its summary: days, inclusive.
STAY_LENGTH_BINS = ((0, 30), (31, 91), (92, 182), (183, 365), (366, None))


def stay_length_bins(days: Sequence[int]) -> list[int]:
    """How many of these lengths of stay fall in each of STAY_LENGTH_BINS."""
    return [sum(1 for d in days if d >= low and (high is None or d <= high)) for low, high in STAY_LENGTH_BINS]


# DOMAIN.md's year bands for older children, inside "36m+" (age at admission in completed years):
# 3 (<4), 4–5 (4–6), 6–11 (6–12), 12–16 (12–16), 17 and more (17+).
OLDER_AGE_BANDS = ("3y", "4-5y", "6-11y", "12-16y", "17y+")


def older_age_band(months: int) -> str | None:
    """The year band of a child of 36 months or more at admission; None below."""
    if months < 36:
        return None
    years = months // 12
    for limit, band in ((4, "3y"), (6, "4-5y"), (12, "6-11y"), (17, "12-16y")):
        if years < limit:
            return band
    return "17y+"


def parent_age_band(years: int | None) -> str:
    if years is None:
        return "unknown"
    for limit, band in ((18, "<18"), (26, "18-25"), (31, "26-30"), (36, "31-35"), (41, "36-40"), (46, "41-45")):
        if years < limit:
            return band
    return ">45"


def gestational_category(weeks: int | None) -> str:
    if weeks is None:
        return "unknown"
    if weeks < PRETERM_BEFORE_WEEKS:
        return "preterm"
    if weeks < POST_TERM_FROM_WEEKS:
        return "term"
    return "post_term"


def share(part: int, whole: int) -> float | None:
    """A fraction rounded to 4 decimals; None without a denominator (settled reading 7: null, shown "—")."""
    return round(part / whole, 4) if whole else None


def _counts(values: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(v for v in values if v).items()))


def family_region(adults: Sequence[AdultRow]) -> str:
    """DOMAIN.md: the mother's region, else the father's, else another adult's."""
    for role in ("mother", "father", "other_guardian"):
        for adult in adults:
            if adult.role == role and adult.region:
                return adult.region
    return ""


# ---------------------------------------------------------------- the report


def compute(data: ReportData, start: date, end: date, facility_codes: Sequence[str], *,
            report_date: date | None = None) -> dict:
    """Every indicator of DOMAIN.md for the period, with exactly the keys of "Indicator codes".

    `report_date` is the day the report is read (the engine passes today): open stays are counted to it
    when the period runs past it (settled reading 1). None counts them to the period end.
    """
    active = [s for s in data.stays if is_active(s, start, end)]
    discharged = [s for s in data.stays if is_discharged_in(s, start, end)]
    started = [s for s in data.stays if is_started_in(s, start, end)]
    residential = {f.id for f in data.facilities if f.residential}
    presence_by_stay = presence_in_period(data.presence, start, end)
    adults_by_family: dict[int, list[AdultRow]] = {}
    for adult in data.adults:
        adults_by_family.setdefault(adult.family_id, []).append(adult)

    report: dict = {"period": {"start": start.isoformat(), "end": end.isoformat(),
                               "facilities": sorted(facility_codes)}}
    report["stays_active"] = len(active)
    report.update(_children(first_stay_of_each_child(active)))
    # Settled reading 5: the parents' admission is a question for residential stays only.
    with_parents = [s for s in active if s.facility_id in residential]
    modes = Counter(_mode(s, presence_by_stay.get(s.id, []), end, report_date) for s in with_parents)
    report["admission_mode"] = {mode: modes.get(mode, 0) for mode in ADMISSION_MODES}
    report["share_with_father"] = share(modes["father_only"] + modes["both_whole_stay"] + modes["both_partial"],
                                        len(with_parents))
    report["residence_before"] = _counts(s.residence_before for s in active)
    report["residence_after"] = _counts(s.residence_after for s in discharged)
    report["referrer_category"] = _counts(s.referrer_category or "" for s in active)
    report["region"] = _counts(family_region(adults_by_family.get(s.family_id, [])) for s in active)
    report["mandate"] = _counts(s.mandate for s in active)
    report["discharge_kind"] = _counts(s.discharge_kind for s in discharged)
    report["diagnosis_entry_exit"] = diagnosis_pairs(discharged, data.diagnoses)
    report["parent_diagnoses"] = parent_diagnoses(active, data.diagnoses,
                                                  [p for rows in presence_by_stay.values() for p in rows], end)
    report["length_of_stay_days"] = length_of_stay(active, end, report_date)
    report["occupancy_rate"] = occupancy_rate(data.facilities, data.stays, start, end, report_date)
    report.update(requests(data.requests, start, end))
    report["families"] = families(data, active, start, end)
    report.update(parents(started, adults_by_family))
    report["gestational_category"] = gestational(started)
    report["interventions"] = _counts(kind for kind, day in data.interventions if start <= day <= end)
    report["contacts_without_file"] = contacts_without_file(data.contacts, start, end)
    report["signalements"] = sum(1 for day in data.signalements if start <= day <= end)
    report["synthesis_meetings"] = sum(1 for day in data.meetings if start <= day <= end)
    pairs = outcome_rules.pairs_frame(discharged, data.assessments, data.presence, data.adults,
                                      measures=outcome_rules.ALL_MEASURES)
    report["bayley_change"] = outcome_rules.bayley_change(pairs)
    report["outcomes"] = outcome_rules.outcomes(pairs, discharged, data.stay_signalements, data.later_stays,
                                                report_date or end)
    return report


def _children(first_stays: Sequence[StayRow]) -> dict:
    """Children by sex and age at admission, each child once at the given (first active) stay."""
    by_sex = Counter(s.sex for s in first_stays)
    bands = {band: {sex: 0 for sex in SEXES} for band in AGE_BANDS}
    months = []
    for stay in first_stays:
        age = age_in_months(stay.birth_date, stay.admitted_on)
        months.append(age)
        bands[age_band(age)][stay.sex] = bands[age_band(age)].get(stay.sex, 0) + 1
    return {
        "children_by_sex": {sex: by_sex.get(sex, 0) for sex in SEXES},
        "age_band_by_sex": bands,
        "share_under_6_months": share(sum(1 for m in months if m < 6), len(first_stays)),
        "share_under_1_year": share(sum(1 for m in months if m < 12), len(first_stays)),
    }


def presence_in_period(presence: Iterable[PresenceRow], start: date, end: date) -> dict[int, list[PresenceRow]]:
    """The presence periods of each stay that count for the period (settled reading 6).

    Membership: an adult is admitted in a stay for the period only when one of their presence periods of that
    stay touches [start, end]. Coverage: for each admitted adult, every one of their presence periods of that
    stay that starts on or before the period end is returned — those that ended before the period start too,
    so that a parent present from admission in back-to-back periods is covered for the whole stay in every
    period (DOMAIN.md, `both_whole_stay`). A period starting after the period end does not exist for it.
    """
    existing = [row for row in presence if row.start <= end]
    admitted = {(row.stay_id, row.adult_id) for row in existing if overlaps(row.start, row.end, start, end)}
    by_stay: dict[int, list[PresenceRow]] = {}
    for row in existing:
        if (row.stay_id, row.adult_id) in admitted:
            by_stay.setdefault(row.stay_id, []).append(row)
    return by_stay


def _mode(stay: StayRow, presence: Sequence[PresenceRow], end: date, report_date: date | None) -> str:
    periods = [Period(p.role, p.start, p.end) for p in presence]
    return admission_mode(periods, stay.admitted_on, counted_until(stay, end, report_date))


def diagnosis_pairs(discharged: Sequence[StayRow], diagnoses: Sequence[DiagnosisRow]) -> list[dict]:
    """(primary entry, primary exit) diagnosis of each discharged stay's child; a missing one is null."""
    primary: dict[tuple[int, str], str] = {}
    for dx in diagnoses:
        if dx.primary and dx.child_id is not None:
            primary[(dx.stay_id, dx.timepoint)] = dx.code
    pairs = Counter((primary.get((s.id, "entry")), primary.get((s.id, "exit"))) for s in discharged)
    return [{"entry": entry, "exit": exit_, "n": n}
            for (entry, exit_), n in sorted(pairs.items(), key=lambda item: (-item[1], str(item[0][0]),
                                                                              str(item[0][1])))]


def parent_diagnoses(active: Sequence[StayRow], diagnoses: Sequence[DiagnosisRow],
                     presence: Sequence[PresenceRow], end: date) -> dict[str, int]:
    """Diagnoses of the adults admitted (with a presence period in the period) in the active stays; each adult
    once per code. A diagnosis made after the period `end` does not exist for it (reading 6: a past report never
    changes); one without a date (`made_on` None, imported) counts in every period."""
    stay_ids = {s.id for s in active}
    admitted = {(p.stay_id, p.adult_id) for p in presence}
    pairs = {(dx.adult_id, dx.code) for dx in diagnoses
             if dx.adult_id is not None and dx.stay_id in stay_ids and (dx.stay_id, dx.adult_id) in admitted
             and (dx.made_on is None or dx.made_on <= end)}
    return dict(sorted(Counter(code for _adult, code in pairs).items()))


def length_of_stay(active: Sequence[StayRow], end: date, report_date: date | None = None) -> dict:
    days = [stay_dates.length_of_stay(s.admitted_on, s.discharged_on, end, report_date) for s in active]
    if not days:
        return {"n": 0, "median": None, "mean": None, "min": None, "max": None}
    return {"n": len(days), "median": statistics.median(days), "mean": round(statistics.fmean(days), 1),
            "min": min(days), "max": max(days)}


def child_days(stay: StayRow, start: date, end: date) -> int:
    """Days the stay holds a place inside [start, end] (the capacity rule: discharge day free, a same-day
    stay holds its day)."""
    return stay_dates.occupied_days(stay.admitted_on, stay.discharged_on, start, end)


def occupancy_rate(facilities: Sequence[FacilityRow], stays: Sequence[StayRow], start: date,
                   end: date, report_date: date | None = None) -> float | None:
    """Child-days / (places × days), both up to the report date when the period runs past it (reading 1)."""
    residential = {f.id: f for f in facilities if f.residential and f.capacity}
    if not residential:
        return None
    last = stay_dates.counting_end(end, report_date)
    places = sum(f.capacity for f in residential.values())
    days = (last - start).days + 1
    used = sum(child_days(s, start, last) for s in stays if s.facility_id in residential)
    return share(used, places * days) if days > 0 else None


def requests(rows: Sequence[RequestRow], start: date, end: date) -> dict:
    received = [r for r in rows if start <= r.received_on <= end]
    decisions = Counter(r.decision or "pending" for r in received)
    return {
        "requests": {"received": len(received), "accepted": decisions["accepted"],
                     "waiting_list": decisions["waiting_list"], "refused": decisions["refused"],
                     "pending": decisions["pending"]},
        "refusal_reason": _counts(r.refusal_reason for r in received if r.decision == "refused"),
    }


def families(data: ReportData, active: Sequence[StayRow], start: date, end: date) -> dict:
    followed = {s.family_id for s in active}
    new = {f for f in followed if f in data.first_request_on and start <= data.first_request_on[f] <= end}
    still_active = {s.family_id for s in active if s.discharged_on is None or s.discharged_on > end}
    ended = {s.family_id for s in active if s.discharged_on is not None and start <= s.discharged_on <= end}
    closed = {f for f in ended if f not in still_active}
    return {"followed": len(followed), "new": len(new), "continuing": len(followed - new), "closed": len(closed)}


def parents(started: Sequence[StayRow], adults_by_family: dict[int, list[AdultRow]]) -> dict:
    """Mothers and fathers of families with a stay started in the period, once each, at that stay's start."""
    first_start: dict[int, date] = {}
    for stay in sorted(started, key=lambda s: s.admitted_on):
        first_start.setdefault(stay.family_id, stay.admitted_on)
    bands = {role: {band: 0 for band in PARENT_AGE_BANDS} for role in ("mother", "father")}
    nationalities: dict[str, Counter] = {"mother": Counter(), "father": Counter()}
    for family_id, on in first_start.items():
        for adult in adults_by_family.get(family_id, []):
            if adult.role not in bands:
                continue
            years = age_in_years(adult.birth_date, on) if adult.birth_date else None
            bands[adult.role][parent_age_band(years)] += 1
            if adult.nationality:
                nationalities[adult.role][adult.nationality] += 1
    return {
        "parent_age_band": bands,
        "nationalities": {role: {"distinct": len(counter), "top": _top(counter)}
                          for role, counter in nationalities.items()},
    }


def _top(counter: Counter, k: int = 5) -> list[list]:
    return [[code, n] for code, n in sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:k]]


def gestational(started: Sequence[StayRow]) -> dict[str, int]:
    """The children whose stay started in the period, each once at the first such stay (reading 4)."""
    counts = Counter(gestational_category(s.gestational_weeks) for s in first_stay_of_each_child(started))
    return {key: counts.get(key, 0) for key in ("preterm", "term", "post_term", "unknown")}


# ---------------------------------------------------------------- series behind the charts (not in the JSON)


def month_starts(start: date, end: date) -> list[date]:
    months, current = [], date(start.year, start.month, 1)
    while current <= end:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


def series(data: ReportData, start: date, end: date, *, report_date: date | None = None) -> dict:
    """Detail the charts need beyond the indicator codes, from the same rows and rules."""
    active = [s for s in data.stays if is_active(s, start, end)]
    discharged = [s for s in data.stays if is_discharged_in(s, start, end)]
    received = [r for r in data.requests if start <= r.received_on <= end]
    residential = {f.id: f for f in data.facilities if f.residential and f.capacity}
    places = sum(f.capacity for f in residential.values())
    occupancy = []
    last = stay_dates.counting_end(end, report_date)
    for month in month_starts(start, end):
        month_end = min(date(month.year + (month.month == 12), month.month % 12 + 1, 1) - timedelta(days=1), last)
        first = max(month, start)
        days = (month_end - first).days + 1
        used = sum(child_days(s, first, month_end) for s in data.stays if s.facility_id in residential)
        # A month after the report date has no child-days yet: no mean (reading 1), not a zero.
        occupancy.append({"month": month.strftime("%Y-%m"), "mean_children": round(used / days, 2) if days > 0
                          else None, "capacity": places})
    lengths = sorted(stay_dates.length_of_stay(s.admitted_on, s.discharged_on, end, report_date) for s in active)
    older = {band: {sex: 0 for sex in SEXES} for band in OLDER_AGE_BANDS}
    for stay in first_stay_of_each_child(active):
        band = older_age_band(age_in_months(stay.birth_date, stay.admitted_on))
        if band is not None:
            older[band][stay.sex] = older[band].get(stay.sex, 0) + 1
    return {
        "older_age_band_by_sex": older,
        "funnel": {"received": len(received), "eligible": sum(1 for r in received if r.verdict == "eligible"),
                   "accepted": sum(1 for r in received if r.decision == "accepted"),
                   "admitted": sum(1 for r in received if r.admitted)},
        "length_of_stay": lengths,
        "length_of_stay_bins": stay_length_bins(lengths),
        "occupancy_by_month": occupancy,
        "residence_flow": [{"before": b, "after": a, "n": n} for (b, a), n in sorted(
            Counter((s.residence_before, s.residence_after) for s in discharged).items())],
        # Each pair of the outcomes (entry → exit) the paired charts draw.
        "outcome_pairs": outcome_rules.pair_records(
            outcome_rules.pairs_frame(discharged, data.assessments, data.presence, data.adults)),
    }
