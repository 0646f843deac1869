"""Facilities added or reset in the Django admin get the eligibility profile of their kind."""

import pytest
from django.urls import reverse

from tests import factories
from unit.eligibility_defaults import DEFAULT_PROFILES
from unit.models import EligibilityCriterion, Facility


def _formset(prefix="criteria"):
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000"}


@pytest.mark.django_db
def test_a_facility_added_in_the_admin_starts_with_its_kinds_profile(client):
    organisation = factories.organisation()
    admin_user = factories.user(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin_user)
    response = client.post(reverse("admin:unit_facility_add"), {
        "organisation": organisation.pk, "code": "upb-admin", "name": "Unité ajoutée", "kind": "parent_baby_unit",
        "country": "BE", "region": "", "capacity": "8", "active": "on", **_formset(),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    facility = Facility.objects.get(code="upb-admin")
    codes = list(facility.criteria.filter(active=True).order_by("position").values_list("code", flat=True))
    assert codes == [spec["code"] for spec in DEFAULT_PROFILES["parent_baby_unit"]]
    # who and why are in the history of each criterion
    criterion = facility.criteria.first()
    assert criterion.history.latest().history_user == admin_user


@pytest.mark.django_db
def test_the_admin_action_puts_back_the_default_profile(client):
    facility = factories.facility(code="upb-reset")
    first = facility.criteria.order_by("position").first()
    EligibilityCriterion.objects.filter(pk=first.pk).update(active=False)
    admin_user = factories.user(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin_user)
    response = client.post(reverse("admin:unit_facility_changelist"), {
        "action": "reset_eligibility_profile", "_selected_action": [facility.pk]}, follow=True)
    assert response.status_code == 200
    assert "Profil par défaut rétabli pour 1 structure(s)." in response.content.decode()
    first.refresh_from_db()
    assert first.active
