"""The one helper of the page tests: what the permission matrix of docs/security.md says a role gets on a
page, computed from `unit.access.ROLE_PERMISSIONS`, and how the page tests build their cases.

Used by tests/test_permission_matrix.py (every URL) and the per-app tests/*/test_pages.py (each form).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from django.apps import apps

from unit.access import ROLE_PERMISSIONS, VIEW_RECORDS

ROLES = ["admissions", "therapist", "manager", "reporting", "admin"]


def expected_status(role: str, permission: str, *, on_object: bool) -> int:
    """The status a role of the object's facility gets on a page requiring `permission`:

    - the role holds the permission                      -> 200
    - page without object (lists, creation, code picker) -> 403
    - page of an object the role may read, but not act   -> 403
    - page of an object, role cannot read records at all -> 404 (nothing leaks)
    """
    perms = ROLE_PERMISSIONS[role]
    if permission in perms:
        return 200
    if not on_object:
        return 403
    return 403 if VIEW_RECORDS in perms else 404


def cases(routes: Iterable, expected: Callable[[str, object], int], *, known_bugs: dict[str, pytest.MarkDecorator],
          roles: Iterable[str] = ROLES, with_bugs: bool = True) -> list:
    """One pytest case per route and role, a known bug marking the roles that get past the permission check."""
    roles = list(roles)

    def marks(route, role):
        bug = known_bugs.get(route.name)
        return [bug] if with_bugs and bug and expected(role, route) == 200 else []

    return [pytest.param(route, role, id=f"{route.name}-{role}", marks=marks(route, role))
            for route in routes for role in roles]


def history_rows() -> int:
    """Every clinical write leaves a history row: their total says whether anything was saved."""
    return sum(model.objects.count() for model in apps.get_models() if model.__name__.startswith("Historical"))


def version_of(obj) -> int:
    """The version saved now (a page's POST names the version it was read at)."""
    return type(obj).objects.get(pk=obj.pk).version
