"""Login hardening: session timeouts, ending a deactivated user's sessions, two-factor enrolment and requirement."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from base64 import b32encode
from datetime import timedelta
from importlib import import_module
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from unit.models import EnrolmentLink, Membership

logger = logging.getLogger("unit.security")

# Session keys written by this module (epoch seconds, and whether the user has a confirmed device).
LOGIN_AT = "unit.login_at"
SEEN_AT = "unit.seen_at"
OTP_ENROLLED = "unit.otp_enrolled"
# The enrolment link accepted in this session (its id), for an administrator's first device.
ENROLMENT_LINK = "unit.enrolment_link"
# Last activity is written at most once a minute, so a page view does not always cost a session write.
SEEN_RESOLUTION_SECONDS = 60

# Pages a signed-in user reaches before the second factor: signing in and out, enrolling, verifying,
# the language switch and the health check.
TWO_FACTOR_EXEMPT_VIEWS = frozenset({"login", "logout", "otp_setup", "otp_verify", "otp_enrol_link", "set_language",
                                     "healthz"})

# Session engines whose sessions live in a table this module can scan.
DB_SESSION_ENGINES = frozenset({"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"})


def _now() -> int:
    return int(time.time())


# --- Sessions -------------------------------------------------------------------------------------


def session_mark_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """user_logged_in receiver: start both clocks and remember whether a token will be asked."""
    if request is None or not hasattr(request, "session"):
        return
    now = _now()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session[OTP_ENROLLED] = user_has_totp_device(user=user)


class SessionTimeoutMiddleware:
    """Ends a session idle for SESSION_IDLE_SECONDS, or older than SESSION_ABSOLUTE_SECONDS since login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            expired = self._touch(request.session)
            if expired:
                logout(request)  # flushes the session: a new key, no data
                messages.warning(request, _("Votre session a expiré. Reconnectez-vous pour continuer."))
                if request.path != reverse(settings.LOGIN_URL):
                    return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    @staticmethod
    def _touch(session) -> bool:
        now = _now()
        login_at = session.setdefault(LOGIN_AT, now)
        seen_at = session.get(SEEN_AT, now)
        if now - seen_at > settings.SESSION_IDLE_SECONDS or now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
            return True
        if SEEN_AT not in session or now - seen_at >= SEEN_RESOLUTION_SECONDS:
            session[SEEN_AT] = now
        return False


def user_sessions_end(*, user) -> int:
    """Delete every stored session of the user; returns how many.

    The session table is not indexed by user: every unexpired session is decoded once, so the cost
    grows with the number of live sessions (run `clearsessions` daily to keep it small). With a
    cookie or cache session engine nothing can be scanned; the user is still anonymous on their
    next request because the authentication backend refuses inactive users.
    """
    if settings.SESSION_ENGINE not in DB_SESSION_ENGINES:
        return 0
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    session_model = store_class.get_model_class()
    decoder = store_class()
    user_id = str(user.pk)
    keys = [
        key
        for key, data in session_model.objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
        .iterator()
        if str(decoder.decode(data).get(SESSION_KEY)) == user_id
    ]
    for key in keys:
        store_class(session_key=key).delete()  # also drops the cached copy with cached_db
    if keys:
        logger.info("ended %d session(s) of deactivated user %s", len(keys), user_id)
    return len(keys)


def _saves_is_active(update_fields) -> bool:
    return update_fields is None or "is_active" in update_fields


