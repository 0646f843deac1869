"""DOMAIN.md "Settled readings" 1, 4, 5, 6 and 7 (issue 12, defects 2, 6 and 8), on hand-counted cohorts.

Plain rows, no database, except where a test says it goes through the engine or a page.
The period is P = [2025-03-01, 2025-06-30] (122 days) unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from dashboards import engine
from dashboards import indicators as ind
from dashboards.indicators import DiagnosisRow, FacilityRow, ReportData
from dashboards.tables import build_tables
from tests.dashboards.test_indicators import END, START, UNIT, presence, stay
from unit import history

HOME = FacilityRow(id=2, code="ads-a", capacity=None, residential=False)


def report(start: date = START, end: date = END, *, report_date: date | None = None, **rows) -> dict:
    rows.setdefault("facilities", [UNIT, HOME])
    rows.setdefault("stays", [])
    extra = {"report_date": report_date} if report_date is not None else {}
    return ind.compute(ReportData(**rows), start, end, ["upb-a"], **extra)


def dx(s, adult_id: int, code: str) -> DiagnosisRow:
    return DiagnosisRow(stay_id=s.id, child_id=None, adult_id=adult_id, timepoint="entry", code=code, primary=True)


# ---------------------------------------------------------------- reading 6: a past report never changes


def test_a_father_who_joins_after_the_period_end_does_not_exist_for_that_period():
    a = date(2025, 4, 1)
    s = stay(a)  # open
    mother, father = 501, 502
    rows = [presence(s, "mother", a, adult=mother), presence(s, "father", date(2025, 7, 10), adult=father)]
    diagnoses = [dx(s, mother, "6A70"), dx(s, father, "6C40")]
    result = report(stays=[s], presence=rows, diagnoses=diagnoses)
    assert result["admission_mode"] == {"mother_only": 1, "father_only": 0, "both_whole_stay": 0,
                                        "both_partial": 0, "none": 0}
    assert result["share_with_father"] == 0.0
    assert result["parent_diagnoses"] == {"6A70": 1}
    # The report of the next period, where he is present, counts him.
    later = report(date(2025, 7, 1), date(2025, 9, 30), stays=[s], presence=rows, diagnoses=diagnoses)
    assert later["admission_mode"]["both_partial"] == 1
    assert later["parent_diagnoses"] == {"6A70": 1, "6C40": 1}


def test_a_parent_present_only_before_the_period_is_not_admitted_in_it():
    a = date(2025, 1, 10)
    s = stay(a)  # open, active in P
    mother, father = 511, 512
    rows = [presence(s, "mother", a, adult=mother), presence(s, "father", a, date(2025, 2, 20), adult=father)]
    result = report(stays=[s], presence=rows, diagnoses=[dx(s, father, "6C40")])
    assert result["admission_mode"]["mother_only"] == 1
    assert result["parent_diagnoses"] == {}


def test_a_parent_present_from_admission_in_back_to_back_periods_is_whole_stay_in_every_period():
    """Membership uses presence inside the period; coverage uses all the adult's periods up to its end."""
    a = date(2024, 11, 4)
    s = stay(a)  # open
    mother, father = 521, 522
    rows = [presence(s, "mother", a, date(2025, 2, 28), adult=mother),
            presence(s, "mother", date(2025, 3, 1), adult=mother),     # back to back: no gap
            presence(s, "father", a, adult=father)]
    whole = {"mother_only": 0, "father_only": 0, "both_whole_stay": 1, "both_partial": 0, "none": 0}
    assert report(stays=[s], presence=rows)["admission_mode"] == whole                       # P
    assert report(date(2024, 11, 1), date(2025, 2, 28), stays=[s], presence=rows)["admission_mode"] == whole
    assert report(date(2025, 7, 1), date(2025, 12, 31), stays=[s], presence=rows)["admission_mode"] == whole


def test_a_gap_before_the_period_start_makes_the_stay_partial():
    a = date(2024, 11, 4)
    s = stay(a)  # open
    mother, father = 531, 532
    rows = [presence(s, "mother", a, date(2025, 1, 31), adult=mother),
            presence(s, "mother", date(2025, 2, 10), adult=mother),    # nine days away in February
            presence(s, "father", a, adult=father)]
    assert report(stays=[s], presence=rows)["admission_mode"]["both_partial"] == 1


