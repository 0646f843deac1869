"""DOMAIN.md "Indicators" and "Indicator codes", checked on small hand-built cohorts (plain rows, no database).

Every expected figure below is computed by hand from the rows of the test and written as a literal.
Unless a test says otherwise the period is P = [2025-03-01, 2025-06-30] (122 days).
"""

from __future__ import annotations

from datetime import date

import pytest

from dashboards import indicators as ind
from dashboards.indicators import (
    AdultRow,
    AssessmentRow,
    DiagnosisRow,
    FacilityRow,
    PresenceRow,
    ReportData,
    RequestRow,
    StayRow,
)

START, END = date(2025, 3, 1), date(2025, 6, 30)
UNIT = FacilityRow(id=1, code="upb-a", capacity=10, residential=True)

# DOMAIN.md, "Indicator codes": exactly these keys.
DOMAIN_KEYS = {
    "period", "stays_active", "children_by_sex", "age_band_by_sex", "share_under_6_months", "share_under_1_year",
    "admission_mode", "share_with_father", "residence_before", "residence_after", "referrer_category", "region",
    "mandate", "discharge_kind", "diagnosis_entry_exit", "parent_diagnoses", "length_of_stay_days",
    "occupancy_rate", "requests", "refusal_reason", "families", "parent_age_band", "nationalities",
    "gestational_category", "interventions", "signalements", "synthesis_meetings", "bayley_change",
    "outcomes",
    "contacts_without_file",
}

_ids = iter(range(1000, 100000))


def stay(admitted_on: date, discharged_on: date | None = None, *, id: int | None = None, family: int | None = None,
         child: int | None = None, sex: str = "F", birth: date = date(2024, 12, 1), weeks: int | None = 39,
         kind: str = "", before: str = "family_home", after: str = "", mandate: str = "none",
         referrer: str | None = "hospital_maternity", facility: int = 1) -> StayRow:
    id = id if id is not None else next(_ids)
    if discharged_on is not None:
        kind = kind or "planned"
        after = after or "home_with_parent"
    return StayRow(id=id, facility_id=facility, child_id=child if child is not None else id,
                   family_id=family if family is not None else id, sex=sex, birth_date=birth,
                   gestational_weeks=weeks, admitted_on=admitted_on, discharged_on=discharged_on,
                   discharge_kind=kind, residence_before=before, residence_after=after, mandate=mandate,
                   referrer_category=referrer)


def presence(s: StayRow, role: str, start: date, end: date | None = None, *, adult: int | None = None) -> PresenceRow:
    return PresenceRow(stay_id=s.id, adult_id=adult if adult is not None else next(_ids), role=role, start=start,
                       end=end)


def adult(family: int, role: str, birth: date | None = date(1995, 5, 5), *, nationality: str = "",
          region: str = "", id: int | None = None) -> AdultRow:
    return AdultRow(id=id if id is not None else next(_ids), family_id=family, role=role, birth_date=birth,
                    nationality=nationality, region=region)


def report(start: date = START, end: date = END, codes=("upb-a",), **rows) -> dict:
    rows.setdefault("facilities", [UNIT])
    rows.setdefault("stays", [])
    return ind.compute(ReportData(**rows), start, end, list(codes))


# ---------------------------------------------------------------- keys and period


def test_compute_returns_exactly_the_domain_keys_on_an_empty_cohort():
    assert set(report()) == DOMAIN_KEYS


def test_compute_returns_exactly_the_domain_keys_on_a_full_cohort():
    s = stay(date(2025, 3, 10), date(2025, 4, 10))
    data = dict(
        stays=[s, stay(date(2025, 4, 1))], presence=[presence(s, "mother", date(2025, 3, 10), date(2025, 4, 10))],
        adults=[adult(s.family_id, "mother", region="BE-WLG", nationality="BE")],
        requests=[RequestRow(1, s.family_id, date(2025, 3, 2), "accepted", "", "eligible", True)],
        first_request_on={s.family_id: date(2025, 3, 2)},
        diagnoses=[DiagnosisRow(s.id, s.child_id, None, "entry", "F43.2", True)],
        assessments=[AssessmentRow(s.id, "bayley4", date(2025, 3, 12), {"cog": 90})],
        interventions=[("home_visit", date(2025, 3, 20))], signalements=[date(2025, 3, 21)],
        meetings=[date(2025, 3, 22)],
    )
    assert set(report(**data)) == DOMAIN_KEYS


