"""The reporting router: report reads go to the replica, writes and everything else to default."""

import copy
import warnings
from datetime import date

import pytest
from django.db import connections, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from admissions import services as adm
from admissions.models import Family
from dashboards import engine
from tests import factories
from unit.models import Facility
from unit.routers import ReportingRouter, reporting_reads

# Committed rows: the replica alias is a second connection, it sees only what default has committed.
with_replica = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

YEAR = engine.Period(date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    """A "replica" alias on the same test database (TEST MIRROR), as settings declare it in production.

    Module-scoped so that it exists before each test's database access is checked against `databases`.
    """
    default = connections["default"].settings_dict  # already points at the test database
    replica_settings = copy.deepcopy(default)
    replica_settings["TEST"] = {**replica_settings.get("TEST", {}), "MIRROR": "default"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "overriding DATABASES": the handler is told below
        override = override_settings(DATABASES={**connections.settings, "replica": replica_settings})
        override.enable()
    connections.settings["replica"] = replica_settings
    yield "replica"
    with django_db_blocker.unblock():
        connections["replica"].close()
    del connections["replica"]
    del connections.settings["replica"]
    override.disable()


def test_without_a_replica_every_read_goes_to_default(monkeypatch):
    monkeypatch.setattr("unit.routers.replica_configured", lambda: False)
    router = ReportingRouter()
    with reporting_reads():
        assert router.db_for_read(Family) == "default"
    assert router.db_for_write(Family) == "default"


@with_replica
def test_only_reads_inside_reporting_reads_go_to_the_replica(replica):
    router = ReportingRouter()
    assert router.db_for_read(Family) == "default"
    with reporting_reads():
        assert router.db_for_read(Family) == "replica"
        assert router.db_for_write(Family) == "default"
    assert router.db_for_read(Family) == "default"


def test_migrations_only_on_default_and_relations_allowed():
    router = ReportingRouter()
    assert router.allow_migrate("default", "admissions") is True
    assert router.allow_migrate("replica", "admissions") is False
    assert router.allow_relation(Family(), Facility()) is True


@with_replica
def test_the_report_reads_from_the_replica(replica):
    facility = factories.facility(code="upb-r")
    factories.stay(facility=facility, admitted_on=date(2025, 9, 10))
    with CaptureQueriesContext(connections[replica]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_default:
        report = engine.build([facility], YEAR)
    assert report.indicators["stays_active"] == 1
    assert on_replica.captured_queries, "the engine's loads ran on the replica"
    assert on_default.captured_queries == []


@with_replica
def test_a_service_write_inside_the_context_still_goes_to_default(replica):
    facility = factories.facility(code="upb-w")
    with reporting_reads(), CaptureQueriesContext(connections[replica]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_default:
        family = adm.family_create(user=None, facility=facility, reference="UPB-2025-900")
    assert any("INSERT" in q["sql"] and "admissions_family" in q["sql"] for q in on_default.captured_queries)
    assert not any("INSERT" in q["sql"] for q in on_replica.captured_queries)
    assert Family.objects.filter(pk=family.pk).exists()


@with_replica
def test_a_transaction_reads_its_own_writes_on_default(replica):
    """Inside a transaction on default the replica cannot see the uncommitted rows: reads stay on default."""
    router = ReportingRouter()
    with transaction.atomic(), reporting_reads():
        assert router.db_for_read(Family) == "default"
