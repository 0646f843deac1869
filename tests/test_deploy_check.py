"""The production profile, in its own process: Django's deployment checks pass and the hardening is on."""

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[1]

# Run inside the production process: headers over HTTPS of the health check and of the login redirect
# (pages rendering static files would need collectstatic's manifest), and the 2FA settings.
PROBE = """
import json
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="unit.example.org")
pages = {path: dict(client.get(path, secure=True).headers) for path in ("/healthz", "/admissions/")}
plain = client.get("/healthz")
print(json.dumps({
    "pages": pages,
    "plain_http": [plain.status_code, plain.headers.get("Location", "")],
    "debug": settings.DEBUG,
    "otp_required_roles": list(settings.OTP_REQUIRED_ROLES),
    "otp_required_for_staff": settings.OTP_REQUIRED_FOR_STAFF,
    "otp_enrolment_link_required": getattr(settings, "OTP_ENROLMENT_LINK_REQUIRED", False),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
}))
"""


@pytest.fixture
def production_env(tmp_path):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    # A clean environment: the test process carries variables a deployment must not (DEBUG,
    # DJANGO_SETTINGS_MODULE, DJANGO_ALLOW_ASYNC_UNSAFE set by the browser tests).
    inherited = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if key in os.environ}
    return {
        **inherited,
        "PROFILE": "production",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(60)),
        "ALLOWED_HOSTS": "unit.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'throwaway.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
    }


def _manage(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )


def test_deploy_check_passes_without_warnings(production_env):
    result = _manage(production_env, "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues" in output


def test_production_profile_sends_hsts_and_requires_two_factor(production_env):
    result = _manage(production_env, "shell", "-c", PROBE)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["debug"] is False
    assert probe["session_cookie_secure"] and probe["csrf_cookie_secure"]
    for path, headers in probe["pages"].items():
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Cache-Control"] == "no-store", path
        assert "script-src 'self';" in headers["Content-Security-Policy"] + ";", path
    assert probe["plain_http"] == [301, "https://unit.example.org/healthz"]
    # Managers see named records and export them: 2FA for them too (issue 11, finding 11).
    assert probe["otp_required_roles"] == ["admin", "manager", "reporting"]
    assert probe["otp_required_for_staff"] is True
    assert probe["otp_enrolment_link_required"] is True