def test_period_key():
    other = FacilityRow(id=2, code="upb-b", capacity=8, residential=True)
    result = report(facilities=[UNIT, other], codes=("upb-a", "upb-b"))
    assert result["period"]["start"] == "2025-03-01"
    assert result["period"]["end"] == "2025-06-30"
    assert sorted(result["period"]["facilities"]) == ["upb-a", "upb-b"]


# ---------------------------------------------------------------- stays active in the period


def test_stays_crossing_the_period_edges():
    stays = [
        stay(date(2024, 11, 1), date(2025, 3, 20)),   # admitted before start, discharged inside: active
        stay(date(2025, 6, 1), date(2025, 8, 15)),    # admitted inside, discharged after the end: active
        stay(date(2025, 1, 10), date(2025, 2, 28)),   # discharged the day before start: not active
        stay(date(2025, 1, 10), date(2025, 3, 1)),    # discharged on the start day: active
        stay(date(2025, 6, 30)),                      # admitted on the end day: active
        stay(date(2025, 7, 1)),                       # admitted the day after the end: not active
        stay(date(2024, 9, 1)),                       # open since before the period: active
        stay(date(2024, 9, 1), date(2025, 9, 1)),     # spans the whole period: active
    ]
    assert report(stays=stays)["stays_active"] == 6


# ---------------------------------------------------------------- children: sex, age bands, shares


def test_age_bands_by_sex_at_the_band_edges():
    stays = [
        # 5 months 30 days at admission (born 15 Oct, 5 months on 15 Mar, +30 days = 14 Apr): 0-5m
        stay(date(2025, 4, 14), birth=date(2024, 10, 15), sex="F"),
        # exactly 6 months: 6-11m
        stay(date(2025, 4, 15), birth=date(2024, 10, 15), sex="M"),
        stay(date(2025, 4, 9), birth=date(2024, 4, 10), sex="F"),    # 11 months: 6-11m
        stay(date(2025, 4, 10), birth=date(2024, 4, 10), sex="M"),   # 12 months: 12-23m
        stay(date(2025, 4, 9), birth=date(2023, 4, 10), sex="F"),    # 23 months: 12-23m
        stay(date(2025, 4, 10), birth=date(2023, 4, 10), sex="M"),   # 24 months: 24-35m
        stay(date(2025, 4, 9), birth=date(2022, 4, 10), sex="F"),    # 35 months: 24-35m
        stay(date(2025, 4, 10), birth=date(2022, 4, 10), sex="M"),   # 36 months: 36m+
        # not active (left before the period): not counted anywhere
        stay(date(2025, 1, 5), date(2025, 2, 20), birth=date(2024, 12, 1), sex="F"),
    ]
    result = report(stays=stays)
    assert result["stays_active"] == 8
    assert result["children_by_sex"] == {"F": 4, "M": 4}
    assert result["age_band_by_sex"] == {
        "0-5m": {"F": 1, "M": 0},
        "6-11m": {"F": 1, "M": 1},
        "12-23m": {"F": 1, "M": 1},
        "24-35m": {"F": 1, "M": 1},
        "36m+": {"F": 0, "M": 1},
    }
    assert result["share_under_6_months"] == pytest.approx(1 / 8)   # 0.125
    assert result["share_under_1_year"] == pytest.approx(3 / 8)     # 0.375


def test_age_is_taken_at_admission_not_at_the_period():
    # Admitted at 2 months in 2024, still there in the period at 8 months: 0-5m.
    result = report(stays=[stay(date(2024, 9, 20), birth=date(2024, 7, 10), sex="M")])
    assert result["age_band_by_sex"]["0-5m"] == {"F": 0, "M": 1}
    assert result["share_under_6_months"] == 1.0
    assert result["share_under_1_year"] == 1.0


