"""Database settings the application relies on."""

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_postgresql_sessions_run_without_parallel_plans_unless_configured():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting (the suite runs on PostgreSQL in .ci/run)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        (value,) = cursor.fetchone()
    assert int(value) == settings.PG_MAX_PARALLEL_WORKERS_PER_GATHER == 0