def test_coverage_uses_only_the_periods_of_an_adult_admitted_in_the_period():
    """A father present only before the period is not admitted in it: his earlier period neither makes
    the stay 'both' nor fills another adult's gap."""
    a = date(2025, 1, 6)
    s = stay(a)  # open
    mother, father = 541, 542
    rows = [presence(s, "mother", a, adult=mother), presence(s, "father", a, date(2025, 2, 20), adult=father),
            presence(s, "father", date(2025, 7, 10), adult=father)]   # back after the period end: not in P
    result = report(stays=[s], presence=rows, diagnoses=[dx(s, father, "6C40")])
    assert result["admission_mode"]["mother_only"] == 1
    assert result["parent_diagnoses"] == {}


def test_a_parent_diagnosis_made_after_the_period_end_does_not_count_in_it():
    a = date(2025, 4, 1)
    s = stay(a)  # open
    mother, father = 551, 552
    rows = [presence(s, "mother", a, adult=mother), presence(s, "father", a, adult=father)]
    diagnoses = [
        DiagnosisRow(s.id, None, mother, "entry", "6A70", True, made_on=date(2025, 6, 30)),   # the last day: counts
        DiagnosisRow(s.id, None, mother, "during", "6B00", False, made_on=date(2025, 7, 1)),  # after P: not yet
        DiagnosisRow(s.id, None, father, "entry", "6C40", True, made_on=None),               # undated: counts
    ]
    assert report(stays=[s], presence=rows, diagnoses=diagnoses)["parent_diagnoses"] == {"6A70": 1, "6C40": 1}
    later = report(date(2025, 7, 1), date(2025, 9, 30), stays=[s], presence=rows, diagnoses=diagnoses)
    assert later["parent_diagnoses"] == {"6A70": 1, "6B00": 1, "6C40": 1}


# ---------------------------------------------------------------- reading 5: residential stays only


def test_admission_mode_and_share_with_father_cover_residential_stays_only():
    a = date(2025, 4, 1)
    home = stay(a, facility=HOME.id)
    unit = stay(a)
    rows = [presence(home, "mother", a), presence(unit, "father", a)]
    result = report(stays=[home, unit], presence=rows)
    assert result["stays_active"] == 2
    assert result["admission_mode"] == {"mother_only": 0, "father_only": 1, "both_whole_stay": 0,
                                        "both_partial": 0, "none": 0}
    assert result["share_with_father"] == 1.0


# ---------------------------------------------------------------- reading 4: each child once


def test_child_level_indicators_count_each_child_once_at_the_first_active_stay():
    born = date(2024, 12, 1)
    first = stay(date(2025, 3, 5), date(2025, 4, 1), child=71, birth=born, sex="F")     # 3 months: 0-5m
    second = stay(date(2025, 6, 10), child=71, birth=born, sex="F")                     # 6 months: 6-11m
    other = stay(date(2025, 6, 10), child=72, birth=date(2024, 1, 10), sex="M")         # 17 months: 12-23m
    result = report(stays=[second, other, first])
    assert result["stays_active"] == 3
    assert result["children_by_sex"] == {"F": 1, "M": 1}
    assert result["age_band_by_sex"]["0-5m"] == {"F": 1, "M": 0}
    assert result["age_band_by_sex"]["6-11m"] == {"F": 0, "M": 0}
    assert result["age_band_by_sex"]["12-23m"] == {"F": 0, "M": 1}
    assert result["share_under_6_months"] == 0.5
    assert result["share_under_1_year"] == 0.5


def test_older_children_detail_counts_each_child_once_too():
    born = date(2020, 1, 1)
    stays = [stay(date(2025, 3, 5), date(2025, 3, 20), child=81, birth=born, sex="M"),
             stay(date(2025, 5, 5), child=81, birth=born, sex="M")]
    detail = ind.series(ReportData(facilities=[UNIT], stays=stays), START, END)["older_age_band_by_sex"]
    assert sum(n for band in detail.values() for n in band.values()) == 1