def test_shares_on_an_empty_period_are_null():
    # Settled reading 7 (tests/dashboards/test_settled_readings.py holds the rest).
    result = report()
    assert result["share_under_6_months"] is None
    assert result["share_under_1_year"] is None
    assert result["share_with_father"] is None
    assert result["children_by_sex"] == {"F": 0, "M": 0}


# ---------------------------------------------------------------- admission with the parent(s)


def test_admission_mode_from_presence_periods():
    a = date(2025, 3, 10)
    m1 = stay(a)                                   # mother only
    m2 = stay(a)                                   # father only
    m3 = stay(a, date(2025, 4, 10))                # both, from admission to discharge
    m4 = stay(a)                                   # father joins in the second week: both_partial
    m5 = stay(a)                                   # another guardian alone: none
    m6 = stay(a)                                   # nobody: none
    m7 = stay(a)                                   # open; mother leaves after the period end: both whole
    m8 = stay(a, date(2025, 5, 10))                # father leaves before discharge: both_partial
    m9 = stay(a)                                   # mother in two back-to-back periods, father whole
    m10 = stay(a)                                  # mother + another guardian: mother_only
    rows = [
        presence(m1, "mother", a),
        presence(m2, "father", a),
        presence(m3, "mother", a, date(2025, 4, 10)), presence(m3, "father", a, date(2025, 4, 10)),
        presence(m4, "mother", a), presence(m4, "father", date(2025, 3, 18)),
        presence(m5, "other_guardian", a),
        presence(m7, "mother", a, date(2025, 8, 15)), presence(m7, "father", a),
        presence(m8, "mother", a, date(2025, 5, 10)), presence(m8, "father", a, date(2025, 4, 30)),
        presence(m9, "mother", a, date(2025, 3, 20)), presence(m9, "mother", date(2025, 3, 21)),
        presence(m9, "father", a),
        presence(m10, "mother", a), presence(m10, "other_guardian", a),
    ]
    result = report(stays=[m1, m2, m3, m4, m5, m6, m7, m8, m9, m10], presence=rows)
    assert result["admission_mode"] == {"mother_only": 2, "father_only": 1, "both_whole_stay": 3,
                                        "both_partial": 2, "none": 2}
    # (father_only 1 + both_whole_stay 3 + both_partial 2) / 10
    assert result["share_with_father"] == pytest.approx(0.6)


def test_both_whole_stay_is_measured_to_the_period_end_while_the_stay_is_open():
    a = date(2025, 5, 1)
    open_stay = stay(a)
    # Open at the period end (discharged after it): the father left on 15 July, after 30 June.
    later = stay(a, date(2025, 8, 1))
    # Open, but the father left before the period end: partial.
    left = stay(a)
    rows = [
        presence(open_stay, "mother", a), presence(open_stay, "father", a),
        presence(later, "mother", a, date(2025, 8, 1)), presence(later, "father", a, date(2025, 7, 15)),
        presence(left, "mother", a), presence(left, "father", a, date(2025, 6, 20)),
    ]
    result = report(stays=[open_stay, later, left], presence=rows)
    assert result["admission_mode"] == {"mother_only": 0, "father_only": 0, "both_whole_stay": 2,
                                        "both_partial": 1, "none": 0}
    assert result["share_with_father"] == 1.0


def test_admission_mode_counts_only_active_stays():
    gone = stay(date(2025, 1, 1), date(2025, 2, 1))
    here = stay(date(2025, 3, 5))
    rows = [presence(gone, "father", date(2025, 1, 1), date(2025, 2, 1)), presence(here, "mother", date(2025, 3, 5))]
    result = report(stays=[gone, here], presence=rows)
    assert result["admission_mode"] == {"mother_only": 1, "father_only": 0, "both_whole_stay": 0,
                                        "both_partial": 0, "none": 0}
    assert result["share_with_father"] == 0


# ---------------------------------------------------------------- residence, referrer, region, mandate, discharge


