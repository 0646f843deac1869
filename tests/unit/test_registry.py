"""What an app registers (its apps.py) is what the foundation uses: nothing is known of it otherwise."""

from datetime import date

import pytest
from django.urls import reverse

from admissions import hooks
from assessments import selectors as assessment_selectors
from assessments import services as ass
from tests import factories
from unit import access, history
from unit.registry import Registry, registry


@pytest.fixture
def declared():
    """The registry as the apps filled it, put back after the test."""
    state = registry.snapshot()
    yield registry
    registry.restore(state)


def _forget_in_error(label):
    state = registry.snapshot()
    state["in_error"].pop(label)
    registry.restore(state)


def test_each_app_declares_its_records_from_its_apps_py():
    assert registry.error_permission("admissions.stay") == access.EDIT_ADMISSIONS
    assert registry.error_permission("admissions.diagnosis") == access.EDIT_CARE
    assert registry.error_permission("assessments.assessment") == access.EDIT_ASSESSMENTS
    assert registry.error_permission("dashboards.funderprofile") is None
    assert all(registry.is_shared(label) for label in ("unit.organisation", "admissions.diagnosiscode",
                                                       "admissions.referrerorganisation", "dashboards.funderprofile"))
    assert not registry.is_shared("admissions.family")
    assert all(registry.has_history_page(app) for app in ("unit", "admissions", "assessments", "dashboards"))
    assert registry.contributions(hooks.OPEN_ALERTS) == (assessment_selectors.alerts_open,)


def test_a_label_is_app_and_model_and_a_permission_is_declared_once():
    fresh = Registry()
    with pytest.raises(ValueError):
        fresh.shared_records("funderprofile")
    fresh.entered_in_error("Shop.Order", "edit")
    assert fresh.error_permission("shop.order") == "edit"
    with pytest.raises(ValueError):
        fresh.entered_in_error("shop.order", "other")


@pytest.mark.django_db
def test_a_model_not_registered_in_error_cannot_be_marked(declared, login, facility_a, users_a):
    stay = factories.stay(facility=facility_a)
    url = reverse("record_mark_in_error", args=["admissions", "stay", stay.pk])
    _forget_in_error("admissions.stay")
    assert login(users_a["admissions"]).post(url, {"reason": "Doublon", "next": "/"}).status_code == 404
    stay.refresh_from_db()
    assert not stay.entered_in_error


@pytest.mark.django_db
def test_the_registered_permission_is_the_one_that_marks(declared, login, facility_a, users_a):
    stay = factories.stay(facility=facility_a)
    url = reverse("record_mark_in_error", args=["admissions", "stay", stay.pk])
    assert login(users_a["therapist"]).post(url, {"reason": "Doublon"}).status_code == 403
    _forget_in_error("admissions.stay")
    declared.entered_in_error("admissions.stay", access.EDIT_CARE)  # the therapist's permission
    assert login(users_a["therapist"]).post(url, {"reason": "Doublon", "next": "/"}).status_code == 302
    stay.refresh_from_db()
    assert stay.entered_in_error


@pytest.mark.django_db
def test_the_history_page_and_the_restore_follow_the_registry(declared, login, facility_a, users_a):
    stay = factories.stay(facility=facility_a)
    history.record_mark_in_error(user=None, obj=stay, reason="Saisi par erreur : test")
    admin = login(users_a["admin"])
    page = reverse("record_history", args=["admissions", "stay", stay.pk])
    restore = reverse("record_restore", args=["admissions", "stay", stay.pk])
    assert restore in admin.get(page).content.decode()
    _forget_in_error("admissions.stay")
    assert restore not in admin.get(page).content.decode()
    assert admin.post(restore, {"reason": "erreur"}).status_code == 404
    state = registry.snapshot()
    state["history_apps"].discard("admissions")
    registry.restore(state)
    assert admin.get(page).status_code == 404


@pytest.mark.django_db
def test_a_shared_record_is_read_by_any_administrator_only_when_declared(declared, facility_a, users_a):
    organisation = factories.organisation()
    assert access.may_read_history(users_a["admin"], organisation)
    state = registry.snapshot()
    state["shared"].discard("unit.organisation")
    registry.restore(state)
    assert not access.may_read_history(users_a["admin"], organisation)


@pytest.mark.django_db
def test_the_navigation_shows_the_registered_links(declared, login, facility_a, users_a):
    client = login(users_a["admissions"])
    assert reverse("admissions:index") in client.get("/").content.decode()
    declared.navigation("admissions:index", "Autre", order=10, shown=lambda user, perms: False)
    assert reverse("admissions:index") not in client.get("/").content.decode()
    declared.navigation("audit_list", "Journal", order=5, shown=lambda user, perms: access.VIEW_RECORDS in perms)
    assert reverse("audit_list") in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_stay_page_shows_the_alerts_assessments_contribute(declared, login, facility_a, users_a):
    family = factories.family(facility=facility_a)
    child = factories.child(family=family, birth_date=date(2025, 6, 1))
    mother = factories.adult(family=family)
    stay = factories.stay(facility=facility_a, child=child, admitted_on=date(2025, 9, 10))
    scores = {f"e{n:02d}": 0 for n in range(1, 11)} | {"e10": 1}
    ass.assessment_record(user=users_a["therapist"], stay=stay, instrument_code="epds",
                          assessed_on=date(2025, 9, 12), scores=scores, adult=mother)
    client = login(users_a["therapist"])
    pages = [reverse("admissions:stay_detail", args=[stay.pk]), reverse("admissions:family_detail", args=[family.pk])]
    assert all('data-testid="open-alerts"' in client.get(url).content.decode() for url in pages)
    state = registry.snapshot()
    state["points"][hooks.OPEN_ALERTS] = []
    registry.restore(state)
    assert not any('data-testid="open-alerts"' in client.get(url).content.decode() for url in pages)
