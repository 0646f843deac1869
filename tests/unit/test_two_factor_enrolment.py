"""Issue 11, finding 11: an administrator's first second factor needs a link from another administrator;
the axes logs are read-only in the admin; no response names the server software."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from tests.unit.test_security import _token
from unit import security

BASE_DIR = Path(__file__).resolve().parents[2]


def _links():
    from unit.models import EnrolmentLink

    return EnrolmentLink.objects


@pytest.fixture
def facility(db):
    return factories.facility(code="upb-2fa")


@pytest.fixture
def links_required(settings):
    """The production rules: 2FA for administrators and staff, their first device through a link."""
    settings.OTP_REQUIRED_ROLES = ("admin", "manager", "reporting")
    settings.OTP_REQUIRED_FOR_STAFF = True
    settings.OTP_ENROLMENT_LINK_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def newcomer(facility):
    return factories.user(role="admin", facility=facility, username="nouvelle_admin")


@pytest.fixture
def issuer(facility):
    """Another administrator, staff in the Django admin, already verified with their own device."""
    return factories.user(role="admin", facility=facility, username="admin_en_place", is_staff=True,
                          is_superuser=True)


def _verified(client, user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    client.post(reverse("otp_verify"), {"token": _token(device)})
    return client


def _try_to_enrol(client, user) -> bool:
    """Everything a signed-in session allows: open the enrolment page and confirm whatever device it made."""
    client.get(reverse("otp_setup"))
    for device in TOTPDevice.objects.filter(user=user, confirmed=False):
        client.post(reverse("otp_setup"), {"token": _token(device)})
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _issue(client, user) -> str:
    """Another administrator issues the link from the users' admin; the page shows it once."""
    response = client.post(reverse("admin:auth_user_changelist"),
                           {"action": "otp_enrolment_link_issue", "_selected_action": [user.pk]}, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    found = [match for message in shown for match in re.findall(r"/accounts/2fa/enrol/[\w-]+/", message)]
    assert len(found) == 1, shown
    return found[0]


@pytest.mark.usefixtures("links_required")
def test_an_administrator_holding_only_the_password_cannot_enrol(client, newcomer):
    client.force_login(newcomer)
    assert _try_to_enrol(client, newcomer) is False
    page = client.get(reverse("otp_setup"))
    assert page.status_code == 403
    assert "lien d'inscription" in page.content.decode()
    assert client.get("/admissions/")["Location"].startswith(reverse("otp_setup"))  # still nothing else


@pytest.mark.usefixtures("links_required")
def test_a_link_from_another_administrator_lets_them_enrol_once(client, newcomer, issuer):
    from django.test import Client

    link = _issue(_verified(Client(), issuer), newcomer)
    stored = _links().get(user=newcomer)
    assert stored.issued_by == issuer and link.split("/")[-2] not in stored.token_hash  # only a hash is kept

    client.force_login(newcomer)
    assert client.get(link)["Location"] == reverse("otp_setup")
    assert _try_to_enrol(client, newcomer) is True
    stored.refresh_from_db()
    assert stored.used_at is not None
    assert client.get("/admissions/").status_code == 200

    # Used: the same link enrols nobody else, nor a second device.
    TOTPDevice.objects.filter(user=newcomer).delete()
    again = client.get(link)
    assert again.status_code == 404
    assert _try_to_enrol(client, newcomer) is False


@pytest.mark.usefixtures("links_required")
def test_a_link_is_personal_and_expires(client, newcomer, issuer, facility, settings):
    from django.test import Client

    link = _issue(_verified(Client(), issuer), newcomer)
    colleague = factories.user(role="admin", facility=facility, username="collegue")
    client.force_login(colleague)
    assert client.get(link).status_code == 404
    assert _try_to_enrol(client, colleague) is False

    _links().update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(newcomer)
    assert client.get(link).status_code == 404
    assert _try_to_enrol(client, newcomer) is False


@pytest.mark.usefixtures("links_required")
def test_an_administrator_cannot_issue_their_own_link(issuer):
    from django.test import Client

    client = _verified(Client(), issuer)
    TOTPDevice.objects.filter(user=issuer).delete()
    client.post(reverse("admin:auth_user_changelist"),
                {"action": "otp_enrolment_link_issue", "_selected_action": [issuer.pk]}, follow=True)
    assert not _links().exists()


@pytest.mark.usefixtures("links_required")
def test_the_first_administrator_gets_a_link_from_the_command(client, newcomer):
    out = StringIO()
    call_command("otp_enrolment_link", newcomer.username, "--base-url", "https://unit.example.org", stdout=out)
    link = re.search(r"https://unit\.example\.org(/accounts/2fa/enrol/[\w-]+/)", out.getvalue()).group(1)
    client.force_login(newcomer)
    client.get(link)
    assert _try_to_enrol(client, newcomer) is True
    assert _links().get(user=newcomer).issued_by is None


@pytest.mark.usefixtures("links_required")
def test_other_roles_enrol_without_a_link(client, facility):
    therapist = factories.user(role="therapist", facility=facility, username="therese_2fa")
    client.force_login(therapist)
    assert _try_to_enrol(client, therapist) is True


@pytest.mark.usefixtures("links_required")
def test_a_manager_must_use_two_factor(client, facility):
    manager = factories.user(role="manager", facility=facility, username="gerante")
    client.force_login(manager)
    assert client.get("/dashboards/")["Location"].startswith(reverse("otp_setup"))
    assert security.two_factor_required(user=manager)


# --- The axes logs are read-only ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", [AccessAttempt, AccessLog, AccessFailureLog])
def test_the_axes_logs_are_read_only_in_the_admin(client, model):
    superuser = get_user_model().objects.create_superuser("root_axes", "r@example.org", factories.PASSWORD)
    values = {"username": "x", "ip_address": "10.0.0.1", "user_agent": "ua", "path_info": "/accounts/login/"}
    if model is AccessAttempt:
        values |= {"get_data": "", "post_data": "", "failures_since_start": 3}
    elif model is AccessFailureLog:
        values |= {"locked_out": False}
    row = model.objects.create(**values)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, row)
    assert not model_admin.has_delete_permission(request, row)
    client.force_login(superuser)
    opts = model._meta
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    assert client.get(change).status_code == 200  # viewable
    client.post(change, {**values, "username": "changed"})
    client.post(reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[row.pk]), {"post": "yes"})
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    row.refresh_from_db()
    assert row.username == "x"


