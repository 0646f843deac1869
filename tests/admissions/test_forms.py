"""Forms posted through the pages: what the clinician types reaches the services, errors keep the input."""

from datetime import date

import pytest
from django.urls import reverse

from admissions import services
from admissions.models import Diagnosis, Family, Stay
from tests import factories

pytestmark = pytest.mark.django_db


def test_family_child_adult_request_created_through_the_pages(login, facility_a, users_a):
    client = login(users_a["admissions"])
    response = client.post(reverse("admissions:family_create"),
                           {"facility": facility_a.pk, "reference": "UPB-2026-042", "notes": ""})
    family = Family.objects.get(reference="UPB-2026-042")
    assert response.status_code == 302
    client.post(reverse("admissions:child_add", args=[family.pk]), {
        "first_name": "Léa", "last_name": "X", "sex": "F", "birth_date": "2026-05-02",
        "gestational_weeks": "32", "gestational_days": "3", "birth_weight_g": "1650"})
    client.post(reverse("admissions:adult_add", args=[family.pk]), {
        "role": "mother", "first_name": "Nadia", "last_name": "X", "birth_date": "1998-01-01",
        "nationality": "ma", "region": "BE-BRU"})
    child = family.children.get()
    assert (child.gestational_weeks, child.gestational_days, child.birth_weight_g) == (32, 3, 1650)
    assert family.adults.get().nationality == "MA"
    response = client.post(reverse("admissions:request_create", args=[family.pk]), {
        "facility": facility_a.pk, "received_on": "2026-10-01", "requester": "professional",
        "referrer_category": "hospital_maternity", "referrer_name": "CHU Saint-Pierre", "referrer_contact": "",
        "reason": "parent_infant_relationship", "mandate": "none", "children": [child.pk]})
    req = family.requests.get()
    assert response.status_code == 302
    assert req.referrer_organisation.name == "CHU Saint-Pierre"
    assert req.eligibility_verdict == "incomplete"
    assert req.history.first().history_user == users_a["admissions"]


