"""The benchmark's floor, bench/raw_sql.py, gives the report engine's figures on hand-made cohorts.

The hand-written SQL follows DOMAIN.md's settled readings from their text; the engine follows them in
Python. Each cohort below holds a case of a reading (same-day stay, a father joining after the period
end, a home-support stay, a child with two stays in the period, open stays in a period running past the
report date, an empty period), built through the services; for each facility and period both are read
on the same report date and must agree on every key of the JSON. PostgreSQL only (the SQL is).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from admissions import services as adm
from assessments.services import assessment_record
from bench import raw_sql
from dashboards import engine
from journal import services as journal_services
from tests import factories
from unit import history

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
User = get_user_model()

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
FIRST_HALF = (date(2025, 1, 1), date(2025, 6, 30))


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the hand-written SQL is PostgreSQL's (run with DATABASE_URL=postgres://…)")


def engine_json(facility, start: date, end: date, report_date: date) -> dict:
    """The JSON report as /dashboards/report.json answers it, read on `report_date`."""
    data = engine.load([facility], start, end)
    report = engine.report_from(data, [facility], engine.Period(start, end), compare=False, report_date=report_date)
    return json.loads(json.dumps(report.as_json(), cls=DjangoJSONEncoder))


def hand_written(facility, start: date, end: date, report_date: date) -> dict[str, list]:
    connection.ensure_connection()  # the test's own transaction: the rows are not committed
    return raw_sql.report(connection.connection, facility_id=facility.pk, start=start, end=end,
                          report_date=report_date)


def both(facility, start: date, end: date, report_date: date) -> tuple[dict, list[str]]:
    found = engine_json(facility, start, end, report_date)
    return found, raw_sql.differences(found, hand_written(facility, start, end, report_date))


def family_with(facility, *, born: date, sex: str = "F", weeks: int | None = 39, mother: dict | None = None,
                father: dict | None = None):
    fam = factories.family(facility=facility)
    child = factories.child(family=fam, birth_date=born, sex=sex, gestational_weeks=weeks)
    adults = {}
    for role, extra in (("mother", mother), ("father", father)):
        if extra is not None:
            adults[role] = factories.adult(family=fam, role=role, **{"birth_date": date(1995, 5, 5), **extra})
    return fam, child, adults


def discharge(stay, on: date):
    return adm.stay_discharge(user=None, stay=stay, discharged_on=on, discharge_kind="planned",
                              residence_after="home_with_parent")


def present(stay, adult, start: date, end: date | None = None):
    return adm.presence_add(user=None, stay=stay, adult=adult, start=start, end=end)


def assess(stay, instrument: str, on: date, scores: dict, *, adult=None):
    name = f"psy-{stay.facility.code}"
    therapist = User.objects.filter(username=name).first() or factories.user(
        role="therapist", facility=stay.facility, username=name)
    return assessment_record(user=therapist, stay=stay, instrument_code=instrument, assessed_on=on, scores=scores,
                             child=None if adult else stay.child, adult=adult)


def epds(item: int) -> dict:
    """Items 1 to 9 at `item`, item 10 (self-harm) at 0: a total of 9 × item."""
    return {f"e{n:02d}": item for n in range(1, 10)} | {"e10": 0}


def adbb(total: int) -> dict:
    return {f"a0{n}": (1 if n <= total else 0) for n in range(1, 9)}


def parent_dx(stay, adult, code: str):
    return adm.diagnosis_add(user=None, stay=stay, adult=adult, timepoint="entry", classification="icd11",
                             code=code, primary=True)


@pytest.fixture
def cohort():
    unit = factories.facility(code="upb-raw", capacity=10)
    home = factories.facility(code="ads-raw", kind="home_support")

    # A child with two stays in the period (reading 4: counted once, at the first, aged 4 months then;
    # 6 months at the second). Its mother is diagnosed in both stays (reading 9: once per code); in the
    # second stay she is present in two back-to-back periods, the father the whole stay: both_whole_stay
    # (a stay that ended within the year: see test_whole_stay_presence_before_the_period_start below).
    fam, twice, adults = family_with(unit, born=date(2024, 9, 15), weeks=35,
                                     mother={"nationality": "FR", "region": "BE-BRU"}, father={})
    first = factories.stay(facility=unit, child=twice, admitted_on=date(2025, 2, 1))
    present(first, adults["mother"], date(2025, 2, 1))
    parent_dx(first, adults["mother"], "6A70")
    discharge(first, date(2025, 2, 20))
    second = factories.stay(facility=unit, child=twice, admitted_on=date(2025, 4, 1), mandate="saj")
    present(second, adults["mother"], date(2025, 4, 1), date(2025, 5, 31))
    present(second, adults["mother"], date(2025, 6, 1))
    present(second, adults["father"], date(2025, 4, 1))
    parent_dx(second, adults["mother"], "6A70")
    # Outcomes: three PIR-GAS (the middle one in neither window), a Bayley pair, the mother's EPDS pair.
    for day, value in ((date(2025, 4, 5), 55), (date(2025, 7, 1), 60), (date(2025, 11, 25), 75)):
        assess(second, "pirgas", day, {"score": value})
    assess(second, "bayley4", date(2025, 4, 10), {"cog": 80, "lang": 78, "motor": 90, "se": 95})
    assess(second, "bayley4", date(2025, 11, 20), {"cog": 92, "lang": 85, "motor": 88})
    assess(second, "epds", date(2025, 4, 2), epds(2), adult=adults["mother"])  # total 18
    assess(second, "epds", date(2025, 12, 10), epds(1), adult=adults["mother"])  # discharge + 10: total 9
    discharge(second, date(2025, 11, 30))

    # A same-day stay (reading 8: it holds its one day; length 0). The child is 6 completed months on
    # 28 February, born on 31 August (reading 3); the father, born on 29 February 1984, 41 years.
    _fam, same_day, adults = family_with(unit, born=date(2024, 8, 31), sex="M",
                                         mother={"nationality": "MA"},
                                         father={"birth_date": date(1984, 2, 29), "nationality": "MA"})
    stay = factories.stay(facility=unit, child=same_day, admitted_on=date(2025, 2, 28))
    present(stay, adults["mother"], date(2025, 2, 28))
    discharge(stay, date(2025, 2, 28))

    # A father who joins after the end of the first half (reading 6): mother_only for the first half,
    # both_partial for the year; his diagnosis counts only in the year.
    _fam, joined, adults = family_with(unit, born=date(2025, 1, 10), sex="M", weeks=None,
                                       mother={"nationality": "BE"}, father={"nationality": "RO"})
    stay = factories.stay(facility=unit, child=joined, admitted_on=date(2025, 5, 1))
    present(stay, adults["mother"], date(2025, 5, 1))
    present(stay, adults["father"], date(2025, 7, 10))
    parent_dx(stay, adults["mother"], "6A70")
    parent_dx(stay, adults["father"], "6B00")

    # An open stay admitted the year before (reading 1: counted to the period end, or the report date).
    _fam, long_stay, adults = family_with(unit, born=date(2024, 3, 1), mother={"region": "BE-WLG"})
    stay = factories.stay(facility=unit, child=long_stay, admitted_on=date(2024, 11, 15),
                          residence_before="hospital")
    present(stay, adults["mother"], date(2024, 11, 15))
    # A stay with no parent admitted (none), discharged the day after admission.
    _fam, alone, _adults = family_with(unit, born=date(2023, 1, 31), weeks=43)
    stay = factories.stay(facility=unit, child=alone, admitted_on=date(2025, 3, 31))
    discharge(stay, date(2025, 4, 1))

    # Nationalities (reading 9): among the mothers of the families admitted in the year CD and FR twice,
    # BE, MA, RO and SY once: the top five are CD, FR, then the ties by code BE, MA, RO (not SY).
    for month, nationality in zip((7, 8, 9, 10, 11), ("SY", "CD", "FR", "RO", "CD"), strict=True):
        _fam, child, adults = family_with(unit, born=date(2025, 1, 1), mother={"nationality": nationality})
        stay = factories.stay(facility=unit, child=child, admitted_on=date(2025, month, 3))
        present(stay, adults["mother"], date(2025, month, 3))
        discharge(stay, date(2025, month, 20))

    # A home-support stay (reading 5: no admission mode there; no occupancy either).
    _fam, followed, adults = family_with(home, born=date(2024, 12, 1), mother={}, father={})
    stay = factories.stay(facility=home, child=followed, admitted_on=date(2025, 3, 1))
    present(stay, adults["mother"], date(2025, 3, 1))
    present(stay, adults["father"], date(2025, 3, 1))

    # Outcomes: a stay that ends in a placement, with a signalement, a relationship that worsens (PIR-GAS 72 →
    # 60, into the clinical range) and an ADBB that improves (6 → 3); its exit PIR-GAS on discharge + 14.
    fam, placed, adults = family_with(unit, born=date(2024, 10, 1), mother={})
    stay = factories.stay(facility=unit, child=placed, admitted_on=date(2025, 1, 10))
    present(stay, adults["mother"], date(2025, 1, 10))
    assess(stay, "pirgas", date(2025, 1, 12), {"score": 72})
    assess(stay, "pirgas", date(2025, 7, 14), {"score": 60})
    assess(stay, "adbb", date(2025, 2, 21), adbb(6))  # admission + 42
    assess(stay, "adbb", date(2025, 5, 19), adbb(3))  # discharge − 42
    adm.signalement_add(user=None, facility=unit, family=fam, stay=stay, made_on=date(2025, 3, 3), addressee="SAJ")
    adm.stay_discharge(user=None, stay=stay, discharged_on=date(2025, 6, 30), discharge_kind="placement",
                       residence_after="other_institution")

    # Requests: one refused, one pending.
    fam, child, _adults = family_with(unit, born=date(2025, 1, 1))
    refused = factories.request(facility=unit, family=fam, children=[child], received_on=date(2025, 6, 2))
    adm.request_decide(user=None, request=refused, decision="refused", decided_on=date(2025, 6, 3),
                       refusal_reason="family_refused")
    factories.request(facility=unit, family=fam, children=[child], received_on=date(2025, 8, 2))
    adm.intervention_add(user=None, facility=unit, family=fam, kind="home_visit", done_on=date(2025, 8, 5))
    adm.intervention_add(user=None, facility=unit, family=fam, kind="home_visit", done_on=date(2025, 8, 5))

    # Contacts without a dossier: two parents advised (one on the same-day stay's day, 28 February), a
    # professional oriented in July (after the first half), one in the home-support service, one entered in
    # error (never counted).
    for facility, day, caller, outcome in ((unit, date(2025, 2, 28), "parent", "advice"),
                                           (unit, date(2025, 3, 3), "parent", "advice"),
                                           (unit, date(2025, 7, 1), "professional", "oriented"),
                                           (home, date(2025, 3, 3), "relative", "request_opened")):
        journal_services.contact_record(user=None, facility=facility, contacted_on=day, caller=caller,
                                        referrer_category="gp" if caller == "professional" else "",
                                        topic="neglect", duration_min=10, outcome=outcome)
    wrong = journal_services.contact_record(user=None, facility=unit, contacted_on=date(2025, 3, 3), caller="parent",
                                            topic="neglect", duration_min=5, outcome="advice")
    history.record_mark_in_error(user=None, obj=wrong, reason="Saisi deux fois")
    return unit, home


CASES = [
    pytest.param(YEAR, date(2026, 3, 1), id="year-read-after-it"),
    pytest.param(YEAR, date(2025, 10, 15), id="year-running-past-the-report-date"),
    pytest.param(FIRST_HALF, date(2026, 3, 1), id="first-half-father-joins-after-it"),
    pytest.param((date(2025, 2, 28), date(2025, 2, 28)), date(2026, 3, 1), id="the-same-day-alone"),
    pytest.param((date(2023, 1, 1), date(2023, 12, 31)), date(2026, 3, 1), id="empty-period"),
    pytest.param(YEAR, date(2024, 12, 31), id="period-after-the-report-date"),
]


@pytest.mark.parametrize(("period", "report_date"), CASES)
def test_the_hand_written_sql_gives_the_engine_figures_in_a_residential_unit(cohort, period, report_date):
    unit, _home = cohort
    found, mismatches = both(unit, *period, report_date)
    assert mismatches == []


@pytest.mark.parametrize(("period", "report_date"), CASES)
def test_the_hand_written_sql_gives_the_engine_figures_in_a_home_support_service(cohort, period, report_date):
    _unit, home = cohort
    found, mismatches = both(home, *period, report_date)
    assert mismatches == []
    assert found["share_with_father"] is None and found["occupancy_rate"] is None


def test_the_cohorts_hold_each_reading(cohort):
    """Not a vacuous agreement: the figures compared above do exercise each reading (hand-counted)."""
    unit, home = cohort
    year = engine_json(unit, *YEAR, date(2026, 3, 1))
    assert year["stays_active"] == 12 and year["children_by_sex"] == {"F": 9, "M": 2}  # reading 4
    assert year["age_band_by_sex"]["0-5m"] == {"F": 2, "M": 1}  # the child of two stays, at the first
    assert year["age_band_by_sex"]["6-11m"] == {"F": 6, "M": 1}  # 6 months on 28 February (reading 3)
    assert (year["share_under_6_months"], year["share_under_1_year"]) == (0.2727, 0.9091)
    assert year["gestational_category"] == {"preterm": 1, "term": 7, "post_term": 1, "unknown": 1}
    assert year["admission_mode"] == {"mother_only": 9, "father_only": 0, "both_whole_stay": 1,
                                      "both_partial": 1, "none": 1}
    assert year["parent_diagnoses"] == {"6A70": 2, "6B00": 1}  # reading 9: the mother of two stays once
    assert (year["length_of_stay_days"]["min"], year["length_of_stay_days"]["max"]) == (0, 411)
    assert year["nationalities"]["mother"] == {"distinct": 6, "top": [["CD", 2], ["FR", 2], ["BE", 1],
                                                                      ["MA", 1], ["RO", 1]]}
    assert year["parent_age_band"]["father"]["41-45"] == 1  # born 29 February 1984 (reading 3)
    assert year["requests"] == {"received": 13, "accepted": 11, "waiting_list": 0, "refused": 1, "pending": 1}
    half = engine_json(unit, *FIRST_HALF, date(2026, 3, 1))
    assert half["admission_mode"] == {"mother_only": 5, "father_only": 0, "both_whole_stay": 1,
                                      "both_partial": 0, "none": 1}  # reading 6
    assert half["parent_diagnoses"] == {"6A70": 2}
    early = engine_json(unit, *YEAR, date(2025, 10, 15))  # reading 1
    assert early["length_of_stay_days"]["max"] == (date(2025, 10, 15) - date(2024, 11, 15)).days
    assert early["occupancy_rate"] != year["occupancy_rate"]
    # 28 February 2025: the same-day stay, the stay open since 2024 and the placed child's hold a place each
    # (reading 8).
    assert engine_json(unit, date(2025, 2, 28), date(2025, 2, 28), date(2026, 3, 1))["occupancy_rate"] == 0.3
    empty = engine_json(unit, date(2023, 1, 1), date(2023, 12, 31), date(2026, 3, 1))
    assert empty["stays_active"] == 0  # reading 7: empty shares are null
    assert (empty["share_under_6_months"], empty["share_with_father"], empty["occupancy_rate"]) == (None, None, 0.0)
    outcomes = year["outcomes"]["measures"]  # hand-counted: the windows, the parent, the three PIR-GAS
    assert (outcomes["pirgas"]["n"], outcomes["pirgas"]["entry_mean"], outcomes["pirgas"]["exit_mean"]) == \
        (2, 63.5, 67.5)  # (55 → 75) and (72 → 60)
    assert (outcomes["pirgas"]["recovered"], outcomes["pirgas"]["deteriorated"]) == (1, 1)
    assert (outcomes["adbb"]["n"], outcomes["adbb"]["improved"], outcomes["adbb"]["recovered"]) == (1, 1, 1)
    assert outcomes["epds_mother"]["mean_change"] == -9.0 and outcomes["epds_father"]["n"] == 0
    assert year["bayley_change"]["lang"]["mean_change"] == 7.0 and year["bayley_change"]["se"]["n"] == 0
    assert year["outcomes"]["by"]["admission_mode"]["with_father"]["pirgas"]["n"] == 1
    assert year["outcomes"]["disposition"] == {
        "discharged": 10, "planned": 9, "home_with_parent": 9, "placement": 1, "signalement_during_stay": 1,
        "readmission": {"eligible": 2, "readmitted": 1}}  # the child of two stays, back 40 days later
    followed = engine_json(home, *YEAR, date(2026, 3, 1))
    assert followed["stays_active"] == 1 and sum(followed["admission_mode"].values()) == 0  # reading 5
    assert year["contacts_without_file"] == {"n": 3, "by_caller": {"parent": 2, "relative": 0, "professional": 1},
                                             "by_outcome": {"advice": 2, "oriented": 1, "request_opened": 0}}
    assert half["contacts_without_file"]["n"] == 2 and followed["contacts_without_file"]["by_caller"]["relative"] == 1


def test_open_stays_in_the_current_year_agree_with_todays_json(cohort):
    """The engine's own entry point (today as report date) on a year that runs past today."""
    unit, _home = cohort
    today = timezone.localdate()
    period = engine.Period(date(today.year, 1, 1), date(today.year, 12, 31))
    found = json.loads(json.dumps(engine.build([unit], period, compare=False).as_json(), cls=DjangoJSONEncoder))
    assert found["stays_active"] >= 1  # the stays still open today
    assert raw_sql.differences(found, hand_written(unit, period.start, period.end, today)) == []


