"""Outcomes (DOMAIN.md "Outcomes") on hand-computed cohorts: windows, pairs, statistics, breakdowns, disposition."""

from datetime import date, timedelta

import pytest

from dashboards import indicators as ind
from dashboards import outcomes
from dashboards.indicators import AssessmentRow, ReportData
from tests.dashboards.test_indicators import UNIT, adult, presence, stay

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
READ_ON = date(2026, 12, 1)
_ids = iter(range(500000, 600000))


def pirgas(s, on: date, value: int) -> AssessmentRow:
    return AssessmentRow(s.id, "pirgas", on, {"score": value}, id=next(_ids))


def total(s, instrument: str, on: date, value: int, *, parent: int | None = None) -> AssessmentRow:
    return AssessmentRow(s.id, instrument, on, {}, {"total": value}, adult_id=parent, id=next(_ids))


def bayley(s, on: date, instrument: str = "bayley4", **composites) -> AssessmentRow:
    return AssessmentRow(s.id, instrument, on, composites, id=next(_ids))


def compute(stays, assessments=(), presence_rows=(), adults=(), *, signalements=(), later=(),
            read_on: date = READ_ON) -> dict:
    data = ReportData(facilities=[UNIT], stays=list(stays), assessments=list(assessments),
                      presence=list(presence_rows), adults=list(adults), stay_signalements=list(signalements),
                      later_stays=list(later))
    return ind.compute(data, *YEAR, ["upb-a"], report_date=read_on)


ADM, DIS = date(2025, 1, 1), date(2025, 6, 30)


@pytest.fixture
def pirgas_cohort():
    """Seven stays of 01/01 → 30/06/2025, each testing one window edge or a course of the relationship."""
    a, b, c, d, e, f, g, h = (stay(ADM, DIS) for _ in range(8))
    e = stay(date(2025, 3, 1), date(2025, 4, 15))
    f = stay(date(2025, 3, 1), date(2025, 4, 15))
    rows = [
        pirgas(a, ADM + timedelta(days=42), 50), pirgas(a, DIS + timedelta(days=14), 75),  # both edges: a pair
        pirgas(b, ADM + timedelta(days=43), 50), pirgas(b, DIS, 75),  # entry one day late: no pair
        pirgas(c, ADM, 60), pirgas(c, DIS + timedelta(days=15), 75),  # exit one day late: no pair
        pirgas(d, date(2025, 1, 10), 60), pirgas(d, DIS - timedelta(days=42), 58),  # exit at discharge − 42
        pirgas(d, DIS - timedelta(days=43), 99),  # before the exit window: ignored
        pirgas(e, date(2025, 3, 1), 40), pirgas(e, date(2025, 3, 29), 45),  # exactly 28 days apart: a pair
        pirgas(f, date(2025, 3, 1), 40), pirgas(f, date(2025, 3, 28), 45),  # 27 days apart: no pair
        # Three (four) assessments: the first of the entry window, the last of the exit window.
        pirgas(g, date(2025, 1, 20), 58), pirgas(g, date(2025, 1, 5), 56), pirgas(g, date(2025, 3, 15), 60),
        pirgas(g, date(2025, 6, 20), 73),
        pirgas(h, date(2025, 1, 3), 75), pirgas(h, date(2025, 6, 25), 62),  # deteriorates into the clinical range
    ]
    return [a, b, c, d, e, f, g, h], rows


def test_window_edges_and_the_measure_figures_by_hand(pirgas_cohort):
    stays, rows = pirgas_cohort
    result = compute(stays, rows)["outcomes"]["measures"]["pirgas"]
    # Pairs: a 50→75, d 60→58, e 40→45, g 56→73, h 75→62; changes 25, −2, 5, 17, −13 (sum 32).
    # Deviations from 6.4: 18.6, −8.4, −1.4, 10.6, −19.4; squares sum 907.2; variance 226.8; sd 15.060.
    # t(0.975, 4) = 2.7764: half-width 2.7764 × 15.060 / √5 = 18.70 → [−12.3, 25.1]; effect 6.4 / 15.06 = 0.42.
    assert result == {
        "n": 5, "entry_mean": 56.2, "exit_mean": 62.6, "mean_change": 6.4, "ci95": [-12.3, 25.1],
        "effect_size": 0.42,
        "recovered": 2,  # a (50 → 75) and g (56 → 73) leave the range ≤ 70
        "deteriorated": 1,  # h (75 → 62)
        # Bands: a disturbed → perturbed, e disordered → disturbed, g distressed → perturbed: better;
        # d distressed → distressed: unchanged; h perturbed → significantly perturbed: worse.
        "improved": 3, "unchanged": 1, "worse": 1,
    }


def test_a_stay_not_discharged_in_the_period_has_no_outcome():
    open_stay = stay(date(2025, 1, 1))
    later = stay(date(2025, 6, 1), date(2026, 2, 1))
    rows = [pirgas(open_stay, date(2025, 1, 2), 50), pirgas(open_stay, date(2025, 12, 1), 80),
            pirgas(later, date(2025, 6, 2), 50), pirgas(later, date(2026, 1, 20), 80)]
    assert compute([open_stay, later], rows)["outcomes"]["measures"]["pirgas"]["n"] == 0