def test_residence_referrer_region_mandate_and_discharge():
    s1 = stay(date(2025, 1, 10), date(2025, 4, 1), before="hospital", referrer="hospital_maternity",
              mandate="saj", kind="planned", after="home_with_parent")
    s2 = stay(date(2025, 3, 5), before="family_home", referrer="cpas", mandate="none")
    s3 = stay(date(2025, 4, 1), date(2025, 6, 30), before="hospital", referrer="hospital_maternity",
              mandate="spj", kind="early_family", after="other_private_care")
    s4 = stay(date(2025, 5, 1), date(2025, 9, 1), before="nursery_or_creche", referrer="sos_children",
              mandate="none", kind="transfer", after="hospital")         # discharged after the end
    s5 = stay(date(2025, 6, 1), before="family_home", referrer=None, mandate="youth_court")  # no request
    gone = stay(date(2024, 10, 1), date(2025, 2, 28), before="other", referrer="gp", mandate="ase",
                kind="placement", after="other_institution")              # not active
    adults = [
        # s1: the mother's region first
        adult(s1.family_id, "father", region="BE-BRU"), adult(s1.family_id, "mother", region="BE-WLG"),
        # s2: no mother: the father's
        adult(s2.family_id, "other_guardian", region="BE-WNA"), adult(s2.family_id, "father", region="BE-WHT"),
        # s3: a mother without a region: the father's
        adult(s3.family_id, "mother", region=""), adult(s3.family_id, "father", region="BE-WLG"),
        # s4: another adult only
        adult(s4.family_id, "other_guardian", region="BE-WNA"),
        # s5: no adult with a region: not counted
        adult(s5.family_id, "mother", region=""),
        adult(gone.family_id, "mother", region="BE-VAN"),
    ]
    result = report(stays=[s1, s2, s3, s4, s5, gone], adults=adults)
    assert result["stays_active"] == 5
    assert result["residence_before"] == {"family_home": 2, "hospital": 2, "nursery_or_creche": 1}
    assert result["referrer_category"] == {"cpas": 1, "hospital_maternity": 2, "sos_children": 1}
    assert result["region"] == {"BE-WHT": 1, "BE-WLG": 2, "BE-WNA": 1}
    assert result["mandate"] == {"none": 2, "saj": 1, "spj": 1, "youth_court": 1}
    # discharged in the period: s1 and s3 only
    assert result["residence_after"] == {"home_with_parent": 1, "other_private_care": 1}
    assert result["discharge_kind"] == {"early_family": 1, "planned": 1}


# ---------------------------------------------------------------- diagnoses


def _pairs(rows: list[dict]) -> list[tuple]:
    return sorted((str(r["entry"]), str(r["exit"]), r["n"]) for r in rows)


def test_diagnosis_entry_exit_pairs_of_the_children_discharged_in_the_period():
    s1 = stay(date(2025, 1, 10), date(2025, 4, 1))
    s2 = stay(date(2025, 3, 10), date(2025, 5, 1))
    s3 = stay(date(2025, 3, 10), date(2025, 6, 30))
    open_stay = stay(date(2025, 3, 10))                # active but not discharged
    gone = stay(date(2025, 1, 1), date(2025, 2, 1))    # discharged before the period
    mother = next(_ids)
    dx = [
        DiagnosisRow(s1.id, s1.child_id, None, "entry", "F43.2", True),
        DiagnosisRow(s1.id, s1.child_id, None, "entry", "R62.0", False),   # not primary
        DiagnosisRow(s1.id, s1.child_id, None, "during", "F98.2", True),   # neither entry nor exit
        DiagnosisRow(s1.id, s1.child_id, None, "exit", "F43.0", True),
        DiagnosisRow(s1.id, None, mother, "entry", "F53.0", True),          # an adult's
        DiagnosisRow(s1.id, None, mother, "exit", "F32.1", True),
        DiagnosisRow(s2.id, s2.child_id, None, "entry", "F43.2", True),
        DiagnosisRow(s2.id, s2.child_id, None, "exit", "F43.0", True),
        DiagnosisRow(s2.id, s2.child_id, None, "exit", "Z63.8", False),
        DiagnosisRow(s3.id, s3.child_id, None, "entry", "F43.2", True),
        DiagnosisRow(s3.id, s3.child_id, None, "exit", "F43.2", True),
        DiagnosisRow(open_stay.id, open_stay.child_id, None, "entry", "F43.2", True),
        DiagnosisRow(open_stay.id, open_stay.child_id, None, "exit", "F43.0", True),
        DiagnosisRow(gone.id, gone.child_id, None, "entry", "F43.2", True),
        DiagnosisRow(gone.id, gone.child_id, None, "exit", "F43.0", True),
    ]
    result = report(stays=[s1, s2, s3, open_stay, gone], diagnoses=dx)
    assert _pairs(result["diagnosis_entry_exit"]) == [("F43.2", "F43.0", 2), ("F43.2", "F43.2", 1)]