def user_remember_active(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save receiver: note whether the stored user was active, to see the transition after saving."""
    if raw or instance.pk is None or not _saves_is_active(update_fields):
        instance._unit_was_active = None
        return
    instance._unit_was_active = (
        sender._default_manager.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    )


def user_end_sessions_on_deactivation(sender, instance, created=False, raw=False, update_fields=None,
                                      **kwargs) -> None:
    """post_save receiver: a user who has just been deactivated loses every open session."""
    if raw or created or instance.is_active or not _saves_is_active(update_fields):
        return
    if getattr(instance, "_unit_was_active", None):
        user_sessions_end(user=instance)


# --- Two-factor authentication ----------------------------------------------------------------------


def user_has_totp_device(*, user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_required(*, user) -> bool:
    """Whether the user must use a second factor: a role of OTP_REQUIRED_ROLES, or staff when configured."""
    if getattr(settings, "OTP_REQUIRED_FOR_STAFF", False) and (user.is_staff or user.is_superuser):
        return True
    roles = tuple(getattr(settings, "OTP_REQUIRED_ROLES", ()))
    return bool(roles) and Membership.objects.filter(user=user, active=True, role__in=roles).exists()


def redirect_with_next(view_name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(view_name)}?{urlencode({'next': next_url})}")


class TwoFactorRequiredMiddleware:
    """Sends a signed-in user to the token page when they have a device, to enrolment when they must have one.

    Placed after django_otp's OTPMiddleware (for `is_verified`) and the login requirement.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_EXEMPT_VIEWS:
            return None
        enrolled = request.session.get(OTP_ENROLLED)
        if enrolled is None:  # a session opened before this middleware existed
            enrolled = request.session[OTP_ENROLLED] = user_has_totp_device(user=user)
        if enrolled:
            return redirect_with_next("otp_verify", request.get_full_path())
        if two_factor_required(user=user):
            return redirect_with_next("otp_setup", request.get_full_path())
        return None


# --- Enrolment links: an administrator's first device --------------------------------------------------


def enrolment_link_required(*, user) -> bool:
    """Whether the user's first device needs a link from another administrator (administrators and staff)."""
    if not getattr(settings, "OTP_ENROLMENT_LINK_REQUIRED", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, active=True, role=Membership.Role.ADMIN).exists()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def enrolment_link_issue(*, user, issued_by) -> str:
    """A new single-use link for `user`; returns the token (only its hash is stored). None issues from the
    command line (the very first administrator)."""
    if issued_by is not None and issued_by.pk == user.pk:
        raise ValidationError(_("Un administrateur ne peut pas émettre son propre lien d'inscription : "
                                "demandez-le à un autre administrateur."))
    token = secrets.token_urlsafe(32)
    EnrolmentLink.objects.create(user=user, issued_by=issued_by, token_hash=_token_hash(token),
                                 expires_at=timezone.now() + timedelta(hours=settings.OTP_ENROLMENT_LINK_HOURS))
    logger.info("two-factor enrolment link issued for user %s by %s", user.pk,
                issued_by.pk if issued_by is not None else "the command line")
    return token


def _links_valid(*, user):
    return EnrolmentLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now())


def enrolment_link_accept(*, request: HttpRequest, token: str) -> bool:
    """Remembers a valid, unused link of the signed-in user in the session; False for any other token."""
    link = _links_valid(user=request.user).filter(token_hash=_token_hash(token)).first()
    if link is None:
        logger.warning("refused two-factor enrolment link for user %s", request.user.pk)
        return False
    request.session[ENROLMENT_LINK] = link.pk
    return True


def enrolment_link_pending(*, request: HttpRequest) -> EnrolmentLink | None:
    pk = request.session.get(ENROLMENT_LINK)
    return None if pk is None else _links_valid(user=request.user).filter(pk=pk).first()


def enrolment_allowed(*, request: HttpRequest) -> bool:
    return not enrolment_link_required(user=request.user) or enrolment_link_pending(request=request) is not None


def totp_device_pending(*, user) -> TOTPDevice:
    """The user's unconfirmed device, created once, so reloading the page keeps the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Application d'authentification"), confirmed=False)
    return device


def totp_device_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Confirms the device with its first token; the session then counts as verified.

    An administrator's first device needs the enrolment link accepted in this session, which is used up.
    """
    link = None
    if enrolment_link_required(user=device.user):
        link = enrolment_link_pending(request=request)
        if link is None:
            return False
    if not device.verify_token(token):
        return False
    if link is not None and not EnrolmentLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
            used_at=timezone.now()):
        return False  # used meanwhile, in another session
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    _session_verified(request, device)
    logger.info("two-factor device confirmed for user %s", device.user_id)
    return True


def totp_verify(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        logger.warning("wrong two-factor token for user %s", device.user_id)
        return False
    _session_verified(request, device)
    return True


def _session_verified(request: HttpRequest, device: TOTPDevice) -> None:
    # A change of privilege: a new session key, as at login.
    request.session.cycle_key()
    otp_login(request, device)
    request.session[OTP_ENROLLED] = True


def totp_throttled(device: TOTPDevice) -> bool:
    allowed, _details = device.verify_is_allowed()
    return not allowed


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps expect it for manual entry, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code, rendered on the server (the page runs no script)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    return image.to_string(encoding="unicode")