def test_births_count_each_child_once_at_the_first_stay_started_in_the_period():
    stays = [stay(date(2025, 3, 5), date(2025, 3, 20), child=91, weeks=36),
             stay(date(2025, 5, 5), child=91, weeks=36),
             stay(date(2024, 12, 5), child=92, weeks=30)]  # started before the period: not a birth of P
    assert report(stays=stays)["gestational_category"] == {"preterm": 1, "term": 0, "post_term": 0, "unknown": 0}


# ---------------------------------------------------------------- reading 1: no projection past the report date


def test_open_stays_count_to_the_report_date_when_the_period_runs_past_it():
    today = date(2025, 4, 30)
    s = stay(date(2025, 4, 1))  # open
    result = report(stays=[s], report_date=today)
    assert result["length_of_stay_days"]["max"] == 29          # 1 → 30 April, not to 30 June
    # 30 child-days (1–30 April) / (10 places × 61 days, 1 March – 30 April)
    assert result["occupancy_rate"] == round(30 / 610, 4)
    # A period that has ended before the report date is counted to its end, as before.
    assert report(stays=[s], report_date=date(2025, 12, 1))["length_of_stay_days"]["max"] == 90


def test_a_period_that_starts_after_the_report_date_has_no_occupancy():
    s = stay(date(2025, 2, 1))
    result = report(stays=[s], report_date=date(2025, 2, 20))
    assert result["stays_active"] == 1
    assert result["occupancy_rate"] is None
    assert result["length_of_stay_days"]["max"] == 19


# ---------------------------------------------------------------- reading 7: empty shares are null and "—"


def test_shares_without_a_stay_are_null():
    result = report()
    assert result["share_under_6_months"] is None
    assert result["share_under_1_year"] is None
    assert result["share_with_father"] is None
    # Only non-residential stays: no denominator for the share with the father.
    home = stay(date(2025, 4, 1), facility=HOME.id)
    assert report(stays=[home])["share_with_father"] is None


def test_empty_shares_are_shown_as_a_dash_in_the_tables():
    data = ReportData(facilities=[UNIT], stays=[])
    period = engine.Period(START, END)
    built = engine.report_from(data, [SimpleNamespace(code="upb-a")], period)
    tables = build_tables(built)
    assert "Moins de 6 mois : — (précédente —)" in tables["age_pyramid"].note
    assert "Part des admissions avec le père : — (période précédente —)" in tables["admission_mode"].note
    assert "0 %" not in tables["age_pyramid"].note + tables["admission_mode"].note


# ---------------------------------------------------------------- through the engine and the JSON page


@pytest.mark.django_db
def test_the_engine_counts_open_stays_to_today_in_a_period_that_runs_past_it(facility_a):
    from django.utils import timezone

    from tests import factories

    today = timezone.localdate()
    factories.stay(facility=facility_a, admitted_on=today - timedelta(days=9))
    period = engine.Period(today - timedelta(days=19), today + timedelta(days=30))
    indicators = engine.build([facility_a], period, compare=False).indicators
    assert indicators["length_of_stay_days"]["max"] == 9
    # 10 child-days / (10 places × 20 days up to today)
    assert indicators["occupancy_rate"] == round(10 / (facility_a.capacity * 20), 4)


@pytest.mark.django_db
def test_the_json_answers_null_for_an_empty_share(login, facility_a, users_a):
    from django.urls import reverse

    url = reverse("dashboards:report_json") + f"?facility={facility_a.code}&start=2025-01-01&end=2025-12-31"
    data = login(users_a["manager"]).get(url).json()
    assert (data["share_under_6_months"], data["share_under_1_year"], data["share_with_father"]) == (None, None, None)


# ---------------------------------------------------------------- the loads: engine and as-of rebuild alike


def _engine_and_as_of(facility, period) -> list[dict]:
    from django.utils import timezone

    from dashboards import asof

    live = engine.build([facility], period, compare=False).indicators
    frozen = asof.engine_build_as_of([facility], period, timezone.now()).indicators
    return [live, frozen]