def test_diagnosis_pair_with_a_missing_exit_diagnosis_is_kept_with_null():
    s = stay(date(2025, 3, 10), date(2025, 5, 1))
    dx = [DiagnosisRow(s.id, s.child_id, None, "entry", "6B40", True)]
    assert report(stays=[s], diagnoses=dx)["diagnosis_entry_exit"] == [{"entry": "6B40", "exit": None, "n": 1}]


def test_parent_diagnoses_of_the_adults_admitted_in_the_active_stays():
    a = date(2025, 3, 10)
    s1 = stay(a)
    s2 = stay(date(2025, 2, 1), date(2025, 4, 1))
    gone = stay(date(2025, 1, 1), date(2025, 2, 1))
    m1, f2, m_gone = next(_ids), next(_ids), next(_ids)
    rows = [presence(s1, "mother", a, adult=m1), presence(s2, "father", date(2025, 2, 1), date(2025, 4, 1), adult=f2),
            presence(gone, "mother", date(2025, 1, 1), date(2025, 2, 1), adult=m_gone)]
    dx = [
        DiagnosisRow(s1.id, None, m1, "entry", "F32.1", True),
        DiagnosisRow(s1.id, None, m1, "entry", "F41.1", False),     # not primary: counted too
        DiagnosisRow(s2.id, None, f2, "entry", "F32.1", True),
        DiagnosisRow(s1.id, s1.child_id, None, "entry", "F43.2", True),   # the child's: not a parent's
        DiagnosisRow(gone.id, None, m_gone, "entry", "F60.3", True),      # stay not active
    ]
    result = report(stays=[s1, s2, gone], presence=rows, diagnoses=dx)
    assert result["parent_diagnoses"] == {"F32.1": 2, "F41.1": 1}


def test_parent_diagnoses_leave_out_an_adult_who_was_not_admitted():
    a = date(2025, 3, 10)
    s = stay(a)
    mother, father = next(_ids), next(_ids)
    rows = [presence(s, "mother", a, adult=mother)]        # the father stayed at home: never admitted
    dx = [DiagnosisRow(s.id, None, mother, "entry", "F32.1", True),
          DiagnosisRow(s.id, None, father, "entry", "F10.2", True)]
    result = report(stays=[s], presence=rows, diagnoses=dx)
    assert result["parent_diagnoses"] == {"F32.1": 1}


# ---------------------------------------------------------------- length of stay and occupancy


def test_length_of_stay_counts_open_stays_to_the_period_end():
    stays = [
        stay(date(2025, 2, 1), date(2025, 3, 11)),    # 28 (Feb) + 10 = 38 days
        stay(date(2025, 4, 1), date(2025, 4, 22)),    # 21 days
        stay(date(2025, 6, 1)),                       # open: to 30 June = 29 days
        stay(date(2025, 5, 1), date(2025, 9, 1)),     # open at the period end: to 30 June = 60 days
        stay(date(2025, 1, 1), date(2025, 2, 28)),    # not active
    ]
    assert report(stays=stays)["length_of_stay_days"] == {
        "n": 4, "median": 33.5, "mean": 37.0, "min": 21, "max": 60}   # sorted 21, 29, 38, 60; sum 148


def test_length_of_stay_of_an_empty_period():
    assert report()["length_of_stay_days"]["n"] == 0


