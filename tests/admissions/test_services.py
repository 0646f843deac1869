"""Rules that bad input meets: each refused with a French message, nothing saved."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from admissions import services
from admissions.models import AdmissionRequest, Child, Diagnosis, PresencePeriod, Stay
from tests import factories

pytestmark = pytest.mark.django_db
TOMORROW = timezone.localdate() + timedelta(days=1)


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_birth_date_in_the_future_is_refused(facility_a):
    fam = factories.family(facility=facility_a)
    with pytest.raises(ValidationError) as error:
        factories.child(family=fam, birth_date=TOMORROW)
    assert "ne peut pas être dans le futur" in _messages(error.value)
    assert not Child.objects.exists()


def test_admission_before_birth_is_refused(facility_a):
    fam = factories.family(facility=facility_a)
    child = factories.child(family=fam, birth_date=date(2025, 9, 1))
    req = factories.accepted_request(facility=facility_a, family=fam, children=[child], received_on=date(2025, 9, 1))
    with pytest.raises(ValidationError) as error:
        services.stay_admit(user=None, facility=facility_a, child=child, request=req, admitted_on=date(2025, 8, 1),
                            residence_before="hospital")
    assert "précéder la naissance" in _messages(error.value)
    assert not Stay.objects.exists()


def test_discharge_before_admission_is_refused(facility_a):
    stay = factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    with pytest.raises(ValidationError) as error:
        services.stay_discharge(user=None, stay=stay, discharged_on=date(2025, 9, 9), discharge_kind="planned",
                                residence_after="home_with_parent")
    assert "précéder l'admission" in _messages(error.value)
    stay.refresh_from_db()
    assert stay.discharged_on is None


def test_discharge_needs_the_residence_after(facility_a):
    stay = factories.stay(facility=facility_a)
    with pytest.raises(ValidationError) as error:
        services.stay_discharge(user=None, stay=stay, discharged_on=date(2025, 10, 1), discharge_kind="planned",
                                residence_after="")
    assert "lieu de vie après" in _messages(error.value)


@pytest.mark.parametrize("event", ["meeting", "intervention", "signalement", "diagnosis", "presence"])
def test_event_dates_in_the_future_are_refused(facility_a, event):
    stay = factories.stay(facility=facility_a)
    mother = factories.adult(family=stay.child.family)
    calls = {
        "meeting": lambda: services.meeting_add(user=None, stay=stay, held_on=TOMORROW, participants="équipe"),
        "intervention": lambda: services.intervention_add(user=None, facility=facility_a, family=stay.child.family,
                                                          stay=stay, kind="home_visit", done_on=TOMORROW),
        "signalement": lambda: services.signalement_add(user=None, facility=facility_a, family=stay.child.family,
                                                        stay=stay, made_on=TOMORROW, addressee="SAJ"),
        "diagnosis": lambda: services.diagnosis_add(user=None, stay=stay, child=stay.child, timepoint="entry",
                                                    classification="icd11", code="6B44", made_on=TOMORROW),
        "presence": lambda: services.presence_add(user=None, stay=stay, adult=mother, start=TOMORROW),
    }
    with pytest.raises(ValidationError) as error:
        calls[event]()
    assert "futur" in _messages(error.value)
    assert stay.meetings.count() + stay.interventions.count() + stay.signalements.count() == 0
    assert not Diagnosis.objects.exists() and not PresencePeriod.objects.exists()


def test_second_active_residential_stay_is_refused(facility_a, facility_b):
    stay = factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    child = stay.child
    factories.sharing_consent(family=child.family)
    req = factories.accepted_request(facility=facility_b, family=child.family, children=[child])
    with pytest.raises(ValidationError) as error:
        services.stay_admit(user=None, facility=facility_b, child=child, request=req, admitted_on=date(2025, 10, 1),
                            residence_before="residential_institution")
    assert "déjà un séjour résidentiel" in _messages(error.value)
    assert Stay.objects.count() == 1


def test_home_support_alongside_a_residential_stay_is_allowed(facility_a):
    home = factories.facility(kind="home_support", code="ads")
    stay = factories.stay(facility=facility_a)
    factories.sharing_consent(family=stay.child.family)
    req = factories.accepted_request(facility=home, family=stay.child.family, children=[stay.child])
    services.stay_admit(user=None, facility=home, child=stay.child, request=req, admitted_on=date(2025, 10, 1),
                        residence_before="family_home")
    assert Stay.objects.count() == 2


def test_presence_outside_the_stay_is_refused(facility_a):
    stay = factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    mother = factories.adult(family=stay.child.family)
    with pytest.raises(ValidationError) as error:
        services.presence_add(user=None, stay=stay, adult=mother, start=date(2025, 9, 1))
    assert "comprise dans le séjour" in _messages(error.value)
    services.stay_discharge(user=None, stay=stay, discharged_on=date(2025, 10, 1), discharge_kind="planned",
                            residence_after="home_with_parent")
    with pytest.raises(ValidationError):
        services.presence_add(user=None, stay=stay, adult=mother, start=date(2025, 9, 20), end=date(2025, 10, 5))
    assert not PresencePeriod.objects.exists()


def test_overlapping_presence_of_the_same_adult_is_refused(facility_a):
    stay = factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    mother = factories.adult(family=stay.child.family)
    services.presence_add(user=None, stay=stay, adult=mother, start=date(2025, 9, 10), end=date(2025, 9, 30))
    with pytest.raises(ValidationError) as error:
        services.presence_add(user=None, stay=stay, adult=mother, start=date(2025, 9, 30))
    assert "chevauche" in _messages(error.value)
    services.presence_add(user=None, stay=stay, adult=mother, start=date(2025, 10, 1))
    assert PresencePeriod.objects.count() == 2


def test_ending_a_presence_keeps_it_inside_the_stay_and_apart_from_the_others(facility_a):
    stay = factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    mother = factories.adult(family=stay.child.family)
    early = services.presence_add(user=None, stay=stay, adult=mother, start=date(2025, 9, 10),
                                  end=date(2025, 9, 20))
    services.presence_add(user=None, stay=stay, adult=mother, start=date(2025, 9, 25), end=date(2025, 9, 30))
    with pytest.raises(ValidationError) as error:  # stretched over the next period of the same mother
        services.presence_end(user=None, period=early, end=date(2025, 9, 27))
    assert "chevauche" in _messages(error.value)
    services.stay_discharge(user=None, stay=stay, discharged_on=date(2025, 10, 1), discharge_kind="planned",
                            residence_after="home_with_parent")
    late = PresencePeriod.objects.get(stay=stay, start=date(2025, 9, 25))
    with pytest.raises(ValidationError) as error:  # after the discharge
        services.presence_end(user=None, period=late, end=date(2025, 10, 5))
    assert "comprise dans le séjour" in _messages(error.value)
    assert [p.end for p in PresencePeriod.objects.order_by("start")] == [date(2025, 9, 20), date(2025, 9, 30)]
    services.presence_end(user=None, period=early, end=date(2025, 9, 24))  # up to the day before: allowed
    early.refresh_from_db()
    assert early.end == date(2025, 9, 24)


def test_edits_keep_the_rules_of_the_admission(facility_a):
    stay = factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    child = stay.child
    with pytest.raises(ValidationError) as error:
        services.child_update(user=None, child=child, birth_date=date(2025, 9, 11),
                               expected_version=child.version, reason="correction")
    assert "L'admission ne peut précéder la naissance de l'enfant." in _messages(error.value)
    with pytest.raises(ValidationError) as error:
        services.stay_update(user=None, stay=stay, planned_end_on=date(2025, 9, 1),
                               expected_version=stay.version, reason="correction")
    assert "La fin prévue ne peut précéder l'admission." in _messages(error.value)
    child.refresh_from_db()
    stay.refresh_from_db()
    assert (child.birth_date <= stay.admitted_on, stay.planned_end_on) == (True, None)
    services.child_update(user=None, child=child, birth_date=date(2025, 9, 10),
                           expected_version=child.version, reason="correction")  # born the day of admission


def test_adult_of_another_family_cannot_be_present(facility_a):
    stay = factories.stay(facility=facility_a)
    stranger = factories.adult(family=factories.family(facility=facility_a))
    with pytest.raises(ValidationError):
        services.presence_add(user=None, stay=stay, adult=stranger, start=stay.admitted_on)
    assert not PresencePeriod.objects.exists()


def test_refusal_without_reason_is_refused(facility_a):
    fam = factories.family(facility=facility_a)
    req = factories.request(facility=facility_a, family=fam, children=[factories.child(family=fam)])
    with pytest.raises(ValidationError) as error:
        services.request_decide(user=None, request=req, decision="refused", decided_on=date(2025, 9, 2))
    assert "Un refus doit avoir un motif" in _messages(error.value)
    req.refresh_from_db()
    assert req.decision == ""


def test_accepting_against_the_verdict_needs_a_written_reason(facility_a):
    fam = factories.family(facility=facility_a)
    req = factories.request(facility=facility_a, family=fam, children=[factories.child(family=fam)])
    assert req.eligibility_verdict == "incomplete"
    with pytest.raises(ValidationError) as error:
        services.request_decide(user=None, request=req, decision="accepted", decided_on=date(2025, 9, 2))
    assert "encontre du verdict" in _messages(error.value)
    services.request_decide(user=None, request=req, decision="accepted", decided_on=date(2025, 9, 2),
                            override_reason="Mutuelle en cours de régularisation")
    req.refresh_from_db()
    assert req.verdict_override_reason == "Mutuelle en cours de régularisation"
    assert "Mutuelle en cours" in req.history.first().history_change_reason


def test_eligibility_check_stores_the_verdict_with_the_request(facility_a):
    fam = factories.family(facility=facility_a)
    req = factories.request(facility=facility_a, family=fam, children=[factories.child(family=fam)])
    answers = {c.code: "met" for c in facility_a.criteria.filter(rule="manual")}
    answers["no_parental_addiction"] = "not_met"
    services.request_check_eligibility(user=None, request=req, answers=answers)
    req.refresh_from_db()
    assert req.eligibility_verdict == "not_eligible"
    assert req.eligibility_details["failing"] == ["no_parental_addiction"]


def test_admission_needs_an_accepted_request_unless_overridden(facility_a):
    fam = factories.family(facility=facility_a)
    child = factories.child(family=fam)
    req = factories.request(facility=facility_a, family=fam, children=[child])
    with pytest.raises(ValidationError) as error:
        services.stay_admit(user=None, facility=facility_a, child=child, request=req, admitted_on=date(2025, 9, 10),
                            residence_before="hospital")
    assert "pas acceptée" in _messages(error.value)
    assert not Stay.objects.exists()
    stay = services.stay_admit(user=None, facility=facility_a, child=child, request=req,
                               admitted_on=date(2025, 9, 10), residence_before="hospital",
                               override_reason="Urgence : placement ordonné par le juge")
    assert stay.admission_override_reason.startswith("Urgence")


def test_admission_to_a_full_unit_is_refused_and_offers_the_waiting_list(facility_a):
    small = factories.facility(code="upb-2places", capacity=2)
    factories.stay(facility=small, admitted_on=date(2025, 9, 10))
    factories.stay(facility=small, admitted_on=date(2025, 9, 12))
    fam = factories.family(facility=small)
    child = factories.child(family=fam)
    req = factories.accepted_request(facility=small, family=fam, children=[child])
    with pytest.raises(services.CapacityError) as error:
        services.stay_admit(user=None, facility=small, child=child, request=req, admitted_on=date(2025, 9, 15),
                            residence_before="hospital")
    assert "complète" in _messages(error.value) and "liste d'attente" in _messages(error.value)
    assert Stay.objects.filter(facility=small).count() == 2


def test_a_backdated_admission_cannot_overbook_a_later_day(facility_a):
    small = factories.facility(code="upb-1place", capacity=1)
    factories.stay(facility=small, admitted_on=date(2025, 10, 1))
    fam = factories.family(facility=small)
    child = factories.child(family=fam)
    req = factories.accepted_request(facility=small, family=fam, children=[child])
    # Free on 15 September, but the open stay would overlap the one admitted on 1 October.
    with pytest.raises(services.CapacityError):
        services.stay_admit(user=None, facility=small, child=child, request=req, admitted_on=date(2025, 9, 15),
                            residence_before="hospital")
    # A past stay that ended before the other admission fits, and is stored with its discharge.
    stay = services.stay_admit(user=None, facility=small, child=child, request=req, admitted_on=date(2025, 9, 15),
                               discharged_on=date(2025, 10, 1), discharge_kind="planned",
                               residence_after="home_with_parent", residence_before="hospital")
    stay.refresh_from_db()
    assert (stay.discharged_on, stay.discharge_kind) == (date(2025, 10, 1), "planned")


def test_a_place_freed_by_a_discharge_can_be_taken_the_same_day(facility_a):
    small = factories.facility(code="upb-turnover", capacity=1)
    first = factories.stay(facility=small, admitted_on=date(2025, 9, 10))
    services.stay_discharge(user=None, stay=first, discharged_on=date(2025, 10, 1), discharge_kind="planned",
                            residence_after="home_with_parent")
    factories.stay(facility=small, admitted_on=date(2025, 10, 1))
    assert Stay.objects.filter(facility=small).count() == 2


def test_discharge_closes_open_presence_periods(facility_a):
    stay = factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    mother = factories.adult(family=stay.child.family)
    period = services.presence_add(user=None, stay=stay, adult=mother, start=date(2025, 9, 10))
    services.stay_discharge(user=None, stay=stay, discharged_on=date(2025, 11, 1), discharge_kind="planned",
                            residence_after="home_with_parent")
    period.refresh_from_db()
    assert period.end == date(2025, 11, 1)
    assert period.history.first().history_change_reason == "Fin de présence avec la sortie"


def test_a_new_primary_diagnosis_replaces_the_previous_one(facility_a):
    stay = factories.stay(facility=facility_a)
    first = services.diagnosis_add(user=None, stay=stay, child=stay.child, timepoint="entry",
                                   classification="icd11", code="6B44", primary=True)
    services.diagnosis_add(user=None, stay=stay, child=stay.child, timepoint="entry", classification="icd11",
                           code="6B45", primary=True)
    first.refresh_from_db()
    assert not first.primary
    assert Diagnosis.objects.filter(primary=True).get().code == "6B45"


def test_request_needs_children_or_a_due_date(facility_a):
    fam = factories.family(facility=facility_a)
    with pytest.raises(ValidationError) as error:
        factories.request(facility=facility_a, family=fam)
    assert "date prévue d'accouchement" in _messages(error.value)
    assert not AdmissionRequest.objects.exists()


def test_a_child_born_after_a_prenatal_request_is_linked_in_the_requests_history(facility_a):
    clinician = factories.user(role="admissions", facility=facility_a)
    fam = factories.family(facility=facility_a)
    request = factories.request(facility=facility_a, family=fam, expected_due_date=date(2025, 9, 1),
                                received_on=date(2025, 7, 1), by=clinician)
    services.request_decide(user=clinician, request=request, decision="accepted", decided_on=date(2025, 7, 2),
                            override_reason="test")
    baby = factories.child(family=fam, birth_date=date(2025, 8, 28))
    services.stay_admit(user=clinician, facility=facility_a, child=baby, request=request,
                        admitted_on=date(2025, 9, 2), residence_before="hospital")
    assert list(request.children.all()) == [baby]
    latest = request.history.latest()
    assert latest.history_user == clinician
    assert latest.history_change_reason == f"Enfant né depuis rattaché à la demande (enfant n° {baby.pk})"