def test_a_refused_form_keeps_what_was_typed_and_says_why_in_french(login, facility_a, users_a):
    family = factories.family(facility=facility_a)
    response = login(users_a["admissions"]).post(reverse("admissions:child_add", args=[family.pk]), {
        "first_name": "Léa", "last_name": "Dupont", "sex": "F", "birth_date": "2999-01-01"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "La date de naissance ne peut pas être dans le futur." in html
    assert 'value="Dupont"' in html
    assert not family.children.exists()


def test_diagnosis_for_the_child_and_for_an_admitted_parent(login, facility_a, users_a):
    stay = factories.stay(facility=facility_a)
    mother = factories.adult(family=stay.child.family)
    services.presence_add(user=None, stay=stay, adult=mother, start=stay.admitted_on)
    client = login(users_a["therapist"])
    url = reverse("admissions:diagnosis_add", args=[stay.pk])
    page = client.get(url).content.decode()
    assert 'list="diagnosis-codes"' in page and 'value="6B44"' in page  # the shipped ICD-11 list
    client.post(url, {"subject": f"child:{stay.child_id}", "timepoint": "entry", "classification": "icd11",
                      "code": "6B44", "label": "", "primary": "on"})
    client.post(url, {"subject": f"adult:{mother.pk}", "timepoint": "entry", "classification": "icd11",
                      "code": "6A70", "label": "", "primary": "on"})
    child_dx, mother_dx = Diagnosis.objects.order_by("pk")
    assert (child_dx.child, child_dx.code, child_dx.primary) == (stay.child, "6B44", True)
    assert child_dx.label  # the title came from the loaded list
    assert (mother_dx.adult, mother_dx.code) == (mother, "6A70")


def test_diagnosis_form_refuses_a_subject_outside_the_stay(login, facility_a, users_a):
    stay = factories.stay(facility=facility_a)
    other = factories.stay(facility=facility_a)
    response = login(users_a["therapist"]).post(reverse("admissions:diagnosis_add", args=[stay.pk]), {
        "subject": f"child:{other.child_id}", "timepoint": "entry", "classification": "icd11", "code": "6B44"})
    assert response.status_code == 400
    assert not Diagnosis.objects.exists()


def test_editing_over_a_newer_version_shows_both_values_and_keeps_the_newer(login, facility_a, users_a):
    child = factories.child(family=factories.family(facility=facility_a), birth_weight_g=2000)
    client = login(users_a["admissions"])
    url = reverse("admissions:child_edit", args=[child.pk])
    read_version = child.version
    services.child_update(user=None, child=child, birth_weight_g=2400, expected_version=read_version,
                           reason="collègue")
    response = client.post(url, {"version": read_version, "first_name": "Alice", "last_name": "Test", "sex": "F",
                                 "birth_date": "2025-03-01", "birth_weight_g": "2100"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="conflict"' in html
    assert "2400" in html and "2100" in html
    child.refresh_from_db()
    assert child.birth_weight_g == 2400
    # Saving again, knowingly, over the version now shown succeeds.
    response = client.post(url, {"version": child.version, "first_name": "Alice", "last_name": "Test", "sex": "F",
                                 "birth_date": "2025-03-01", "birth_weight_g": "2100"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.birth_weight_g == 2100


def test_full_unit_message_offers_the_waiting_list(login, users_a):
    small = factories.facility(code="upb-mini", capacity=1)
    factories.stay(facility=small, admitted_on=date(2025, 9, 10))
    fam = factories.family(facility=small)
    child = factories.child(family=fam)
    req = factories.accepted_request(facility=small, family=fam, children=[child])
    user = factories.user(role="admissions", facility=small)
    response = login(user).post(reverse("admissions:request_admit", args=[req.pk]), {
        "children": [child.pk], "admitted_on": "2025-10-01", "residence_before": "hospital", "mandate": "none",
        "without_parent": "on"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="full"' in html and "liste d'attente" in html
    assert Stay.objects.filter(facility=small).count() == 1


def test_waiting_list_is_oldest_first_with_the_wait_in_days(login, facility_a, users_a):
    for received in (date(2025, 9, 5), date(2025, 8, 1)):
        fam = factories.family(facility=facility_a)
        req = factories.request(facility=facility_a, family=fam, children=[factories.child(family=fam)],
                                received_on=received)
        services.request_decide(user=None, request=req, decision="waiting_list", decided_on=received,
                                override_reason="en attente de place")
    html = login(users_a["admissions"]).get(reverse("admissions:waiting_list")).content.decode()
    assert html.index("01/08/2025") < html.index("05/09/2025")
    assert "data-testid=\"wait\"" in html


def test_siblings_are_admitted_together_or_not_at_all(login, users_a):
    unit = factories.facility(code="upb-fratrie", capacity=3)
    user = factories.user(role="admissions", facility=unit)
    fam = factories.family(facility=unit)
    twins = [factories.child(family=fam, birth_date=date(2025, 6, 1)) for _ in range(2)]
    req = factories.accepted_request(facility=unit, family=fam, children=twins)
    client = login(user)
    page = client.get(reverse("admissions:request_detail", args=[req.pk])).content.decode()
    assert page.count('name="children"') == 2 and page.count("checked") >= 2  # both ticked
    data = {"children": [c.pk for c in twins], "admitted_on": "2025-10-01", "residence_before": "hospital",
            "mandate": "none", "without_parent": "on"}

    factories.stay(facility=unit, admitted_on=date(2025, 9, 10))
    factories.stay(facility=unit, admitted_on=date(2025, 9, 10))
    response = client.post(reverse("admissions:request_admit", args=[req.pk]), data)
    assert response.status_code == 400  # one place left for two children: neither is admitted
    assert 'data-testid="full"' in response.content.decode()
    assert not Stay.objects.filter(child__in=twins).exists()

    last = Stay.objects.filter(facility=unit).latest("pk")
    services.stay_discharge(user=None, stay=last, discharged_on=date(2025, 9, 30), discharge_kind="planned",
                            residence_after="home_with_parent")
    response = client.post(reverse("admissions:request_admit", args=[req.pk]), data)
    assert response.status_code == 302
    stays = Stay.objects.filter(child__in=twins)
    assert sorted(s.child_id for s in stays) == sorted(c.pk for c in twins)
    assert {s.request_id for s in stays} == {req.pk}
    assert all(s.history.latest().history_user == user for s in stays)


def test_a_discharge_without_exit_diagnosis_asks_for_confirmation(login, users_a, facility_a):
    stay = factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    client = login(users_a["admissions"])
    data = {"version": stay.version, "discharged_on": "2025-10-01", "discharge_kind": "planned",
            "residence_after": "home_with_parent"}
    url = reverse("admissions:stay_discharge", args=[stay.pk])
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Aucun diagnostic de sortie n&#x27;est saisi" in response.content.decode()
    stay.refresh_from_db()
    assert stay.discharged_on is None  # nothing saved, the answers are kept in the form
    assert response.context["form"]["discharged_on"].value() == "2025-10-01"
    response = client.post(url, {**data, "confirm_without_exit_diagnosis": "on"})
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.discharged_on == date(2025, 10, 1)


def test_a_discharge_with_an_exit_diagnosis_needs_no_confirmation(login, users_a, facility_a):
    stay = factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    services.diagnosis_add(user=None, stay=stay, timepoint="exit", classification="icd11", code="6B40",
                           primary=True, child=stay.child)
    response = login(users_a["admissions"]).post(reverse("admissions:stay_discharge", args=[stay.pk]), {
        "version": stay.version, "discharged_on": "2025-10-01", "discharge_kind": "planned",
        "residence_after": "home_with_parent"})
    assert response.status_code == 302


def _create_family(client, facility, reference):
    return client.post(reverse("admissions:family_create"), {"facility": facility.pk, "reference": reference,
                                                              "notes": ""})


def test_a_reference_known_only_outside_the_users_facilities_answers_as_a_missing_one(
        login, facility_a, facility_b, users_b):
    factories.family(facility=facility_a, reference="UPB-2026-007")
    client = login(users_b["admissions"])
    unreachable = _create_family(client, facility_b, "upb-2026-007")
    missing = _create_family(client, facility_b, "UPB-2026-008")
    assert (unreachable.status_code, missing.status_code) == (302, 302)
    assert "existe déjà" not in unreachable.content.decode()
    created = Family.objects.get(facility=facility_b, reference="upb-2026-007")
    assert unreachable["Location"] == reverse("admissions:family_detail", args=[created.pk])


def test_a_reference_the_user_can_see_is_refused_as_a_duplicate(login, facility_a, facility_b, users_b):
    shared = factories.family(facility=facility_a, reference="UPB-2026-009")
    factories.sharing_consent(family=shared)
    factories.request(facility=facility_b, family=shared, expected_due_date=date(2026, 1, 1))
    factories.family(facility=facility_b, reference="UPB-2026-010")
    client = login(users_b["admissions"])
    for reference in ("UPB-2026-009", "upb-2026-010"):  # followed by B through a request; B's own
        response = _create_family(client, facility_b, reference)
        assert response.status_code == 400
        assert "Cette référence existe déjà." in response.content.decode()
    assert Family.objects.filter(reference__iexact="UPB-2026-010").count() == 1


def test_a_reference_is_unique_per_facility_in_the_database(facility_a):
    from django.core.exceptions import ValidationError

    services.family_create(user=None, facility=facility_a, reference="UPB-2026-011")
    with pytest.raises(ValidationError):
        services.family_create(user=None, facility=facility_a, reference="upb-2026-011")