def test_occupancy_with_a_hand_counted_number_of_child_days():
    start, end = date(2025, 3, 1), date(2025, 3, 31)     # 31 days
    unit = FacilityRow(id=1, code="upb-a", capacity=2, residential=True)
    home = FacilityRow(id=2, code="home-a", capacity=None, residential=False)
    stays = [
        stay(date(2025, 2, 20), date(2025, 3, 5)),    # 1..4 March: 4 child-days (the discharge day is free)
        stay(date(2025, 3, 10)),                      # 10..31 March: 22
        stay(date(2025, 3, 20), date(2025, 3, 20)),   # admitted and discharged the same day: 1
        stay(date(2025, 3, 25), date(2025, 4, 10)),   # 25..31 March: 7
        stay(date(2025, 2, 1), date(2025, 3, 1)),     # leaves on 1 March: 0
        stay(date(2025, 1, 1), date(2025, 2, 28)),    # before: 0
        stay(date(2025, 3, 1), facility=2),           # a non-residential facility: not counted
    ]
    result = report(start, end, codes=("upb-a", "home-a"), facilities=[unit, home], stays=stays)
    # (4 + 22 + 1 + 7) child-days / (2 places × 31 days) = 34 / 62
    assert result["occupancy_rate"] == pytest.approx(34 / 62, abs=1e-4)
    assert result["occupancy_rate"] == pytest.approx(0.5484)


def test_occupancy_over_a_full_unit_is_one():
    start, end = date(2025, 3, 1), date(2025, 3, 31)
    unit = FacilityRow(id=1, code="upb-a", capacity=1, residential=True)
    assert report(start, end, facilities=[unit], stays=[stay(date(2025, 1, 1))])["occupancy_rate"] == 1.0


def test_occupancy_is_for_residential_facilities_only():
    home = FacilityRow(id=2, code="home-a", capacity=None, residential=False)
    result = report(codes=("home-a",), facilities=[home], stays=[stay(date(2025, 3, 1), facility=2)])
    assert result["occupancy_rate"] is None


# ---------------------------------------------------------------- requests


def test_requests_received_in_the_period_and_their_decision():
    def req(on, decision="", reason=""):
        return RequestRow(next(_ids), next(_ids), on, decision, reason, "eligible", False)

    rows = [
        req(date(2025, 3, 1), "accepted"), req(date(2025, 6, 30), "accepted"),
        req(date(2025, 4, 2), "waiting_list"),
        req(date(2025, 4, 3), "refused", "no_capacity"), req(date(2025, 5, 3), "refused", "no_capacity"),
        req(date(2025, 5, 4), "refused", "family_refused"),
        req(date(2025, 6, 1)),                                           # pending
        req(date(2025, 2, 28), "refused", "criteria_not_met"),           # before the period
        req(date(2025, 7, 1)),                                           # after the period
    ]
    result = report(requests=rows)
    assert result["requests"] == {"received": 7, "accepted": 2, "waiting_list": 1, "refused": 3, "pending": 1}
    assert result["refusal_reason"] == {"family_refused": 1, "no_capacity": 2}


# ---------------------------------------------------------------- families


def test_families_followed_new_continuing_closed():
    stays = [
        stay(date(2025, 3, 10), family=1),                           # F1: new (request 5 March), open
        stay(date(2024, 11, 1), date(2025, 4, 15), family=2),        # F2: continuing, closed
        stay(date(2025, 1, 1), date(2025, 3, 20), family=3),         # F3: one stay ends...
        stay(date(2025, 3, 1), family=3, child=31),                  # ...another still active: not closed
        stay(date(2025, 4, 10), date(2025, 5, 10), family=4),        # F4: new and closed
        stay(date(2024, 12, 1), date(2025, 2, 28), family=5),        # F5: not followed
        stay(date(2025, 5, 1), date(2025, 8, 10), family=6),         # F6: ends after the period: not closed
        stay(date(2025, 1, 5), date(2025, 4, 1), family=7),          # F7: two stays, both ended in the period
        stay(date(2025, 5, 1), date(2025, 6, 1), family=7, child=71),
        stay(date(2025, 3, 15), family=8),                           # F8: first request before the period
    ]
    first = {1: date(2025, 3, 5), 2: date(2024, 10, 1), 3: date(2024, 12, 1), 4: date(2025, 4, 1),
             5: date(2024, 6, 1), 6: date(2024, 5, 1), 7: date(2024, 12, 15), 8: date(2024, 12, 20)}
    result = report(stays=stays, first_request_on=first)
    assert result["families"] == {"followed": 7, "new": 2, "continuing": 5, "closed": 3}


