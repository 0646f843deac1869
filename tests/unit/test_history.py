"""A change made through a service appears in the history with its user and its reason."""

from datetime import date

import pytest
from django.urls import reverse

from admissions import services
from tests import factories
from unit.history import ConflictError


@pytest.mark.django_db
def test_service_change_is_in_the_history_page_with_user_and_reason(login, facility_a, users_a):
    clinician = users_a["admissions"]
    stay = factories.stay(facility=facility_a, by=clinician)
    services.stay_discharge(user=clinician, stay=stay, discharged_on=date(2025, 10, 1), discharge_kind="planned",
                            residence_after="home_with_parent", reason="Fin du projet de soin")
    record = stay.history.order_by("-history_id").first()
    assert record.history_user == clinician
    assert record.history_change_reason == "Fin du projet de soin"

    page = login(clinician).get(reverse("record_history", args=["admissions", "stay", stay.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Fin du projet de soin" in html
    assert clinician.username in html
    assert "01/10/2025" in html  # the new discharge date, field by field


@pytest.mark.django_db
def test_every_write_needs_a_reason(facility_a):
    fam = factories.family(facility=facility_a)
    with pytest.raises(ValueError):
        services.family_update(user=None, family=fam, notes="x", expected_version=fam.version, reason=" ")


@pytest.mark.django_db
def test_saving_over_a_newer_version_is_a_conflict(facility_a):
    fam = factories.family(facility=facility_a)
    read_version = fam.version
    services.family_update(user=None, family=fam, notes="first", expected_version=read_version,
                           reason="edit 1")
    stale = type(fam).objects.get(pk=fam.pk)
    with pytest.raises(ConflictError):
        services.family_update(user=None, family=stale, notes="second", expected_version=read_version,
                               reason="edit 2")
    fam.refresh_from_db()
    assert fam.notes == "first"


@pytest.mark.django_db
def test_clinical_records_are_never_deleted(facility_a):
    fam = factories.family(facility=facility_a)
    with pytest.raises(PermissionError):
        fam.delete()


@pytest.mark.django_db
def test_shared_records_have_a_history_page_for_administrators_only(login, facility_a, users_a):
    from admissions.services import referrer_organisation_get_or_create
    from dashboards.models import FunderProfile
    from unit.history import record_save

    referrer = referrer_organisation_get_or_create(user=users_a["admissions"], name="Maternité du Parc",
                                                   category="hospital_maternity")
    funder = record_save(FunderProfile(name="ONE"), user=users_a["admin"], reason="Nouveau financeur")
    pages = [reverse("record_history", args=["admissions", "referrerorganisation", referrer.pk]),
             reverse("record_history", args=["dashboards", "funderprofile", funder.pk])]
    for url in pages:
        assert login(users_a["admin"]).get(url).status_code == 200, url
        for role in ("admissions", "therapist", "manager", "reporting"):
            assert login(users_a[role]).get(url).status_code == 404, (url, role)
    html = login(users_a["admin"]).get(pages[1]).content.decode()
    assert "Nouveau financeur" in html
    assert funder.pseudonym_secret not in html  # the funder's key is never shown