@pytest.mark.django_db
def test_the_engine_counts_back_to_back_presence_across_the_period_start_as_whole_stay(facility_a):
    from admissions import services as adm
    from tests import factories

    fam = factories.family(facility=facility_a)
    child = factories.child(family=fam, birth_date=date(2024, 6, 1))
    mother = factories.adult(family=fam, role="mother")
    father = factories.adult(family=fam, role="father")
    s = factories.stay(facility=facility_a, child=child, admitted_on=date(2024, 11, 4))
    adm.presence_add(user=None, stay=s, adult=mother, start=date(2024, 11, 4), end=date(2024, 12, 31))
    adm.presence_add(user=None, stay=s, adult=mother, start=date(2025, 1, 1))
    adm.presence_add(user=None, stay=s, adult=father, start=date(2024, 11, 4))
    for period in (engine.Period(date(2024, 1, 1), date(2024, 12, 31)), engine.Period(date(2025, 1, 1),
                                                                                      date(2025, 12, 31))):
        for indicators in _engine_and_as_of(facility_a, period):
            assert indicators["admission_mode"]["both_whole_stay"] == 1, period


@pytest.mark.django_db
def test_an_adult_entered_in_error_is_neither_admitted_nor_diagnosed(facility_a):
    """docs/reports.md: records entered in error never count, adults included — their presence periods and
    diagnoses with them, in the engine and in the as-of rebuild."""
    from admissions import services as adm
    from tests import factories

    fam = factories.family(facility=facility_a)
    child = factories.child(family=fam, birth_date=date(2024, 6, 1))
    mother = factories.adult(family=fam, role="mother")
    father = factories.adult(family=fam, role="father")
    s = factories.stay(facility=facility_a, child=child, admitted_on=date(2025, 3, 3))
    adm.presence_add(user=None, stay=s, adult=mother, start=date(2025, 3, 3))
    adm.presence_add(user=None, stay=s, adult=father, start=date(2025, 3, 3))
    adm.diagnosis_add(user=None, stay=s, adult=mother, timepoint="entry", classification="icd11", code="6A70",
                      primary=True)
    adm.diagnosis_add(user=None, stay=s, adult=father, timepoint="entry", classification="icd11", code="6B00",
                      primary=True)
    year = engine.Period(date(2025, 1, 1), date(2025, 12, 31))
    before = engine.build([facility_a], year, compare=False).indicators
    assert before["admission_mode"]["both_whole_stay"] == 1 and before["parent_diagnoses"] == {"6A70": 1, "6B00": 1}
    history.record_mark_in_error(user=None, obj=father, reason="Doublon")
    for indicators in _engine_and_as_of(facility_a, year):
        assert indicators["admission_mode"] == {"mother_only": 1, "father_only": 0, "both_whole_stay": 0,
                                                "both_partial": 0, "none": 0}
        assert indicators["share_with_father"] == 0.0
        assert indicators["parent_diagnoses"] == {"6A70": 1}


@pytest.mark.django_db
def test_the_engine_leaves_a_parent_diagnosis_made_after_the_period_end_out_of_it(facility_a):
    from admissions import services as adm
    from tests import factories

    fam = factories.family(facility=facility_a)
    child = factories.child(family=fam, birth_date=date(2024, 6, 1))
    mother = factories.adult(family=fam, role="mother")
    s = factories.stay(facility=facility_a, child=child, admitted_on=date(2025, 3, 3))
    adm.presence_add(user=None, stay=s, adult=mother, start=date(2025, 3, 3))
    for code, made_on in (("6A70", date(2025, 12, 31)), ("6B00", date(2026, 1, 5)), ("6C40", None)):
        adm.diagnosis_add(user=None, stay=s, adult=mother, timepoint="during", classification="icd11", code=code,
                          made_on=made_on)
    year = engine.Period(date(2025, 1, 1), date(2025, 12, 31))
    for indicators in _engine_and_as_of(facility_a, year):
        assert indicators["parent_diagnoses"] == {"6A70": 1, "6C40": 1}
    following = engine.Period(date(2026, 1, 1), date(2026, 12, 31))
    for indicators in _engine_and_as_of(facility_a, following):
        assert indicators["parent_diagnoses"] == {"6A70": 1, "6B00": 1, "6C40": 1}