# ---------------------------------------------------------------- parents


def test_parents_counted_once_by_age_band_at_their_family_first_stay_of_the_period():
    a = stay(date(2025, 4, 10), family=10)
    a2 = stay(date(2025, 6, 1), family=10, child=101)   # a sibling later: same parents, not counted again
    b = stay(date(2025, 3, 15), family=20)
    c = stay(date(2025, 5, 20), family=30)
    d = stay(date(2025, 1, 10), family=40)              # started before the period: not counted
    e = stay(date(2025, 6, 1), family=50)
    f = stay(date(2025, 6, 15), family=60)
    adults = [
        adult(10, "mother", date(2007, 4, 11), nationality="BE"),     # 17 on 10 Apr 2025 (18 the next day)
        adult(10, "father", date(1999, 4, 10), nationality="BE"),     # 26 that day
        adult(10, "other_guardian", date(1960, 1, 1), nationality="IT"),   # not a parent
        adult(20, "mother", date(1989, 3, 16), nationality="BE"),     # 35 (36 the next day)
        adult(20, "father", date(1979, 3, 15), nationality=""),       # 46
        adult(30, "mother", date(2007, 5, 20), nationality="FR"),     # 18
        adult(30, "father", None, nationality="FR"),                  # unknown birth date
        adult(40, "mother", date(1990, 1, 1), nationality="SY"),
        adult(50, "mother", date(1984, 6, 1), nationality="MA"),      # 41
        adult(50, "father", date(1985, 6, 2), nationality="FR"),      # 39
        adult(60, "mother", date(1994, 6, 15), nationality="BE"),     # 31
        adult(60, "father", date(1994, 6, 16), nationality="RO"),     # 30
    ]
    result = report(stays=[a, a2, b, c, d, e, f], adults=adults)
    zero = dict.fromkeys(("<18", "18-25", "26-30", "31-35", "36-40", "41-45", ">45"), 0)
    bands = result["parent_age_band"]
    assert {k: bands["mother"][k] for k in zero} == {**zero, "<18": 1, "18-25": 1, "31-35": 2, "41-45": 1}
    assert {k: bands["father"][k] for k in zero} == {**zero, "26-30": 2, "36-40": 1, ">45": 1}
    # the father without a birth date is counted once, outside the age bands
    assert sum(bands["father"].values()) == 5
    assert sum(bands["mother"].values()) == 5
    assert result["nationalities"] == {
        "mother": {"distinct": 3, "top": [["BE", 3], ["FR", 1], ["MA", 1]]},
        "father": {"distinct": 3, "top": [["FR", 2], ["BE", 1], ["RO", 1]]},
    }


# ---------------------------------------------------------------- birth


def test_gestational_category_of_the_children_whose_stay_started_in_the_period():
    stays = [
        stay(date(2025, 3, 5), weeks=36),                   # preterm
        stay(date(2025, 3, 6), weeks=37),                   # term
        stay(date(2025, 3, 7), weeks=41),                   # term
        stay(date(2025, 3, 8), weeks=42),                   # post-term
        stay(date(2025, 3, 9), weeks=None),                 # unknown
        stay(date(2025, 3, 10), date(2025, 3, 20), child=500, weeks=40),   # one child, two stays: once
        stay(date(2025, 4, 10), child=500, weeks=40),
        stay(date(2025, 1, 10), weeks=30),                  # active, but started before the period
        stay(date(2025, 7, 1), weeks=30),                   # after the period
    ]
    assert report(stays=stays)["gestational_category"] == {"preterm": 1, "term": 3, "post_term": 1, "unknown": 1}


