"""Login hardening: lockout, passwords, sessions, two-factor authentication and response headers."""

import html
import re
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from tests.test_urls import ALL, _url
from unit import security

LOGIN = "/accounts/login/"


def _token(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for this device."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def _wrong_token(device: TOTPDevice) -> str:
    # Far from the accepted window (tolerance of one step either side).
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + 3600
    return f"{totp.token():0{device.digits}d}"


def _password_login(client: Client, username: str, password: str = factories.PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def unit_facility(db):
    return factories.facility(code="upb-sec")


@pytest.fixture
def therapist(unit_facility):
    return factories.user(role="therapist", facility=unit_facility, username="therese")


# --- Lockout (django-axes) ------------------------------------------------------------------------


def test_lockout_is_configured_by_username_and_address_for_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)


def test_five_failures_lock_the_pair_even_with_the_right_password(client, therapist):
    for _attempt in range(5):
        response = _password_login(client, "therese", "wrong-password-000")
    assert response.status_code == 429
    response = _password_login(client, "therese")
    assert response.status_code == 429
    assert "Trop d'essais de connexion" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_four_failures_do_not_lock(client, therapist):
    for _attempt in range(4):
        assert _password_login(client, "therese", "wrong-password-000").status_code == 200
    assert _password_login(client, "therese").status_code == 302


def test_lockout_is_per_address_and_per_username(client, therapist, unit_facility):
    factories.user(role="therapist", facility=unit_facility, username="other")
    for _attempt in range(5):
        _password_login(client, "therese", "wrong-password-000")
    # Same user from another address, and another user from the same address, still sign in.
    assert _password_login(Client(), "therese", REMOTE_ADDR="10.1.2.3").status_code == 302
    assert _password_login(Client(), "other").status_code == 302


def test_lockout_lifts_after_the_cool_off(client, therapist):
    for _attempt in range(5):
        _password_login(client, "therese", "wrong-password-000")
    assert _password_login(client, "therese").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _password_login(client, "therese").status_code == 302


# --- Passwords ------------------------------------------------------------------------------------


@pytest.mark.parametrize("password,code", [
    ("Court-1a", "password_too_short"),
    ("password1234", "password_too_common"),
    ("804719365201", "password_entirely_numeric"),
])
def test_password_change_refuses_weak_passwords(login, therapist, password, code):
    client = login(therapist)
    response = client.post(reverse("password_change"), {
        "old_password": factories.PASSWORD, "new_password1": password, "new_password2": password,
    })
    assert response.status_code == 200
    codes = [error.code for error in response.context["form"].errors.as_data()["new_password2"]]
    assert code in codes
    therapist.refresh_from_db()
    assert therapist.check_password(factories.PASSWORD)


def test_password_change_explains_the_minimum_length_in_french(login, therapist):
    response = login(therapist).post(reverse("password_change"), {
        "old_password": factories.PASSWORD, "new_password1": "Court-1a", "new_password2": "Court-1a",
    })
    assert "au minimum 12 caractères" in response.content.decode()


def test_password_change_accepts_a_long_uncommon_password(login, therapist):
    new = "berceau-lumineux-2026"
    response = login(therapist).post(reverse("password_change"), {
        "old_password": factories.PASSWORD, "new_password1": new, "new_password2": new,
    })
    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.check_password(new)


# --- Sessions -------------------------------------------------------------------------------------


def test_login_gives_a_new_session_key(client, therapist):
    session = client.session
    session["before_login"] = True
    session.save()
    anonymous_key = session.session_key
    assert _password_login(client, "therese").status_code == 302
    assert client.session.session_key != anonymous_key
    assert not Session.objects.filter(session_key=anonymous_key).exists()


def test_logout_is_post_only_and_ends_the_session(login, therapist):
    client = login(therapist)
    key = client.session.session_key
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/")["Location"].startswith(LOGIN)


def test_session_timeouts_are_thirty_minutes_idle_and_twelve_hours_absolute():
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60


def _age_session(client: Client, *, idle: int = 0, since_login: int = 0) -> str:
    now = int(time.time())
    session = client.session
    session[security.SEEN_AT] = now - idle
    session[security.LOGIN_AT] = now - since_login
    session.save()
    return session.session_key


def test_login_starts_both_session_clocks(client, therapist):
    _password_login(client, "therese")
    session = client.session
    assert abs(session[security.LOGIN_AT] - time.time()) < 5
    assert session[security.SEEN_AT] == session[security.LOGIN_AT]


def test_idle_session_expires_after_thirty_minutes_with_a_french_message(login, therapist):
    client = login(therapist)
    key = _age_session(client, idle=30 * 60 + 1)
    response = client.get("/admissions/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/admissions/"
    assert not Session.objects.filter(session_key=key).exists()
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"])
    assert "Votre session a expiré" in " ".join(_messages(page))


def test_session_idle_for_less_than_thirty_minutes_continues(login, therapist):
    client = login(therapist)
    _age_session(client, idle=29 * 60, since_login=29 * 60)
    assert client.get("/").status_code == 200
    # The request counts as activity: the idle clock starts again.
    assert abs(client.session[security.SEEN_AT] - time.time()) < 5


def test_active_session_still_expires_twelve_hours_after_login(login, therapist):
    client = login(therapist)
    _age_session(client, idle=0, since_login=12 * 60 * 60 + 1)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_timeouts_follow_the_settings(login, therapist, settings):
    settings.SESSION_IDLE_SECONDS = 60
    client = login(therapist)
    _age_session(client, idle=61)
    assert client.get("/").status_code == 302


def test_deactivating_a_user_ends_all_their_sessions(therapist, unit_facility):
    other = factories.user(role="therapist", facility=unit_facility)
    desk, phone, colleague = Client(), Client(), Client()
    desk.force_login(therapist)
    phone.force_login(therapist)
    colleague.force_login(other)

    therapist.is_active = False
    therapist.save()

    keys = {desk.session.session_key, phone.session.session_key}
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert Session.objects.filter(session_key=colleague.session.session_key).exists()
    assert desk.get("/")["Location"].startswith(LOGIN)
    assert colleague.get("/").status_code == 200


def test_a_deactivated_user_is_anonymous_even_if_a_session_survives(login, therapist):
    client = login(therapist)
    # A bulk update sends no signal: the session stays, yet the backend refuses the inactive user.
    type(therapist).objects.filter(pk=therapist.pk).update(is_active=False)
    assert client.get("/")["Location"].startswith(LOGIN)


def test_saving_an_active_user_keeps_their_sessions(login, therapist):
    client = login(therapist)
    therapist.first_name = "Thérèse"
    therapist.save()
    assert client.get("/").status_code == 200


# --- Two-factor authentication --------------------------------------------------------------------


def test_two_factor_is_required_for_admin_and_reporting_only_in_production():
    # The test profile is not production; the production values are checked in test_deploy_check.
    assert settings.OTP_REQUIRED_ROLES == ()
    assert settings.OTP_REQUIRED_FOR_STAFF is False


@pytest.fixture
def require_admin_2fa(settings):
    settings.OTP_REQUIRED_ROLES = ("admin", "reporting")
    settings.OTP_REQUIRED_FOR_STAFF = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code may be followed at once by the right one


@pytest.fixture
def admin_user(unit_facility):
    return factories.user(role="admin", facility=unit_facility, username="adele")


@pytest.mark.usefixtures("require_admin_2fa")
@pytest.mark.parametrize("path", ["/", "/admissions/", "/admin/", "/dashboards/report.json"])
def test_a_required_role_without_a_device_is_sent_to_enrolment(login, admin_user, path):
    response = login(admin_user).get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("otp_setup") + "?next=" + path.replace("/", "%2F")


@pytest.mark.usefixtures("require_admin_2fa")
def test_staff_must_enrol_when_configured(login, db):
    staff = factories.user(username="staffer", is_staff=True)
    assert login(staff).get("/")["Location"].startswith(reverse("otp_setup"))


@pytest.mark.usefixtures("require_admin_2fa")
def test_roles_outside_the_requirement_go_straight_in(login, therapist):
    assert login(therapist).get("/").status_code == 200


@pytest.mark.usefixtures("require_admin_2fa")
def test_login_logout_enrolment_and_health_stay_reachable_before_the_second_factor(login, admin_user):
    client = login(admin_user)
    assert client.get(reverse("otp_setup")).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get(LOGIN).status_code == 302  # already signed in: sent home, then to enrolment
    assert client.post(reverse("logout")).status_code == 302
    assert SESSION_KEY not in client.session


LAYOUT_SCRIPTS = ("bootstrap/js/bootstrap.bundle.min.js", "js/layout.js")


@pytest.mark.usefixtures("require_admin_2fa")
def test_enrolment_shows_a_server_side_qr_code_and_the_secret(login, admin_user):
    response = login(admin_user).get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=admin_user)
    assert device.confirmed is False
    page = response.content.decode()
    # The QR code is drawn by the server: the only scripts are the layout's own (menu, tables), no QR library.
    scripts = re.findall(r"<script[^>]*>", page)
    assert "<svg" in page and scripts == [f'<script src="/static/{name}">' for name in LAYOUT_SCRIPTS]
    secret = response.context["secret"].replace(" ", "")
    assert len(secret) == 32 and set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert "otpauth://totp/" in device.config_url
    # Reloading the page keeps the same secret (the phone may already have scanned it).
    login(admin_user).get(reverse("otp_setup"))
    assert TOTPDevice.objects.filter(user=admin_user).count() == 1


@pytest.mark.usefixtures("require_admin_2fa")
def test_enrolment_refuses_a_wrong_code_then_confirms_with_the_right_one(login, admin_user):
    client = login(admin_user)
    client.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=admin_user)

    refused = client.post(reverse("otp_setup"), {"token": _wrong_token(device), "next": "/admissions/"})
    assert refused.status_code == 200
    assert "Code incorrect ou expiré" in refused.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False

    key_before = client.session.session_key
    confirmed = client.post(reverse("otp_setup"), {"token": _token(device), "next": "/admissions/"})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/admissions/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session.session_key != key_before
    assert client.get("/").status_code == 200


