"""The report engine over the database: a small cohort made through the services, figures counted by hand.

The period is the calendar year 2025 (the previous one, 2024, is computed beside it).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from admissions import services as adm
from assessments import services as assessments
from dashboards import engine
from tests import factories
from unit import history

pytestmark = pytest.mark.django_db

YEAR = engine.Period(date(2025, 1, 1), date(2025, 12, 31))


def _admit(facility, child, *, received_on, admitted_on, referrer="hospital_maternity", **extra):
    req = factories.accepted_request(facility=facility, family=child.family, children=[child],
                                     received_on=received_on, referrer_category=referrer)
    extra.setdefault("residence_before", "family_home")
    return adm.stay_admit(user=None, facility=facility, child=child, request=req, admitted_on=admitted_on, **extra)


def _family(facility, *, birth=date(2024, 11, 10), sex="F", weeks=None):
    fam = factories.family(facility=facility)
    return fam, factories.child(family=fam, birth_date=birth, sex=sex, gestational_weeks=weeks)


def _refused(facility, *, received_on, reason):
    fam, kid = _family(facility)
    req = factories.request(facility=facility, family=fam, children=[kid], received_on=received_on)
    return adm.request_decide(user=None, request=req, decision="refused", decided_on=received_on,
                              refusal_reason=reason)


def _bayley(user, stay, on, scores):
    return assessments.assessment_record(user=user, stay=stay, instrument_code="bayley4", assessed_on=on,
                                         scores=scores, child=stay.child, confirm_out_of_age_range=True)


@pytest.fixture
def cohort():
    unit = factories.facility(code="upb-a", capacity=10)
    other = factories.facility(code="upb-b", capacity=10)
    therapist = factories.user()

    # F1: mother + father (joins in the second week); request 1 Dec 2024; discharged 15 Apr 2025.
    f1, c1 = _family(unit, birth=date(2024, 11, 10), sex="F", weeks=36)
    mother1 = factories.adult(family=f1, role="mother", birth_date=date(1995, 5, 5), nationality="BE",
                              region="BE-WLG")
    father1 = factories.adult(family=f1, role="father", birth_date=date(1990, 1, 15), nationality="FR",
                              region="BE-BRU")
    s1 = _admit(unit, c1, received_on=date(2024, 12, 1), admitted_on=date(2025, 1, 15), mandate="saj",
                residence_before="hospital", referrer="hospital_maternity")
    adm.presence_add(user=None, stay=s1, adult=mother1, start=date(2025, 1, 15))
    adm.presence_add(user=None, stay=s1, adult=father1, start=date(2025, 1, 22))
    adm.diagnosis_add(user=None, stay=s1, timepoint="entry", classification="icd10", code="F43.2", primary=True,
                      child=c1)
    adm.diagnosis_add(user=None, stay=s1, timepoint="entry", classification="icd10", code="R62.0", child=c1)
    adm.diagnosis_add(user=None, stay=s1, timepoint="exit", classification="icd10", code="F43.0", primary=True,
                      child=c1)
    adm.diagnosis_add(user=None, stay=s1, timepoint="entry", classification="icd10", code="F53.0", primary=True,
                      adult=mother1)
    wrong_dx = adm.diagnosis_add(user=None, stay=s1, timepoint="entry", classification="icd10", code="F60.3",
                                 adult=mother1)
    history.record_mark_in_error(user=None, obj=wrong_dx, reason="test")
    _bayley(therapist, s1, date(2025, 1, 20), {"cog": 80, "lang": 85})
    _bayley(therapist, s1, date(2025, 4, 10), {"cog": 90, "lang": 95})
    wrong_bayley = _bayley(therapist, s1, date(2025, 4, 12), {"cog": 150, "lang": 150})
    history.record_mark_in_error(user=None, obj=wrong_bayley, reason="test")
    adm.meeting_add(user=None, stay=s1, held_on=date(2025, 3, 15), participants="équipe")
    adm.stay_discharge(user=None, stay=s1, discharged_on=date(2025, 4, 15), discharge_kind="planned",
                       residence_after="home_with_parent")

    # F2: father alone (a mother's presence entered in error); request 1 Feb 2025; open.
    f2, c2 = _family(unit, birth=date(2024, 6, 1), sex="M", weeks=None)
    mother2 = factories.adult(family=f2, role="mother", birth_date=None)
    father2 = factories.adult(family=f2, role="father", birth_date=date(1980, 1, 1), nationality="FR",
                              region="BE-WHT")
    factories.adult(family=f2, role="other_guardian", region="BE-WNA")
    s2 = _admit(unit, c2, received_on=date(2025, 2, 1), admitted_on=date(2025, 2, 10), mandate="spj",
                referrer="cpas")
    adm.presence_add(user=None, stay=s2, adult=father2, start=date(2025, 2, 10))
    wrong_presence = adm.presence_add(user=None, stay=s2, adult=mother2, start=date(2025, 2, 10))
    history.record_mark_in_error(user=None, obj=wrong_presence, reason="test")
    adm.meeting_add(user=None, stay=s2, held_on=date(2025, 5, 1), participants="équipe")
    wrong_meeting = adm.meeting_add(user=None, stay=s2, held_on=date(2025, 5, 2), participants="équipe")
    history.record_mark_in_error(user=None, obj=wrong_meeting, reason="test")

    # F3: another guardian alone (the mother, with a region, is entered in error); discharged 30 Jun 2025.
    f3, c3 = _family(unit, birth=date(2025, 1, 5), sex="F", weeks=40)
    guardian3 = factories.adult(family=f3, role="other_guardian", birth_date=date(1970, 3, 3), region="BE-WNA")
    wrong_mother = factories.adult(family=f3, role="mother", region="BE-VAN")
    history.record_mark_in_error(user=None, obj=wrong_mother, reason="test")
    s3 = _admit(unit, c3, received_on=date(2025, 3, 1), admitted_on=date(2025, 3, 10), referrer="sos_children")
    adm.presence_add(user=None, stay=s3, adult=guardian3, start=date(2025, 3, 10))
    adm.diagnosis_add(user=None, stay=s3, timepoint="entry", classification="icd10", code="F43.2", primary=True,
                      child=c3)
    adm.diagnosis_add(user=None, stay=s3, timepoint="exit", classification="icd10", code="F43.2", primary=True,
                      child=c3)
    _bayley(therapist, s3, date(2025, 3, 12), {"cog": 100})      # entry only: no change
    adm.stay_discharge(user=None, stay=s3, discharged_on=date(2025, 6, 30), discharge_kind="early_family",
                       residence_after="other_private_care")

    # A stay entered in error: out of every figure.
    f4, c4 = _family(unit, birth=date(2025, 1, 1), sex="M")
    s4 = _admit(unit, c4, received_on=date(2025, 4, 1), admitted_on=date(2025, 4, 2), referrer="gp")
    history.record_mark_in_error(user=None, obj=s4, reason="test")
    history.record_mark_in_error(user=None, obj=s4.request, reason="test")

    # Requests of 2025 that led to no stay.
    _refused(unit, received_on=date(2025, 5, 1), reason="no_capacity")
    fam, kid = _family(unit)
    waiting = factories.request(facility=unit, family=fam, children=[kid], received_on=date(2025, 6, 1))
    adm.request_decide(user=None, request=waiting, decision="waiting_list", decided_on=date(2025, 6, 2),
                       override_reason="test")
    fam, kid = _family(unit)
    factories.request(facility=unit, family=fam, children=[kid], received_on=date(2025, 7, 1))     # pending
    fam, kid = _family(unit)
    wrong_request = factories.request(facility=unit, family=fam, children=[kid], received_on=date(2025, 8, 1))
    history.record_mark_in_error(user=None, obj=wrong_request, reason="test")

    # Activity.
    adm.intervention_add(user=None, facility=unit, family=f1, kind="first_interview", done_on=date(2024, 12, 15))
    adm.intervention_add(user=None, facility=unit, family=f1, stay=s1, kind="home_visit", done_on=date(2025, 2, 1))
    adm.intervention_add(user=None, facility=unit, family=f2, stay=s2, kind="parent_interview",
                         done_on=date(2025, 3, 1))
    adm.intervention_add(user=None, facility=unit, family=f2, stay=s2, kind="parent_interview",
                         done_on=date(2025, 12, 31))
    wrong_intervention = adm.intervention_add(user=None, facility=unit, family=f2, kind="supervision",
                                              done_on=date(2025, 3, 2))
    history.record_mark_in_error(user=None, obj=wrong_intervention, reason="test")
    adm.signalement_add(user=None, facility=unit, family=f2, made_on=date(2025, 1, 1), addressee="SAJ")
    adm.signalement_add(user=None, facility=unit, family=f3, made_on=date(2025, 6, 1), addressee="Parquet")
    wrong_signalement = adm.signalement_add(user=None, facility=unit, family=f3, made_on=date(2025, 6, 2),
                                            addressee="Parquet")
    history.record_mark_in_error(user=None, obj=wrong_signalement, reason="test")

    # Another facility: nothing of it counts for `unit`.
    fb, cb = _family(other, birth=date(2024, 12, 1), sex="M", weeks=30)
    factories.adult(family=fb, role="mother", region="BE-VLI", nationality="NL")
    sb = _admit(other, cb, received_on=date(2025, 3, 1), admitted_on=date(2025, 3, 2), referrer="gp")
    adm.intervention_add(user=None, facility=other, family=fb, stay=sb, kind="home_visit", done_on=date(2025, 3, 3))
    adm.signalement_add(user=None, facility=other, family=fb, made_on=date(2025, 3, 3), addressee="SAJ")
    adm.meeting_add(user=None, stay=sb, held_on=date(2025, 3, 4), participants="équipe")
    return {"unit": unit, "other": other}


def test_build_maps_the_database_rows_onto_the_indicators(cohort):
    report = engine.build([cohort["unit"]], YEAR)
    r = report.as_json()
    assert r["period"] == {"start": "2025-01-01", "end": "2025-12-31", "facilities": ["upb-a"]}
    assert r["stays_active"] == 3
    assert r["children_by_sex"] == {"F": 2, "M": 1}
    # ages at admission: c1 2 months, c2 8 months, c3 2 months
    assert r["age_band_by_sex"]["0-5m"] == {"F": 2, "M": 0}
    assert r["age_band_by_sex"]["6-11m"] == {"F": 0, "M": 1}
    assert r["admission_mode"] == {"mother_only": 0, "father_only": 1, "both_whole_stay": 0, "both_partial": 1,
                                   "none": 1}
    assert r["share_with_father"] == pytest.approx(2 / 3, abs=1e-4)
    assert r["referrer_category"] == {"cpas": 1, "hospital_maternity": 1, "sos_children": 1}
    assert r["region"] == {"BE-WHT": 1, "BE-WLG": 1, "BE-WNA": 1}
    assert r["mandate"] == {"none": 1, "saj": 1, "spj": 1}
    assert r["residence_before"] == {"family_home": 2, "hospital": 1}
    assert r["residence_after"] == {"home_with_parent": 1, "other_private_care": 1}
    assert r["discharge_kind"] == {"early_family": 1, "planned": 1}
    assert sorted((d["entry"], d["exit"], d["n"]) for d in r["diagnosis_entry_exit"]) == [
        ("F43.2", "F43.0", 1), ("F43.2", "F43.2", 1)]
    assert r["parent_diagnoses"] == {"F53.0": 1}
    assert r["requests"] == {"received": 5, "accepted": 2, "waiting_list": 1, "refused": 1, "pending": 1}
    assert r["refusal_reason"] == {"no_capacity": 1}
    # F1's first request is from 2024: continuing; F2 and F3 are new; F1 and F3 left in 2025.
    assert r["families"] == {"followed": 3, "new": 2, "continuing": 1, "closed": 2}
    assert r["gestational_category"] == {"preterm": 1, "term": 1, "post_term": 0, "unknown": 1}
    assert r["interventions"] == {"home_visit": 1, "parent_interview": 2}
    assert r["signalements"] == 2
    assert r["synthesis_meetings"] == 2
    assert r["bayley_change"]["cog"] == {"n": 1, "entry_mean": 80.0, "exit_mean": 90.0, "mean_change": 10.0}
    assert r["bayley_change"]["lang"] == {"n": 1, "entry_mean": 85.0, "exit_mean": 95.0, "mean_change": 10.0}
    assert r["bayley_change"]["motor"]["n"] == 0
    # F1 mother 29 and father 35 on 15 Jan 2025; F2 father 45 and mother without a birth date (10 Feb).
    assert r["parent_age_band"]["mother"]["26-30"] == 1
    assert r["parent_age_band"]["father"]["31-35"] == 1
    assert r["parent_age_band"]["father"]["41-45"] == 1
    assert sum(r["parent_age_band"]["mother"].values()) == 2     # the mother entered in error is not there
    assert r["nationalities"]["father"] == {"distinct": 1, "top": [["FR", 2]]}
    # s1 15 Jan → 15 Apr = 90 days; s2 10 Feb → 31 Dec = 324; s3 10 Mar → 30 Jun = 112
    assert r["length_of_stay_days"] == {"n": 3, "median": 112, "mean": 175.3, "min": 90, "max": 324}
    # child-days: 90 + 325 + 112 = 527 over 10 places × 365 days
    assert r["occupancy_rate"] == pytest.approx(527 / 3650, abs=1e-4)


def test_the_previous_period_is_computed_beside(cohort):
    report = engine.build([cohort["unit"]], YEAR)
    assert report.previous_period == engine.Period(date(2024, 1, 1), date(2024, 12, 31))
    previous = report.previous
    assert previous["period"]["start"] == "2024-01-01"
    assert previous["stays_active"] == 0
    assert previous["requests"] == {"received": 1, "accepted": 1, "waiting_list": 0, "refused": 0, "pending": 0}
    assert previous["interventions"] == {"first_interview": 1}


def test_without_the_comparison_the_indicators_of_the_period_are_the_same(cohort):
    """The JSON builds without the previous period: fewer rows loaded, the same figures for the period."""
    for facilities in ([cohort["unit"]], [cohort["other"]], [cohort["unit"], cohort["other"]]):
        full = engine.build(facilities, YEAR)
        alone = engine.build(facilities, YEAR, compare=False)
        assert alone.indicators == full.indicators
        assert (alone.previous, alone.series) == (None, {})
    # the cohort has 2024 rows (a continuing family, a 2024 request): they still count where they should
    assert engine.build([cohort["unit"]], YEAR, compare=False).indicators["families"]["continuing"] == 1


def test_rows_of_the_stays_are_the_same_by_ids_or_by_subquery(cohort, monkeypatch):
    """Beyond INLINE_IDS_LIMIT stays the loads fall back to a subquery: both ways give the same report."""
    facilities = [cohort["unit"], cohort["other"]]
    by_ids = engine.build(facilities, YEAR)
    monkeypatch.setattr(engine, "INLINE_IDS_LIMIT", 0)
    by_subquery = engine.build(facilities, YEAR)
    assert by_subquery.indicators == by_ids.indicators
    assert by_subquery.previous == by_ids.previous
    assert by_subquery.series == by_ids.series


def test_another_facility_counts_only_its_own(cohort):
    r = engine.build([cohort["other"]], YEAR).as_json()
    assert r["stays_active"] == 1
    assert r["children_by_sex"] == {"F": 0, "M": 1}
    assert r["region"] == {"BE-VLI": 1}
    assert r["referrer_category"] == {"gp": 1}
    assert r["interventions"] == {"home_visit": 1}
    assert r["signalements"] == 1
    assert r["synthesis_meetings"] == 1
    assert r["requests"]["received"] == 1
    both = engine.build([cohort["unit"], cohort["other"]], YEAR).as_json()
    assert both["stays_active"] == 4
    assert both["period"]["facilities"] == ["upb-a", "upb-b"]
    assert both["signalements"] == 3


def test_a_stay_marked_in_error_drops_out(cohort):
    unit = cohort["unit"]
    before = engine.build([unit], YEAR).as_json()["stays_active"]
    stay = unit.stays.filter(entered_in_error=False, discharged_on__isnull=True).get()
    history.record_mark_in_error(user=None, obj=stay, reason="doublon")
    after = engine.build([unit], YEAR).as_json()
    assert (before, after["stays_active"]) == (3, 2)
    assert after["admission_mode"]["father_only"] == 0
    assert after["mandate"] == {"none": 1, "saj": 1}


def test_previous_period_of_a_calendar_year_and_of_a_custom_span():
    assert YEAR.previous() == engine.Period(date(2024, 1, 1), date(2024, 12, 31))
    # a leap year keeps its 366 days' neighbour as a calendar year too
    assert engine.Period(date(2025, 1, 1), date(2025, 12, 31)).previous().days == 366
    span = engine.Period(date(2025, 3, 1), date(2025, 3, 31))     # 31 days
    assert span.previous() == engine.Period(date(2025, 1, 29), date(2025, 2, 28))
    assert span.previous().days == 31
    quarter = engine.Period(date(2025, 4, 1), date(2025, 6, 30))  # 91 days
    assert quarter.previous() == engine.Period(date(2024, 12, 31), date(2025, 3, 31))


def _families(unit, n, therapist, offset=0):
    for i in range(n):
        fam, kid = _family(unit, birth=date(2024, 10, 1), sex="FM"[i % 2], weeks=38)
        mother = factories.adult(family=fam, role="mother", region="BE-WLG", nationality="BE")
        stay = _admit(unit, kid, received_on=date(2025, 1, 2), admitted_on=date(2025, 1, 5 + (i + offset) % 20))
        adm.presence_add(user=None, stay=stay, adult=mother, start=stay.admitted_on)
        adm.diagnosis_add(user=None, stay=stay, timepoint="entry", classification="icd10", code="F43.2",
                          primary=True, child=kid)
        _bayley(therapist, stay, date(2025, 2, 1), {"cog": 90})
        adm.intervention_add(user=None, facility=unit, family=fam, stay=stay, kind="home_visit",
                             done_on=date(2025, 2, 2))
        adm.signalement_add(user=None, facility=unit, family=fam, made_on=date(2025, 2, 3), addressee="SAJ")
        adm.meeting_add(user=None, stay=stay, held_on=date(2025, 2, 4), participants="équipe")
        if i % 2:
            adm.stay_discharge(user=None, stay=stay, discharged_on=date(2025, 3, 1), discharge_kind="planned",
                               residence_after="home_with_parent")


def test_the_number_of_queries_does_not_grow_with_the_families():
    unit = factories.facility(code="upb-q", capacity=30)
    therapist = factories.user()
    _families(unit, 2, therapist)
    with CaptureQueriesContext(connection) as two:
        small = engine.build([unit], YEAR)
    _families(unit, 18, therapist, offset=2)
    with CaptureQueriesContext(connection) as twenty:
        large = engine.build([unit], YEAR)
    assert (small.indicators["stays_active"], large.indicators["stays_active"]) == (2, 20)
    assert large.indicators["signalements"] == 20
    assert len(two.captured_queries) == len(twenty.captured_queries)