# ---------------------------------------------------------------- activity


def test_interventions_signalements_and_meetings_in_the_period():
    interventions = [
        ("home_visit", date(2025, 3, 1)), ("home_visit", date(2025, 6, 30)), ("parent_interview", date(2025, 4, 4)),
        ("home_visit", date(2025, 2, 28)), ("group_workshop", date(2025, 7, 1)),
    ]
    signalements = [date(2025, 3, 1), date(2025, 5, 5), date(2025, 2, 28)]
    meetings = [date(2025, 6, 30), date(2025, 4, 1), date(2025, 4, 2), date(2025, 7, 1)]
    result = report(interventions=interventions, signalements=signalements, meetings=meetings)
    assert result["interventions"] == {"home_visit": 2, "parent_interview": 1}
    assert result["signalements"] == 2
    assert result["synthesis_meetings"] == 3


# ---------------------------------------------------------------- outcomes


def test_bayley_change_of_the_stays_discharged_in_the_period():
    b1 = stay(date(2025, 3, 1), date(2025, 6, 1))
    b2 = stay(date(2025, 1, 10), date(2025, 5, 1))
    b3 = stay(date(2025, 3, 1), date(2025, 6, 1))          # one assessment only
    b4 = stay(date(2025, 3, 1))                            # not discharged
    rows = [
        AssessmentRow(b1.id, "bayley4", date(2025, 5, 30), {"cog": 92, "lang": 85, "motor": 100}),
        AssessmentRow(b1.id, "bayley4", date(2025, 3, 5), {"cog": 80, "lang": 85, "motor": 90}),
        AssessmentRow(b1.id, "epds", date(2025, 5, 31), {"total": 12}),
        AssessmentRow(b2.id, "bayley3", date(2025, 1, 15), {"cog": 70, "lang": 75}),
        AssessmentRow(b2.id, "bayley4", date(2025, 4, 25), {"cog": 84, "lang": 81, "se": 90}),
        AssessmentRow(b2.id, "bayley3", date(2025, 3, 1), {"cog": 75}),
        AssessmentRow(b3.id, "bayley4", date(2025, 3, 5), {"cog": 60}),
        AssessmentRow(b4.id, "bayley4", date(2025, 3, 5), {"cog": 60}),
        AssessmentRow(b4.id, "bayley4", date(2025, 6, 5), {"cog": 110}),
    ]
    result = report(stays=[b1, b2, b3, b4], assessments=rows)
    empty = {"n": 0, "entry_mean": None, "exit_mean": None, "mean_change": None}
    assert result["bayley_change"] == {
        "cog": {"n": 2, "entry_mean": 75.0, "exit_mean": 88.0, "mean_change": 13.0},     # (80, 70) → (92, 84)
        "lang": {"n": 2, "entry_mean": 80.0, "exit_mean": 83.0, "mean_change": 3.0},     # (85, 75) → (85, 81)
        "motor": {"n": 1, "entry_mean": 90.0, "exit_mean": 100.0, "mean_change": 10.0},
        "se": empty,     # no entry value
        "ab": empty,
    }


# ---------------------------------------------------------------- chart series (same rows, same rules)


def test_series_length_of_stay_and_monthly_occupancy():
    unit = FacilityRow(id=1, code="upb-a", capacity=2, residential=True)
    stays = [stay(date(2025, 2, 20), date(2025, 3, 5)), stay(date(2025, 3, 10))]
    data = ReportData(facilities=[unit], stays=stays)
    result = ind.series(data, date(2025, 3, 1), date(2025, 4, 30))
    assert result["length_of_stay"] == [13, 51]     # 20 Feb → 5 Mar; 10 Mar → 30 Apr
    # March: 4 + 22 = 26 child-days / 31 days; April: 30 / 30
    assert result["occupancy_by_month"] == [
        {"month": "2025-03", "mean_children": 0.84, "capacity": 2},
        {"month": "2025-04", "mean_children": 1.0, "capacity": 2},
    ]