def test_one_pair_has_means_but_no_interval_nor_effect_size():
    s = stay(ADM, DIS)
    result = compute([s], [pirgas(s, ADM, 60), pirgas(s, DIS, 80)])["outcomes"]["measures"]["pirgas"]
    assert (result["n"], result["mean_change"], result["ci95"], result["effect_size"]) == (1, 20.0, None, None)


def test_identical_changes_have_an_interval_of_zero_width_and_no_effect_size():
    s, t = stay(ADM, DIS), stay(ADM, DIS)
    rows = [pirgas(s, ADM, 60), pirgas(s, DIS, 70), pirgas(t, ADM, 40), pirgas(t, DIS, 50)]
    result = compute([s, t], rows)["outcomes"]["measures"]["pirgas"]
    assert (result["ci95"], result["effect_size"]) == ([10.0, 10.0], None)


def test_adbb_lower_is_better_and_changes_of_two_points_count():
    s, t, u = stay(ADM, DIS), stay(ADM, DIS), stay(ADM, DIS)
    rows = [total(s, "adbb", ADM, 8), total(s, "adbb", DIS, 3),  # −5: improved, recovered (≥ 5 → < 5)
            total(t, "adbb", ADM, 4), total(t, "adbb", DIS, 5),  # +1: unchanged, deteriorated (4 → 5)
            total(u, "adbb", ADM, 2), total(u, "adbb", DIS, 4)]  # +2: worse
    result = compute([s, t, u], rows)["outcomes"]["measures"]["adbb"]
    assert {k: result[k] for k in ("n", "mean_change", "recovered", "deteriorated", "improved", "unchanged",
                                   "worse")} == {"n": 3, "mean_change": -0.7, "recovered": 1, "deteriorated": 1,
                                                 "improved": 1, "unchanged": 1, "worse": 1}


def test_epds_of_each_admitted_parent_by_role():
    s = stay(ADM, DIS, family=900)
    mother, father, absent = adult(900, "mother"), adult(900, "father"), adult(900, "father")
    rows = [total(s, "epds", ADM, 16, parent=mother.id), total(s, "epds", DIS, 9, parent=mother.id),
            total(s, "epds", ADM, 10, parent=father.id), total(s, "epds", DIS, 14, parent=father.id),
            # A father not admitted in this stay (no presence period): his EPDS does not count.
            total(s, "epds", ADM, 20, parent=absent.id), total(s, "epds", DIS, 2, parent=absent.id)]
    periods = [presence(s, "mother", ADM, None, adult=mother.id), presence(s, "father", ADM, None, adult=father.id)]
    measures = compute([s], rows, periods, [mother, father, absent])["outcomes"]["measures"]
    assert {k: measures["epds_mother"][k] for k in ("n", "mean_change", "recovered", "improved")} == \
        {"n": 1, "mean_change": -7.0, "recovered": 1, "improved": 1}
    assert {k: measures["epds_father"][k] for k in ("n", "mean_change", "deteriorated", "worse")} == \
        {"n": 1, "mean_change": 4.0, "deteriorated": 1, "worse": 1}


def test_bayley_composites_read_at_corrected_age_with_the_same_windows():
    # A child born at 30 weeks: the composites the therapist keys are those read at corrected age (the
    # instrument corrects); the outcome takes them as recorded, with Bayley-III at entry and Bayley-4 at exit.
    preterm = stay(date(2025, 2, 1), date(2025, 8, 1), birth=date(2024, 11, 1), weeks=30)
    rows = [bayley(preterm, date(2025, 2, 10), "bayley3", cog=80, lang=75, motor=90, se=95),
            bayley(preterm, date(2025, 7, 20), cog=95, lang=78, motor=90)]
    result = compute([preterm], rows)
    cog = result["outcomes"]["measures"]["bayley_cog"]
    assert {k: cog[k] for k in ("n", "entry_mean", "exit_mean", "recovered", "improved")} == \
        {"n": 1, "entry_mean": 80.0, "exit_mean": 95.0, "recovered": 1, "improved": 1}  # low average → average
    lang = result["outcomes"]["measures"]["bayley_lang"]
    # Borderline (Bayley-III) → very low (Bayley-4): the same rank.
    assert (lang["unchanged"], lang["recovered"]) == (1, 0)
    assert result["bayley_change"]["cog"] == {"n": 1, "entry_mean": 80.0, "exit_mean": 95.0, "mean_change": 15.0}
    assert result["bayley_change"]["se"]["n"] == 0  # no exit value
    # The breakdown's age band is the pyramid's: chronological age at admission (3 months).
    assert result["outcomes"]["by"]["age_band"]["0-5m"]["bayley_cog"]["n"] == 1