def test_every_key_of_the_json_is_compared(cohort):
    """A change to any figure of the engine's JSON is a difference."""
    unit, _home = cohort
    found = engine_json(unit, *YEAR, date(2026, 3, 1))
    results = hand_written(unit, *YEAR, date(2026, 3, 1))
    assert raw_sql.differences(found, results) == []
    for key in set(found) - {"period"}:
        changed = json.loads(json.dumps(found))
        changed[key] = {"changed": 1}
        assert [line for line in raw_sql.differences(changed, results) if line.startswith(f"{key}:")], key
    assert raw_sql.differences({**found, "new_figure": 1}, results) == [
        "new_figure: engine 1 / not computed by the hand-written SQL"]


# ---------------------------------------------------------------- where the engine departed from DOMAIN.md (fixed)


def test_whole_stay_presence_before_the_period_start():
    unit = factories.facility(code="upb-whole", capacity=10)
    _fam, child, adults = family_with(unit, born=date(2024, 6, 1), mother={}, father={})
    stay = factories.stay(facility=unit, child=child, admitted_on=date(2024, 11, 4))
    present(stay, adults["mother"], date(2024, 11, 4), date(2024, 12, 31))
    present(stay, adults["mother"], date(2025, 1, 1))
    present(stay, adults["father"], date(2024, 11, 4))
    found, mismatches = both(unit, *YEAR, date(2026, 3, 1))
    assert mismatches == []
    assert found["admission_mode"]["both_whole_stay"] == 1


