"""Two-factor pages: enrol an authenticator app (TOTP), and give a token after the password."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from unit import security, selectors
from unit.audit import not_audited
from unit.forms import SafeTextMixin


class TokenForm(SafeTextMixin, forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code à 6 chiffres"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True,
                                      "pattern": "[0-9 ]*"}),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].replace(" ", "")


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    if safe:
        return candidate
    return settings.LOGIN_REDIRECT_URL


def _refusal(device: TOTPDevice) -> str:
    if security.totp_throttled(device):
        return _("Trop d'essais : attendez quelques secondes avant de saisir un nouveau code.")
    return _("Code incorrect ou expiré. Vérifiez que l'heure de votre téléphone est exacte et réessayez.")


@not_audited("the user's own two-factor enrolment")
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    has_device = security.user_has_totp_device(user=user)
    if has_device and not user.is_verified():
        # Replacing a device needs the current one first; a lost phone is reset by an administrator.
        return security.redirect_with_next("otp_verify", _next_url(request))
    if has_device:
        return render(request, "registration/otp_setup.html", {"enrolled": True})
    if not security.enrolment_allowed(request=request):
        # An administrator's first device: the password alone is not enough (docs/security.md).
        return render(request, "registration/otp_setup.html", {"link_needed": True}, status=403)
    device = security.totp_device_pending(user=user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if security.totp_device_confirm(request=request, device=device, token=form.cleaned_data["token"]):
            messages.success(request, _("Double authentification activée."))
            return redirect(_next_url(request))
        form.add_error("token", _refusal(device))
    return render(request, "registration/otp_setup.html", {
        "enrolled": False,
        "form": form,
        "next": _next_url(request),
        # Markup generated on the server from the device's own otpauth:// URL, nothing user-typed.
        "qr_svg": mark_safe(security.totp_qr_svg(device)),
        "secret": security.totp_secret_base32(device),
    })


@not_audited("the user's own two-factor token")
def otp_verify(request: HttpRequest) -> HttpResponse:
    device = selectors.totp_device_confirmed(user=request.user)
    if request.user.is_verified():
        return redirect(_next_url(request))
    if device is None:
        # Never enrolled, or the device was removed by an administrator: point to enrolment.
        request.session[security.OTP_ENROLLED] = False
        return render(request, "registration/otp_verify.html", {"no_device": True})
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if security.totp_verify(request=request, device=device, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", _refusal(device))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})


@not_audited("the user's own enrolment link")
def otp_enrol_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link another administrator issued: accepted for the signed-in user it names, then enrolment."""
    if not security.enrolment_link_accept(request=request, token=token):
        raise Http404
    return redirect("otp_setup")
