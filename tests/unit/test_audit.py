"""The audit of reads: one entry per record opened, searched or exported; the trail only grows."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from admissions import services as adm
from assessments import services as assessment_services
from tests import factories
from unit import audit
from unit import services as unit_services
from unit.models import AuditEntry

ADMITTED = date(2025, 9, 10)
EPDS = {f"e{n:02d}": 1 for n in range(1, 10)} | {"e10": 0}
ROLES = ["admissions", "therapist", "manager", "reporting", "admin"]


def _world(facility, users, reference):
    clinician, therapist = users["admissions"], users["therapist"]
    family = factories.family(facility=facility, reference=reference, by=clinician)
    child = factories.child(family=family, by=clinician)
    mother = factories.adult(family=family, role="mother", by=clinician)
    stay = factories.stay(facility=facility, child=child, admitted_on=ADMITTED, by=clinician)
    adm.presence_add(user=clinician, stay=stay, adult=mother, start=ADMITTED)
    assessment = assessment_services.assessment_record(
        user=therapist, stay=stay, instrument_code="epds", assessed_on=ADMITTED + timedelta(days=5), scores=EPDS,
        adult=mother, assessor=therapist)
    return SimpleNamespace(facility=facility, family=family, child=child, mother=mother, stay=stay,
                           request=stay.request, assessment=assessment)


@pytest.fixture
def world_a(facility_a, users_a):
    return _world(facility_a, users_a, "FAM-A-001")


@pytest.fixture
def world_b(facility_b, users_b):
    return _world(facility_b, users_b, "FAM-B-001")


def _pages(world):
    """(url, what, object id) of each page that shows one record."""
    return [
        (reverse("admissions:family_detail", args=[world.family.pk]), "admissions.family", world.family.pk),
        (reverse("admissions:stay_detail", args=[world.stay.pk]), "admissions.stay", world.stay.pk),
        (reverse("admissions:request_detail", args=[world.request.pk]), "admissions.admissionrequest",
         world.request.pk),
        (reverse("assessments:assessment_detail", args=[world.assessment.pk]), "assessments.assessment",
         world.assessment.pk),
        (reverse("assessments:child_trajectory", args=[world.child.pk]), "admissions.child", world.child.pk),
        (reverse("record_history", args=["admissions", "stay", world.stay.pk]), "admissions.stay", world.stay.pk),
    ]


# ---------------------------------------------------------------- reads, searches, exports


@pytest.mark.django_db
def test_opening_a_record_writes_one_entry_with_user_object_facility_and_ip(login, world_a, users_a):
    therapist = users_a["therapist"]
    client = login(therapist)
    for url, what, pk in _pages(world_a):
        before = AuditEntry.objects.count()
        response = client.get(url, HTTP_USER_AGENT="Navigateur de test/1.0")
        assert response.status_code == 200, url
        assert AuditEntry.objects.count() == before + 1, url
        entry = AuditEntry.objects.latest("pk")
        assert (entry.user, entry.action, entry.what, entry.object_id) == (therapist, "read", what, str(pk))
        assert entry.facility_id == world_a.facility.pk
        assert (entry.path, entry.ip, entry.user_agent) == (url, "127.0.0.1", "Navigateur de test/1.0")


@pytest.mark.django_db
def test_an_audited_page_costs_exactly_one_insert(login, world_a, users_a):
    client = login(users_a["therapist"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admissions:stay_detail", args=[world_a.stay.pk])).status_code == 200
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "unit_auditentry"')]
    assert len(inserts) == 1


@pytest.mark.django_db
def test_the_facility_a_view_names_is_used_only_for_its_own_record(world_a, world_b, users_a):
    """A view that has loaded the record saves the entry a lookup; a hint about another record is ignored."""
    from django.urls import resolve

    url = reverse("admissions:stay_detail", args=[world_a.stay.pk])
    request = RequestFactory().get(url)
    request.user, request.resolver_match = users_a["therapist"], resolve(url)
    rule = audit.rule_of(request.resolver_match.func)

    audit.known_facility(request, world_a.stay, world_a.facility.pk)
    with CaptureQueriesContext(connection) as queries:
        [entry] = audit.entries_for(request, "admissions:stay_detail", rule)
    assert (entry.facility_id, len(queries.captured_queries)) == (world_a.facility.pk, 0)

    audit.known_facility(request, world_b.stay, world_b.facility.pk)  # another record: looked up instead
    with CaptureQueriesContext(connection) as queries:
        [entry] = audit.entries_for(request, "admissions:stay_detail", rule)
    assert (entry.facility_id, len(queries.captured_queries)) == (world_a.facility.pk, 1)


@pytest.mark.django_db
def test_a_search_is_audited_without_its_term(login, world_a, users_a):
    client = login(users_a["admissions"])
    response = client.get(reverse("admissions:families"), {"q": "FAM-A"})
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.what, entry.query) == ("search", "admissions.family", "q")
    assert entry.path == reverse("admissions:families")
    stored = " ".join(str(value) for value in AuditEntry.objects.values_list().get())
    assert "FAM-A" not in stored


@pytest.mark.django_db
def test_the_json_report_is_audited_as_an_export(login, world_a, users_a):
    response = login(users_a["manager"]).get(reverse("dashboards:report_json"),
                                             {"facility": world_a.facility.code, "year": "2025"})
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.what, entry.facility_id) == ("export", "dashboards:report_json",
                                                              world_a.facility.pk)
    assert entry.query == "facility,year"


@pytest.mark.django_db
def test_lists_of_named_records_are_audited_and_so_is_the_today_page(login, world_a, users_a):
    # The home page is the Today page (journal): it names residents, so it is a read like the lists.
    client = login(users_a["admissions"])
    lists = ("admissions:index", "admissions:families", "admissions:board", "admissions:waiting_list",
             "assessments:index", "assessments:alerts", "home")
    for name in lists:
        assert client.get(reverse(name)).status_code == 200, name
    # An empty search is the list itself: a read, not a search.
    assert client.get(reverse("admissions:families"), {"q": ""}).status_code == 200
    assert sorted(AuditEntry.objects.values_list("path", "action")) == sorted(
        [(reverse(name), "read") for name in lists] + [(reverse("admissions:families"), "read")])


@pytest.mark.django_db
def test_a_record_out_of_reach_or_missing_writes_no_read(login, world_a, world_b, users_a):
    client = login(users_a["admissions"])
    for pk in (world_b.family.pk, 999_999):
        assert client.get(reverse("admissions:family_detail", args=[pk])).status_code == 404
    assert login(users_a["reporting"]).get(
        reverse("admissions:family_detail", args=[world_a.family.pk])).status_code in (403, 404)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_failed_audit_write_fails_the_request(login, world_a, users_a, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise RuntimeError("database refused the insert")

    monkeypatch.setattr(AuditEntry, "save", refuse)
    with pytest.raises(RuntimeError):
        login(users_a["admissions"]).get(reverse("admissions:family_detail", args=[world_a.family.pk]))


# ---------------------------------------------------------------- the trail only grows


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted(login, world_a, users_a):
    login(users_a["admissions"]).get(reverse("admissions:family_detail", args=[world_a.family.pk]))
    entry = AuditEntry.objects.get()
    entry.object_id = "0"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_id="0")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["object_id"])
    # A new instance with an existing id is an INSERT, never an overwrite.
    forged = AuditEntry(pk=entry.pk, action="read", what="admissions.family", path="/")
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    entry.refresh_from_db()
    assert entry.object_id == str(world_a.family.pk)


@pytest.mark.django_db
def test_postgresql_itself_refuses_to_change_or_delete_an_entry(request, login, world_a, users_a):
    """The trigger of migration unit/0002: raw SQL, past the application, cannot rewrite the trail."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL trigger")
    if request.config.getoption("nomigrations"):
        pytest.skip("the trigger is created by the migrations: run with --migrations (make test-postgres does)")
    login(users_a["therapist"]).get(reverse("admissions:family_detail", args=[world_a.family.pk]))
    entry = AuditEntry.objects.get()
    from django.db import DatabaseError

    for statement in ("UPDATE unit_auditentry SET object_id = '0' WHERE id = %s",
                      "DELETE FROM unit_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    entry.refresh_from_db()
    assert entry.object_id == str(world_a.family.pk)


@pytest.mark.django_db
def test_the_admin_offers_no_add_change_or_delete(client, world_a, users_a):
    superuser = factories.user(username="root", is_superuser=True, is_staff=True)
    model_admin = admin.site._registry[AuditEntry]
    request = RequestFactory().get("/admin/")
    request.user = superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    client.force_login(superuser)
    client.get(reverse("admissions:family_detail", args=[world_a.family.pk]))
    entry = AuditEntry.objects.get()
    assert client.get(reverse("admin:unit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:unit_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:unit_auditentry_change", args=[entry.pk]), {"object_id": "0"}).status_code \
        == 403
    assert client.post(reverse("admin:unit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk, object_id=str(world_a.family.pk)).exists()


# ---------------------------------------------------------------- the audit page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_audit_page_status_per_role(login, users_a, role):
    response = login(users_a[role]).get(reverse("audit_list"))
    assert response.status_code == (200 if role == "admin" else 403)


@pytest.mark.django_db
def test_audit_page_filters(login, world_a, users_a):
    therapist, clinician = users_a["therapist"], users_a["admissions"]
    login(therapist).get(reverse("admissions:stay_detail", args=[world_a.stay.pk]))
    login(clinician).get(reverse("admissions:family_detail", args=[world_a.family.pk]))
    login(clinician).get(reverse("admissions:families"), {"q": "FAM"})
    client = login(users_a["admin"])

    def shown(**params) -> set[tuple[str, str]]:
        response = client.get(reverse("audit_list"), params)
        assert response.status_code == 200
        return {(e.action, e.what) for e in response.context["page"]}

    assert shown() == {("read", "admissions.stay"), ("read", "admissions.family"), ("search", "admissions.family")}
    assert shown(user=therapist.username) == {("read", "admissions.stay")}
    assert shown(action="search") == {("search", "admissions.family")}
    assert shown(what="admissions.family") == {("read", "admissions.family"), ("search", "admissions.family")}
    assert shown(object_id=str(world_a.stay.pk), what="admissions.stay") == {("read", "admissions.stay")}
    today = timezone.localdate()
    assert len(shown(date_from=today.isoformat(), date_to=today.isoformat())) == 3
    assert shown(date_from=(today + timedelta(days=1)).isoformat()) == set()
    assert client.get(reverse("audit_list"), {"date_from": "not-a-date"}).status_code == 400


@pytest.mark.django_db
def test_audit_page_is_paginated_newest_first(login, world_a, users_a):
    client = login(users_a["therapist"])
    url = reverse("admissions:stay_detail", args=[world_a.stay.pk])
    for _ in range(audit_page_size() + 1):
        client.get(url)
    first = login(users_a["admin"]).get(reverse("audit_list"))
    entries = list(first.context["page"])
    assert len(entries) == audit_page_size()
    assert entries[0].pk == AuditEntry.objects.latest("pk").pk
    assert first.context["page"].has_next()


def audit_page_size() -> int:
    from unit.audit_views import PAGE_SIZE

    return PAGE_SIZE


@pytest.mark.django_db
def test_an_admin_sees_only_the_entries_of_the_facilities_they_administer(login, world_a, world_b, users_a,
                                                                         users_b):
    login(users_a["therapist"]).get(reverse("admissions:family_detail", args=[world_a.family.pk]))
    login(users_b["therapist"]).get(reverse("admissions:family_detail", args=[world_b.family.pk]))
    # An export over several facilities is in the trail of each of them.
    manager = users_a["manager"]
    unit_services.membership_grant(user=None, member=manager, facility=world_b.facility, role="manager")
    assert login(manager).get(reverse("dashboards:report_json")).status_code == 200

    def seen_by(user) -> set[tuple[str, str]]:
        return {(e.what, e.object_id) for e in login(user).get(reverse("audit_list")).context["page"]}

    export = ("dashboards:report_json", "")
    assert seen_by(users_a["admin"]) == {("admissions.family", str(world_a.family.pk)), export}
    assert seen_by(users_b["admin"]) == {("admissions.family", str(world_b.family.pk)), export}
    superuser = factories.user(username="root", is_superuser=True, is_staff=True)
    assert len(login(superuser).get(reverse("audit_list")).context["page"]) == 4


def test_the_facility_of_a_record_is_found_through_its_parents():
    from admissions.models import Adult, Child, Family, PresencePeriod
    from assessments.models import Alert, Assessment

    assert audit.facility_path(Family) == "facility"
    assert audit.facility_path(Child) == "family__facility"
    assert audit.facility_path(Adult) == "family__facility"
    assert audit.facility_path(PresencePeriod) == "stay__facility"
    assert audit.facility_path(Assessment) == "stay__facility"
    assert audit.facility_path(Alert) == "assessment__stay__facility"
