"""A user of facility A can neither see nor reach facility B's records, in lists or details."""

import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def two_units(facility_a, facility_b):
    fam_a = factories.family(facility=facility_a, reference="FAM-A-001")
    stay_a = factories.stay(facility=facility_a, child=factories.child(family=fam_a))
    fam_b = factories.family(facility=facility_b, reference="FAM-B-001")
    stay_b = factories.stay(facility=facility_b, child=factories.child(family=fam_b))
    return stay_a, stay_b


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admissions", "therapist", "manager", "admin"])
def test_lists_show_only_own_facility(login, users_a, two_units, role):
    client = login(users_a[role])
    page = client.get(reverse("admissions:index")).content.decode()
    assert "FAM-A-001" in page
    assert "FAM-B-001" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admissions", "therapist", "manager", "admin"])
def test_details_of_another_facility_are_not_found(login, users_a, two_units, role):
    stay_a, stay_b = two_units
    client = login(users_a[role])
    assert client.get(reverse("admissions:stay_detail", args=[stay_a.pk])).status_code == 200
    assert client.get(reverse("admissions:family_detail", args=[stay_a.child.family_id])).status_code == 200
    assert client.get(reverse("admissions:stay_detail", args=[stay_b.pk])).status_code == 404
    assert client.get(reverse("admissions:family_detail", args=[stay_b.child.family_id])).status_code == 404
    history = reverse("record_history", args=["admissions", "stay", stay_b.pk])
    assert client.get(history).status_code == 404


@pytest.mark.django_db
def test_reporting_officer_cannot_open_named_records(login, users_a, two_units):
    stay_a, _ = two_units
    client = login(users_a["reporting"])
    assert client.get(reverse("admissions:index")).status_code == 403
    assert client.get(reverse("admissions:stay_detail", args=[stay_a.pk])).status_code == 404
    assert client.get(reverse("dashboards:index")).status_code == 200


@pytest.mark.django_db
def test_therapist_cannot_open_dashboards(login, users_a):
    assert login(users_a["therapist"]).get(reverse("dashboards:index")).status_code == 403


@pytest.mark.django_db
def test_home_lists_only_the_users_facilities(login, users_a, facility_b):
    page = login(users_a["therapist"]).get(reverse("home")).content.decode()
    assert users_a["therapist"].memberships.get().facility.name in page
    assert facility_b.name not in page
