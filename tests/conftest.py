"""Shared fixtures: two facilities and one user per role in each, for scoping tests."""

import pytest

from tests import factories
from unit.models import Membership

ROLES = [choice for choice, _label in Membership.Role.choices]


@pytest.fixture
def facility_a(db):
    return factories.facility(code="upb-a")


@pytest.fixture
def facility_b(db):
    return factories.facility(code="upb-b")


@pytest.fixture
def users_a(facility_a):
    """role -> a user holding only that role, only in facility A."""
    return {role: factories.user(role=role, facility=facility_a, username=f"{role}_a") for role in ROLES}


@pytest.fixture
def users_b(facility_b):
    return {role: factories.user(role=role, facility=facility_b, username=f"{role}_b") for role in ROLES}


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests only need passwords to round-trip.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _steady_session_writes(request, monkeypatch):
    """Query-count tests: the last-activity stamp is written at most once a minute, and the labels of the
    reference lists are re-read once a minute, so a slow run could add one session UPDATE or one SELECT at a
    random moment (a loaded machine made the dashboard's count [14, 13]). Tests that count queries freeze both."""
    if request.node.get_closest_marker("counts_queries"):
        monkeypatch.setattr("unit.security.SEEN_RESOLUTION_SECONDS", 10**9)
        monkeypatch.setattr("unit.labels._TTL_SECONDS", 10**9)


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings):
    """Background jobs run inside the request here (django-tasks' immediate backend); the database backend
    and its real worker process are tested in tests/unit/test_jobs_worker.py."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _private_storage_in_tmp(settings, tmp_path_factory):
    """Documents' contents go to a throw-away folder, never to var/private."""
    location = tmp_path_factory.mktemp("private")
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {**settings.DOCUMENTS_STORAGE["OPTIONS"], "location": str(location)}}}