def test_breakdowns_by_father_length_and_mandate():
    with_father = stay(ADM, date(2025, 3, 1), family=910, mandate="saj")  # 59 days
    alone = stay(ADM, DIS, family=911)  # 180 days, voluntary
    periods = [presence(with_father, "mother", ADM), presence(with_father, "father", ADM),
               presence(alone, "mother", ADM)]
    rows = [pirgas(with_father, ADM, 50), pirgas(with_father, date(2025, 2, 28), 70),
            pirgas(alone, ADM, 60), pirgas(alone, DIS, 64)]
    by = compute([with_father, alone], rows, periods)["outcomes"]["by"]
    assert by["admission_mode"]["with_father"]["pirgas"]["mean_change"] == 20.0
    assert by["admission_mode"]["without_father"]["pirgas"]["mean_change"] == 4.0
    assert (by["length_of_stay"]["le_91"]["pirgas"]["n"], by["length_of_stay"]["92_182"]["pirgas"]["n"],
            by["length_of_stay"]["gt_182"]["pirgas"]["n"]) == (1, 1, 0)
    assert by["mandate"]["judicial"]["pirgas"]["entry_mean"] == 50.0
    assert by["mandate"]["voluntary"]["pirgas"]["entry_mean"] == 60.0
    assert set(by) == {"admission_mode", "age_band", "length_of_stay", "mandate"}
    assert set(by["age_band"]) == set(ind.AGE_BANDS)


def test_disposition_of_the_discharged_stays():
    planned_home = stay(ADM, date(2025, 3, 1), child=1, kind="planned", after="home_with_parent")
    placed = stay(ADM, date(2025, 12, 20), child=2, kind="placement", after="other_institution")
    early = stay(date(2024, 10, 1), date(2025, 11, 1), child=3, kind="early_family", after="home_with_parent")
    still_open = stay(ADM, child=4)
    signalements = [(placed.id, date(2025, 5, 1)),  # inside the stay
                    (early.id, date(2025, 11, 20)),  # after its discharge: not during the stay
                    (still_open.id, date(2025, 2, 1))]  # not a discharged stay
    later = [(1, 700, date(2026, 2, 28)),  # child 1 back 364 days after 01/03/2025: readmitted
             (3, 701, date(2026, 11, 3))]  # child 3 back 367 days later: not a readmission
    result = compute([planned_home, placed, early, still_open], signalements=signalements, later=later,
                     read_on=date(2026, 11, 15))["outcomes"]["disposition"]
    # Eligible: discharged on or before 15/11/2025 (a full year before the report date): 01/03 and 01/11.
    assert result == {"discharged": 3, "planned": 1, "home_with_parent": 2, "placement": 1,
                      "signalement_during_stay": 1, "readmission": {"eligible": 2, "readmitted": 1}}


def test_the_outcomes_have_exactly_the_shape_of_domain_md():
    result = compute([])["outcomes"]
    assert set(result) == {"measures", "by", "disposition"}
    assert list(result["measures"]) == list(outcomes.MEASURE_CODES)
    assert all(list(figures) == list(outcomes.STAT_KEYS) for figures in result["measures"].values())
    assert result["measures"]["pirgas"]["n"] == 0 and result["measures"]["pirgas"]["entry_mean"] is None


@pytest.mark.django_db
def test_the_engine_loads_the_values_on_each_window_edge_and_not_beyond(facility_a):
    """The database keeps only what can be an entry or an exit value: the edges are inclusive on every database."""
    from admissions import services as adm
    from assessments.services import assessment_record
    from dashboards import engine
    from tests import factories

    therapist = factories.user(role="therapist", facility=facility_a)
    admitted, discharged = date(2025, 2, 1), date(2025, 8, 1)
    child = factories.child(family=factories.family(facility=facility_a), birth_date=date(2024, 12, 1))
    stay = factories.stay(facility=facility_a, child=child, admitted_on=admitted)
    days = {admitted + timedelta(days=42): 50, admitted + timedelta(days=43): 51,  # entry edge, one day late
            discharged - timedelta(days=43): 52, discharged - timedelta(days=42): 53,  # exit window opens
            discharged + timedelta(days=14): 54, discharged + timedelta(days=15): 55}  # exit edge, one day late
    # Recorded while the stay is open (the form refuses a date after the discharge; an import may bring one).
    for day, value in days.items():
        assessment_record(user=therapist, stay=stay, child=stay.child, instrument_code="pirgas", assessed_on=day,
                          scores={"score": value})
    adm.stay_discharge(user=None, stay=stay, discharged_on=discharged, discharge_kind="planned",
                       residence_after="home_with_parent")
    data = engine.load([facility_a], *YEAR)
    assert sorted(a.scores["score"] for a in data.assessments) == [50, 53, 54]
    report = ind.compute(data, *YEAR, [facility_a.code], report_date=READ_ON)
    assert (report["outcomes"]["measures"]["pirgas"]["entry_mean"],
            report["outcomes"]["measures"]["pirgas"]["exit_mean"]) == (50.0, 54.0)
