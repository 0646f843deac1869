"""A dossier shared by several facilities: a partner neither rewrites its identity nor hides it (issue 11, #4)."""

import html
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from admissions import services
from admissions.models import Family
from tests import factories
from unit import history as unit_history
from unit import services as unit_services

pytestmark = pytest.mark.django_db

RESTORED = "Saisie rétablie"


@pytest.fixture
def shared(facility_a, facility_b, users_a, users_b):
    """A's dossier (a child with a stay at A, a mother) that also sent a request to B."""
    family = factories.family(facility=facility_a, reference="FAM-A-001", by=users_a["admissions"])
    child = factories.child(family=family, by=users_a["admissions"])
    mother = factories.adult(family=family, by=users_a["admissions"])
    stay = factories.stay(facility=facility_a, child=child, by=users_a["admissions"])
    factories.sharing_consent(family=family)
    request_b = factories.request(facility=facility_b, family=family, children=[child], by=users_b["admissions"],
                                  received_on=date(2025, 10, 1))
    return family, child, mother, stay, request_b


def _child_post(child, **changes):
    data = {"first_name": child.first_name, "last_name": child.last_name, "sex": child.sex,
            "birth_date": child.birth_date.isoformat(), "gestational_weeks": "", "gestational_days": "",
            "birth_weight_g": "", "version": child.version}
    return data | changes


def _mark(client, obj, reason="Dossier saisi par erreur"):
    url = reverse("record_mark_in_error", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])
    return client.post(url, {"reason": reason, "next": "/"})


# ---------------------------------------------------------------- identity


def test_a_partner_facility_cannot_rename_the_child_of_another_facilitys_dossier(login, shared, users_b):
    _family, child, _mother, _stay, _request = shared
    client = login(users_b["admissions"])
    url = reverse("admissions:child_edit", args=[child.pk])
    client.post(url, _child_post(child, first_name="Renommée", birth_date="2025-03-02"))
    child.refresh_from_db()
    assert (child.first_name, child.birth_date) == ("Alice", date(2025, 3, 1))
    # The form says why the identity is read-only there.
    assert "Seule la structure qui a ouvert le dossier" in html.unescape(client.get(url).content.decode())


@pytest.mark.parametrize("field, value", [("first_name", "X"), ("last_name", "X"), ("sex", "M"),
                                          ("birth_date", date(2025, 3, 2))])
def test_the_service_refuses_identity_changes_from_a_partner(shared, users_b, field, value):
    _family, child, _mother, _stay, _request = shared
    with pytest.raises(ValidationError, match="Seule la structure qui a ouvert le dossier"):
        services.child_update(user=users_b["admissions"], child=child, **{field: value},
                               expected_version=child.version, reason="test")
    child.refresh_from_db()
    assert getattr(child, field) != value


def test_the_family_reference_and_the_adults_names_are_identity_too(shared, users_b):
    family, _child, mother, _stay, _request = shared
    with pytest.raises(ValidationError):
        services.family_update(user=users_b["admissions"], family=family, reference="AUTRE",
                               expected_version=family.version, reason="test")
    with pytest.raises(ValidationError):
        services.adult_update(user=users_b["admissions"], adult=mother, last_name="Autre",
                               expected_version=mother.version, reason="test")


def test_a_partner_still_updates_what_is_not_identity(login, shared, users_b):
    _family, _child, mother, _stay, _request = shared
    services.adult_update(user=users_b["admissions"], adult=mother, region="BE-WLG",
                           expected_version=mother.version, reason="Déménagement")
    mother.refresh_from_db()
    assert mother.region == "BE-WLG"
    assert mother.history.first().history_user == users_b["admissions"]


def test_the_opening_facility_corrects_the_identity(login, shared, users_a):
    _family, child, _mother, _stay, _request = shared
    response = login(users_a["admissions"]).post(reverse("admissions:child_edit", args=[child.pk]),
                                                 _child_post(child, first_name="Alicia"))
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.first_name == "Alicia"


def test_the_partners_form_shows_identity_fields_read_only(login, shared, users_a, users_b):
    _family, child, _mother, _stay, _request = shared
    url = reverse("admissions:child_edit", args=[child.pk])
    partner = login(users_b["admissions"]).get(url).content.decode()
    assert 'name="first_name"' in partner and partner.count("disabled") >= 4
    assert "disabled" not in login(users_a["admissions"]).get(url).content.decode()


# ---------------------------------------------------------------- entered in error


def test_a_partner_facility_cannot_mark_the_shared_dossier_in_error(login, shared, users_b):
    family, child, mother, _stay, _request = shared
    client = login(users_b["admissions"])
    for obj in (family, child, mother):
        _mark(client, obj)
        obj.refresh_from_db()
        assert not obj.entered_in_error, obj
    assert login(users_b["admissions"]).get(reverse("admissions:family_detail", args=[family.pk])).status_code == 200


def test_the_opening_facility_alone_cannot_mark_a_dossier_another_facility_holds(login, shared, users_a):
    family, _child, _mother, _stay, _request = shared
    response = _mark(login(users_a["admissions"]), family)
    assert response.status_code == 302
    family.refresh_from_db()
    assert not family.entered_in_error


