"""Database routing: reports and exports read from the replica when one is configured; all else on default.

A read goes to the "replica" alias only inside `with reporting_reads():` (the report engine and the
exports open it), when `DATABASE_REPLICA_URL` configured that alias, and when no transaction is open
on "default": a transaction may hold writes the replica cannot see yet, so it reads its own writes.
Writes and migrations always go to "default".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections

DEFAULT, REPLICA = "default", "replica"

_reporting: ContextVar[bool] = ContextVar("reporting_reads", default=False)


@contextmanager
def reporting_reads() -> Iterator[None]:
    """Reads made inside go to the replica (when there is one); usable as a decorator too."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def reading_for_reports() -> bool:
    return _reporting.get()


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReportingRouter:
    def db_for_read(self, model, **hints) -> str:
        if _reporting.get() and replica_configured() and not connections[DEFAULT].in_atomic_block:
            return REPLICA
        return DEFAULT

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same data: a row read from the replica may point at one from default.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # The replica receives the schema by replication, never by `migrate`.
        return db == DEFAULT