def test_an_adult_entered_in_error_is_not_admitted():
    unit = factories.facility(code="upb-error", capacity=10)
    _fam, child, adults = family_with(unit, born=date(2024, 6, 1), mother={}, father={})
    stay = factories.stay(facility=unit, child=child, admitted_on=date(2025, 3, 3))
    present(stay, adults["mother"], date(2025, 3, 3))
    present(stay, adults["father"], date(2025, 3, 3))
    parent_dx(stay, adults["father"], "6B00")
    history.record_mark_in_error(user=None, obj=adults["father"], reason="Doublon")
    found, mismatches = both(unit, *YEAR, date(2026, 3, 1))
    assert mismatches == []
    assert found["admission_mode"]["mother_only"] == 1 and found["parent_diagnoses"] == {}


def test_a_parent_diagnosis_made_after_the_period_end_is_left_out_of_it():
    """Reading 6: a diagnosis made after the period end does not exist for it; one without a date counts."""
    unit = factories.facility(code="upb-late-dx", capacity=10)
    _fam, child, adults = family_with(unit, born=date(2024, 6, 1), mother={}, father={})
    stay = factories.stay(facility=unit, child=child, admitted_on=date(2025, 3, 3))
    present(stay, adults["mother"], date(2025, 3, 3))
    present(stay, adults["father"], date(2025, 3, 3))
    for adult, code, made_on in ((adults["mother"], "6A70", date(2025, 6, 30)),
                                 (adults["mother"], "6B00", date(2025, 7, 1)),
                                 (adults["father"], "6C40", None)):
        adm.diagnosis_add(user=None, stay=stay, adult=adult, timepoint="during", classification="icd11", code=code,
                          made_on=made_on)
    found, mismatches = both(unit, *FIRST_HALF, date(2026, 3, 1))
    assert mismatches == []
    assert found["parent_diagnoses"] == {"6A70": 1, "6C40": 1}
    found, mismatches = both(unit, *YEAR, date(2026, 3, 1))
    assert mismatches == []
    assert found["parent_diagnoses"] == {"6A70": 1, "6B00": 1, "6C40": 1}


def test_an_earlier_period_of_a_parent_absent_from_the_period_fills_no_gap():
    """Coverage counts only the periods of an adult admitted in the period (present inside it)."""
    unit = factories.facility(code="upb-gap", capacity=10)
    _fam, child, adults = family_with(unit, born=date(2024, 6, 1), mother={}, father={})
    stay = factories.stay(facility=unit, child=child, admitted_on=date(2025, 1, 6))
    present(stay, adults["mother"], date(2025, 1, 6))
    present(stay, adults["father"], date(2025, 1, 6), date(2025, 2, 20))
    present(stay, adults["father"], date(2025, 7, 10))  # back after the first half
    found, mismatches = both(unit, date(2025, 3, 1), date(2025, 6, 30), date(2026, 3, 1))
    assert mismatches == []
    assert found["admission_mode"]["mother_only"] == 1
    found, mismatches = both(unit, *YEAR, date(2026, 3, 1))
    assert mismatches == []
    assert found["admission_mode"]["both_partial"] == 1