def test_the_service_itself_refuses_to_hide_a_dossier_another_facility_holds(shared, users_a, users_b):
    """The rule lives in unit.history, not in the page: a direct call is refused the same way."""
    family, child, _mother, _stay, _request = shared
    with pytest.raises(ValidationError, match="D'autres structures suivent aussi ce dossier"):
        unit_history.record_mark_in_error(user=users_a["admissions"], obj=family, reason="Saisi par erreur : x")
    with pytest.raises(PermissionDenied):
        unit_history.record_mark_in_error(user=users_b["therapist"], obj=child, reason="Saisi par erreur : x")
    family.refresh_from_db()
    child.refresh_from_db()
    assert not family.entered_in_error and not child.entered_in_error


def test_the_service_itself_lets_only_an_administrator_restore(facility_a, users_a):
    family = factories.family(facility=facility_a, reference="FAM-A-REST", by=users_a["admissions"])
    unit_history.record_mark_in_error(user=users_a["admissions"], obj=family, reason="Saisi par erreur : doublon")
    with pytest.raises(PermissionDenied):
        unit_history.record_restore(user=users_a["admissions"], obj=family, reason="Pas une erreur")
    family.refresh_from_db()
    assert family.entered_in_error
    unit_history.record_restore(user=users_a["admin"], obj=family, reason="Pas une erreur")
    family.refresh_from_db()
    assert not family.entered_in_error


def test_rights_in_every_holding_facility_mark_it(login, shared, users_a, facility_b):
    family, _child, _mother, _stay, _request = shared
    clinician = users_a["admissions"]
    unit_services.membership_grant(user=None, member=clinician, facility=facility_b, role="admissions")
    _mark(login(clinician), family)
    family.refresh_from_db()
    assert family.entered_in_error


def test_a_partner_marks_its_own_request(login, shared, users_b):
    _family, _child, _mother, _stay, request_b = shared
    _mark(login(users_b["admissions"]), request_b)
    request_b.refresh_from_db()
    assert request_b.entered_in_error


def test_once_the_partners_request_is_in_error_the_opening_facility_holds_the_dossier_alone(
        login, shared, users_a, users_b):
    family, _child, _mother, _stay, request_b = shared
    _mark(login(users_b["admissions"]), request_b)
    _mark(login(users_a["admissions"]), family)
    family.refresh_from_db()
    assert family.entered_in_error


# ---------------------------------------------------------------- undoing a mark


@pytest.fixture
def facility_c_admin():
    return factories.user(role="admin", facility=factories.facility(code="upb-c"), username="admin_c")


def _restore(client, obj, reason="Marqué par erreur"):
    url = reverse("record_restore", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])
    return client.post(url, {"reason": reason})


def test_an_administrator_restores_a_record_marked_in_error(login, facility_a, users_a):
    family = factories.family(facility=facility_a)
    unit_history.record_mark_in_error(user=users_a["admissions"], obj=family, reason="Saisi par erreur : doublon")
    client = login(users_a["admin"])
    history = reverse("record_history", args=["admissions", "family", family.pk])
    page = html.unescape(client.get(history).content.decode())
    assert "saisi par erreur" in page.lower() and reverse("record_restore", args=["admissions", "family",
                                                                                    family.pk]) in page
    response = _restore(client, family, "Ce n'était pas un doublon")
    assert response.status_code == 302 and response["Location"] == history
    family.refresh_from_db()
    assert not family.entered_in_error
    last = family.history.first()
    assert last.history_user == users_a["admin"]
    assert last.history_change_reason == f"{RESTORED} : Ce n'était pas un doublon"
    assert Family.objects.filter(pk=family.pk, entered_in_error=False).exists()


def test_restoring_needs_a_reason_an_administrator_and_the_facility(login, facility_a, users_a, users_b):
    stay = factories.stay(facility=facility_a)
    unit_history.record_mark_in_error(user=None, obj=stay, reason="x")
    assert _restore(login(users_a["admin"]), stay, reason=" ").status_code == 302
    stay.refresh_from_db()
    assert stay.entered_in_error
    for role in ("admissions", "therapist", "manager", "reporting"):
        assert _restore(login(users_a[role]), stay).status_code in (403, 404), role
    assert _restore(login(users_b["admin"]), stay).status_code == 404
    stay.refresh_from_db()
    assert stay.entered_in_error
    # The restore button is for administrators only.
    history = reverse("record_history", args=["admissions", "stay", stay.pk])
    assert reverse("record_restore", args=["admissions", "stay", stay.pk]) not in \
        login(users_a["admissions"]).get(history).content.decode()


def test_a_record_not_in_error_is_not_restored(login, facility_a, users_a):
    stay = factories.stay(facility=facility_a)
    versions = stay.history.count()
    assert _restore(login(users_a["admin"]), stay).status_code == 404
    assert stay.history.count() == versions


def test_the_opening_facility_restores_what_a_partner_hid(login, shared, users_a, facility_c_admin):
    family, *_ = shared
    # Before the rule, a partner's admissions user could hide the dossier: its administrator brings it back.
    unit_history.record_mark_in_error(user=None, obj=family, reason="Saisi par erreur : caché par un partenaire")
    assert login(users_a["admissions"]).get(reverse("admissions:family_detail", args=[family.pk])).status_code == 404
    history = reverse("record_history", args=["admissions", "family", family.pk])
    # The administrator finds it in the list of records in error; an administrator elsewhere does not.
    assert history in login(users_a["admin"]).get(reverse("records_in_error")).content.decode()
    assert history not in login(facility_c_admin).get(reverse("records_in_error")).content.decode()
    _restore(login(users_a["admin"]), family)
    assert login(users_a["admissions"]).get(reverse("admissions:family_detail", args=[family.pk])).status_code == 200