@pytest.mark.usefixtures("require_admin_2fa")
def test_a_user_with_a_device_gives_a_token_after_the_password(client, admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    assert _password_login(client, "adele")["Location"] == "/"
    response = client.get("/admissions/")
    assert response["Location"] == reverse("otp_verify") + "?next=%2Fadmissions%2F"

    refused = client.post(reverse("otp_verify"), {"token": _wrong_token(device), "next": "/admissions/"})
    assert refused.status_code == 200
    assert "Code incorrect ou expiré" in refused.content.decode()
    assert client.get("/").status_code == 302

    token = _token(device)
    assert client.post(reverse("otp_verify"), {"token": token, "next": "/admissions/"})["Location"] == "/admissions/"
    assert client.get("/admissions/").status_code == 200

    # The same code cannot be used twice, for instance by someone who saw it.
    other = Client()
    _password_login(other, "adele")
    assert other.post(reverse("otp_verify"), {"token": token}).status_code == 200
    assert other.get("/").status_code == 302


def test_an_enrolled_user_gives_a_token_even_when_not_required(client, therapist):
    TOTPDevice.objects.create(user=therapist, name="phone", confirmed=True)
    _password_login(client, "therese")
    assert client.get("/")["Location"].startswith(reverse("otp_verify"))


def test_repeated_wrong_codes_are_throttled(client, therapist, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    device = TOTPDevice.objects.create(user=therapist, name="phone", confirmed=True)
    _password_login(client, "therese")
    client.post(reverse("otp_verify"), {"token": _wrong_token(device)})
    response = client.post(reverse("otp_verify"), {"token": _token(device)})
    assert "Trop d'essais" in html.unescape(response.content.decode())
    assert client.get("/").status_code == 302


def test_enrolment_page_of_an_enrolled_user_asks_for_the_token_first(login, therapist):
    TOTPDevice.objects.create(user=therapist, name="phone", confirmed=True)
    client = login(therapist)
    # force_login runs the login signal: the device is known, a token is due before replacing it.
    assert client.get(reverse("otp_setup"))["Location"].startswith(reverse("otp_verify"))


def test_verify_page_ignores_an_external_next(client, therapist):
    device = TOTPDevice.objects.create(user=therapist, name="phone", confirmed=True)
    _password_login(client, "therese")
    response = client.post(reverse("otp_verify"), {"token": _token(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_verify_page_without_a_device_points_to_enrolment(login, therapist):
    response = login(therapist).get(reverse("otp_verify"))
    assert response.status_code == 200
    assert f'href="{reverse("otp_setup")}"' in response.content.decode()


def test_the_navigation_links_to_two_factor_enrolment(login, therapist):
    page = login(therapist).get("/").content.decode()
    assert f'href="{reverse("otp_setup")}"' in page
    assert "Double authentification" in page


# --- Headers --------------------------------------------------------------------------------------


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {part[0]: part[1:] for part in parts}


def test_pages_carry_the_security_headers(login, therapist):
    response = login(therapist).get("/")
    csp = _directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"


def test_hsts_is_sent_over_https_when_configured(client, settings, db):
    # The production profile sets these (tests/test_deploy_check.py reads them from a production process).
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")


@pytest.mark.parametrize("name,pattern", ALL, ids=[name for name, _ in ALL])
def test_every_page_of_a_signed_in_user_is_not_stored(client, db, name, pattern):
    facility = factories.facility(code="upb-walk")
    stay = factories.stay(facility=facility)
    superuser = factories.user(username="root", is_superuser=True, is_staff=True)
    client.force_login(superuser)
    url = _url(name, pattern).replace("/1/", f"/{stay.pk}/")
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code)
    assert response["Cache-Control"] == "no-store", url


def test_the_json_report_is_not_stored(login, unit_facility):
    manager = factories.user(role="manager", facility=unit_facility)
    response = login(manager).get(reverse("dashboards:report_json") + "?year=2025")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "no-store"
