"""The access module: a user sees only the facilities of their memberships, with their role's rights."""

import pytest

from admissions.models import Family, Stay
from tests import factories
from unit import access


@pytest.mark.django_db
def test_user_sees_only_the_facilities_of_their_memberships(facility_a, facility_b, users_a):
    user = users_a["admissions"]
    assert list(access.facilities_for(user)) == [facility_a]
    assert access.has_permission(user, access.EDIT_ADMISSIONS, facility_a)
    assert not access.has_permission(user, access.EDIT_ADMISSIONS, facility_b)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,allowed,refused",
    [
        ("admissions", {access.VIEW_RECORDS, access.EDIT_ADMISSIONS}, {access.VIEW_DASHBOARDS, access.ADMINISTER}),
        ("therapist", {access.VIEW_RECORDS, access.EDIT_ASSESSMENTS}, {access.EDIT_ADMISSIONS, access.VIEW_DASHBOARDS}),
        ("manager", {access.VIEW_RECORDS, access.VIEW_DASHBOARDS}, {access.EDIT_ADMISSIONS, access.ADMINISTER}),
        ("reporting", {access.VIEW_DASHBOARDS, access.EXPORT_REPORTS}, {access.VIEW_RECORDS, access.EDIT_CARE}),
        ("admin", {access.ADMINISTER, access.VIEW_RECORDS}, {access.EDIT_ADMISSIONS, access.EDIT_ASSESSMENTS}),
    ],
)
def test_each_role_grants_its_permissions_and_no_other(facility_a, users_a, role, allowed, refused):
    user = users_a[role]
    for permission in allowed:
        assert access.has_permission(user, permission, facility_a), permission
    for permission in refused:
        assert not access.has_permission(user, permission, facility_a), permission


@pytest.mark.django_db
def test_inactive_membership_and_inactive_user_see_nothing(facility_a, users_a):
    user = users_a["manager"]
    membership = user.memberships.get()
    membership.active = False
    membership.save()
    access.forget(user)
    assert not access.facilities_for(user).exists()
    other = users_a["therapist"]
    other.is_active = False
    assert not access.facilities_for(other).exists()


@pytest.mark.django_db
def test_scope_filters_families_and_stays_by_facility(facility_a, facility_b, users_a, users_b):
    stay_a = factories.stay(facility=facility_a)
    stay_b = factories.stay(facility=facility_b)
    assert list(access.scope(Stay.objects.all(), users_a["therapist"])) == [stay_a]
    assert list(access.scope(Family.objects.all(), users_b["therapist"])) == [stay_b.child.family]
    # Reporting officers work on aggregates: no named record through the records permission.
    assert not access.scope(Stay.objects.all(), users_a["reporting"]).exists()


@pytest.mark.django_db
def test_family_is_reached_from_the_facility_that_hosts_its_child(facility_a, facility_b, users_b):
    fam = factories.family(facility=facility_a)
    child = factories.child(family=fam)
    factories.sharing_consent(family=fam)
    factories.stay(facility=facility_b, child=child)
    assert list(access.scope(Family.objects.all(), users_b["admissions"])) == [fam]