# --- No Server header naming the software -----------------------------------------------------------


SOFTWARE = re.compile(r"gunicorn|wsgiserver|cpython|python|whitenoise|django", re.I)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/accounts/login/", "/static/favicon.svg", "/nowhere/"])
def test_every_response_carries_a_neutral_server_header(client, path, settings):
    response = client.get(path)
    assert response["Server"] == settings.SERVER_HEADER
    assert not SOFTWARE.search(settings.SERVER_HEADER)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _headers_of(url: str, deadline: float) -> list[tuple[str, str]]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - a local test server
                return list(response.headers.items())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.mark.parametrize("server", ["gunicorn", "runserver"])
def test_the_servers_do_not_name_themselves(server, tmp_path):
    port = _free_port()
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env |= {"VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'server.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "config.settings"}
    if server == "gunicorn":
        command = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--config", "gunicorn.conf.py",
                   "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    else:
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        for path in ("/healthz", "/static/favicon.svg", "/accounts/login/"):
            headers = _headers_of(f"http://127.0.0.1:{port}{path}", deadline)
            servers = [value for name, value in headers if name.lower() == "server"]
            assert len(servers) == 1, (path, servers)
            assert not SOFTWARE.search(servers[0]), (path, servers)
    finally:
        process.terminate()
        process.wait(timeout=10)
