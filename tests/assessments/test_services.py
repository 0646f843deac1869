"""Recording assessments: ages, corrected age, range and age checks, alerts, corrections, what is due."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from admissions import services as adm
from assessments import due, services
from assessments.models import Alert, Assessment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def preterm_stay(facility_a, users_a):
    family = factories.family(facility=facility_a)
    # Born at 32 weeks on 1 March 2025: 8 weeks of correction.
    child = factories.child(family=family, birth_date=date(2025, 3, 1), gestational_weeks=32)
    return factories.stay(facility=facility_a, child=child, admitted_on=date(2025, 8, 20))


def test_bayley_records_chronological_and_corrected_age(preterm_stay, users_a):
    assessment = services.assessment_record(
        user=users_a["therapist"], stay=preterm_stay, instrument_code="bayley4", assessed_on=date(2025, 9, 1),
        scores={"cog_ss": 8, "cog": 90}, child=preterm_stay.child)
    assert assessment.age_days == (date(2025, 9, 1) - date(2025, 3, 1)).days == 184
    assert assessment.corrected_age_days == 184 - 56
    assert assessment.bands == {"cog": "average"}
    assert assessment.history.first().history_user == users_a["therapist"]


def test_bayley_composite_without_its_subtests_is_saved_with_a_warning(preterm_stay, users_a):
    assessment = services.assessment_record(
        user=users_a["therapist"], stay=preterm_stay, instrument_code="bayley4", assessed_on=date(2025, 9, 1),
        scores={"motor": 75}, child=preterm_stay.child)
    assert assessment.warnings and "sous-tests" in assessment.warnings[0]


@pytest.mark.parametrize("instrument,scores", [
    ("bayley4", {"cog": 161}), ("bayley3", {"rc_ss": 0}), ("nbas", {"b01": 10}), ("adbb", {"a01": 5}),
    ("pirgas", {"score": 0}),
])
def test_out_of_range_score_is_refused_and_nothing_saved(preterm_stay, users_a, instrument, scores):
    with pytest.raises(ValidationError) as error:
        services.assessment_record(user=users_a["therapist"], stay=preterm_stay, instrument_code=instrument,
                                   assessed_on=date(2025, 9, 1), scores=scores, child=preterm_stay.child,
                                   confirm_out_of_age_range=True)
    assert "Hors limites" in " ".join(error.value.messages)
    assert not Assessment.objects.exists()


def test_outside_the_age_range_needs_a_confirmation(preterm_stay, users_a):
    # NBAS is for newborns: at 6 months (4 corrected) it asks for a confirmation.
    kwargs = dict(user=users_a["therapist"], stay=preterm_stay, instrument_code="nbas", assessed_on=date(2025, 9, 1),
                  scores={"b01": 5}, child=preterm_stay.child)
    with pytest.raises(ValidationError) as error:
        services.assessment_record(**kwargs)
    assert "hors de la tranche d'âge" in " ".join(error.value.messages)
    assert not Assessment.objects.exists()
    assert services.assessment_record(**kwargs, confirm_out_of_age_range=True).out_of_age_range_confirmed


def test_epds_item_10_raises_an_alert_until_acknowledged_with_a_note(facility_a, users_a):
    stay = factories.stay(facility=facility_a)
    mother = factories.adult(family=stay.child.family)
    scores = {f"e{n:02d}": 0 for n in range(1, 11)} | {"e10": 1}
    assessment = services.assessment_record(user=users_a["therapist"], stay=stay, instrument_code="epds",
                                            assessed_on=date(2025, 9, 15), scores=scores, adult=mother)
    alert = Alert.objects.get()
    assert (alert.assessment, alert.code, alert.acknowledged_at) == (assessment, "self_harm", None)
    with pytest.raises(ValidationError):
        services.alert_acknowledge(user=users_a["therapist"], alert=alert, note="  ")
    services.alert_acknowledge(user=users_a["therapist"], alert=alert, note="Entretien psychiatre le jour même")
    alert.refresh_from_db()
    assert alert.acknowledged_by == users_a["therapist"] and alert.acknowledged_at is not None


def test_correcting_scores_keeps_the_version_rule_and_raises_new_alerts(facility_a, users_a):
    stay = factories.stay(facility=facility_a)
    mother = factories.adult(family=stay.child.family)
    scores = {f"e{n:02d}": 1 for n in range(1, 10)} | {"e10": 0}
    assessment = services.assessment_record(user=users_a["therapist"], stay=stay, instrument_code="epds",
                                            assessed_on=date(2025, 9, 15), scores=scores, adult=mother)
    assert assessment.derived["total"] == 9 and not Alert.objects.exists()
    version = assessment.version
    services.assessment_update(user=users_a["therapist"], assessment=assessment, assessed_on=date(2025, 9, 15),
                               scores=scores | {"e10": 2}, expected_version=version)
    assert assessment.derived["total"] == 11
    assert Alert.objects.filter(code="self_harm").exists()
    stale = Assessment.objects.get(pk=assessment.pk)
    stale.version = version
    with pytest.raises(ValidationError):
        services.assessment_update(user=users_a["therapist"], assessment=stale, assessed_on=date(2025, 9, 15),
                                   scores=scores, expected_version=version)


def test_assessment_of_the_wrong_subject_or_date_is_refused(facility_a, users_a):
    stay = factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    other_child = factories.child(family=factories.family(facility=facility_a))
    with pytest.raises(ValidationError):
        services.assessment_record(user=users_a["therapist"], stay=stay, instrument_code="pirgas",
                                   assessed_on=date(2025, 9, 12), scores={"score": 60}, child=other_child)
    with pytest.raises(ValidationError):
        services.assessment_record(user=users_a["therapist"], stay=stay, instrument_code="pirgas",
                                   assessed_on=date(2025, 9, 1), scores={"score": 60}, child=stay.child)
    assert not Assessment.objects.exists()


def test_due_rules_by_hand():
    rules = (due.Rule("bayley4", "child", "admission", 30), due.Rule("epds", "mother", "admission", 14),
             due.Rule("bayley4", "child", "planned_end", 30))
    stay = due.StayFacts(1, date(2025, 9, 1), date(2026, 1, 31), 10, (("mother", 20, date(2025, 9, 1)),
                                                                     ("father", 21, date(2025, 9, 8))))
    today = date(2025, 9, 20)
    items = due.due_assessments([stay], rules, [], today=today)
    assert [(i.instrument, i.subject_key, i.status) for i in items] == [
        ("epds", "adult:20", "overdue"), ("bayley4", "child:10", "due")]
    done = [due.Done(1, "bayley3", "child:10", date(2025, 9, 5))]  # another Bayley version counts
    items = due.due_assessments([stay], rules, done, today=date(2026, 1, 5))
    assert [(i.instrument, i.status) for i in items] == [("epds", "overdue"), ("bayley4", "due")]
    assert items[1].window_start == date(2026, 1, 1)


def test_due_list_of_a_parent_baby_unit(facility_a, users_a):
    stay = factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    mother = factories.adult(family=stay.child.family)
    adm.presence_add(user=None, stay=stay, adult=mother, start=date(2025, 9, 10))
    from assessments.selectors import due_for

    rows = due_for(user=users_a["therapist"])
    assert {(r["item"].instrument, r["item"].status) for r in rows} >= {("bayley4", "overdue"), ("epds", "overdue")}
    assert any(r["subject"] == mother for r in rows)
