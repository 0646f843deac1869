"""Nothing clinical is deleted: a record entered in error is marked, kept in the history, left out of reports."""

from datetime import date

import pytest
from django.urls import reverse

from admissions.models import Family, Stay
from dashboards import engine
from tests import factories

pytestmark = pytest.mark.django_db


def _url(stay):
    return reverse("record_mark_in_error", args=["admissions", "stay", stay.pk])


def test_marking_a_stay_keeps_it_in_history_and_out_of_reports(login, facility_a, users_a):
    stay = factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    period = engine.Period(date(2025, 1, 1), date(2025, 12, 31))
    assert engine.build([facility_a], period).indicators["stays_active"] == 1
    response = login(users_a["admissions"]).post(_url(stay), {"reason": "Doublon de saisie", "next": "/"})
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.entered_in_error
    assert "Doublon de saisie" in stay.history.first().history_change_reason
    assert engine.build([facility_a], period).indicators["stays_active"] == 0
    assert login(users_a["admissions"]).get(reverse("admissions:stay_detail", args=[stay.pk])).status_code == 404


def test_marking_needs_a_reason_and_the_right_role_and_facility(login, facility_a, users_a, users_b):
    stay = factories.stay(facility=facility_a)
    assert login(users_a["admissions"]).post(_url(stay), {"reason": ""}).status_code == 302
    stay.refresh_from_db()
    assert not stay.entered_in_error
    assert login(users_a["therapist"]).post(_url(stay), {"reason": "x"}).status_code == 403
    assert login(users_b["admissions"]).post(_url(stay), {"reason": "x"}).status_code == 404
    stay.refresh_from_db()
    assert not stay.entered_in_error


def test_a_foreign_next_url_is_not_followed(login, facility_a, users_a):
    stay = factories.stay(facility=facility_a)
    response = login(users_a["admissions"]).post(_url(stay), {"reason": "x", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_no_delete_through_the_orm_or_the_admin(client, facility_a):
    fam = factories.family(facility=facility_a)
    with pytest.raises(PermissionError):
        Family.objects.filter(pk=fam.pk).delete()
    with pytest.raises(PermissionError):
        Stay.objects.all().delete()
    admin = factories.user(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    for url in ("/admin/unit/facility/", "/admin/admissions/referrerorganisation/"):
        page = client.get(url).content.decode()
        assert "delete_selected" not in page
    assert client.get(f"/admin/unit/facility/{facility_a.pk}/delete/").status_code in (302, 403)
