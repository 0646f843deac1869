"""Home, health check, login, language, and the history page of any record."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from unit import access
from unit.audit import READ, audited, not_audited, record_named_in_url
from unit.history import may_restore
from unit.history import record_mark_in_error as mark
from unit.history import record_restore as restore
from unit.registry import registry
from unit.selectors import history_of, record_by_pk, records_in_error


@not_audited("the names of the user's facilities")
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "unit/home.html", {"facilities": access.all_facilities(request.user)})


@not_audited("the state of the database")
@login_not_required
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure is "not healthy"
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@not_audited("the sign-in form")
@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@not_audited("changes the interface language and redirects")
@login_not_required
def set_language_view(request: HttpRequest) -> HttpResponse:
    return set_language(request)


@audited(READ, record_named_in_url, pk_kwarg="pk")
def record_history(request: HttpRequest, app_label: str, model_name: str, pk: int) -> HttpResponse:
    if not registry.has_history_page(app_label):  # the apps that registered a history page (their apps.py)
        raise Http404
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    if not hasattr(model, "history"):
        raise Http404
    obj = record_by_pk(model=model, pk=pk)
    # Unreachable and missing records answer the same, so nothing leaks about other facilities.
    if obj is None or not access.may_read_history(request.user, obj):
        raise Http404
    in_error = bool(getattr(obj, "entered_in_error", False))
    return render(request, "unit/history.html", {
        "object": obj, "model": model._meta, "versions": history_of(obj=obj), "in_error": in_error,
        "can_restore": in_error and may_restore(request.user, obj),
        "app_label": app_label, "model_name": model._meta.model_name})


def _record_or_404(request: HttpRequest, app_label: str, model_name: str, pk: int, *, in_error: bool):
    """The clinical record named in the URL, if the user may read it; missing and unreachable answer 404."""
    if registry.error_permission(f"{app_label}.{model_name}") is None:
        raise Http404
    model = apps.get_model(app_label, model_name)
    obj = record_by_pk(model=model, pk=pk, entered_in_error=in_error)
    if obj is None or not access.can_reach(request.user, obj):
        raise Http404
    return obj


@not_audited("a write that always answers with a redirect")
@require_POST
def record_mark_in_error(request: HttpRequest, app_label: str, model_name: str, pk: int) -> HttpResponse:
    """Mark a clinical record entered in error: it stays in the history and leaves lists and reports."""
    obj = _record_or_404(request, app_label, model_name, pk, in_error=False)
    reason = request.POST.get("reason", "").strip()
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    try:
        mark(user=request.user, obj=obj,
             reason=_("Saisi par erreur : %(reason)s") % {"reason": reason} if reason else "")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(target)
    messages.success(request, _("La saisie est marquée « saisie par erreur » ; elle reste dans l'historique."))
    return redirect(target)


@not_audited("a write that always answers with a redirect")
@require_POST
def record_restore(request: HttpRequest, app_label: str, model_name: str, pk: int) -> HttpResponse:
    """Undo « entered in error » (administrators): the record returns to lists and reports, with a reasoned version."""
    obj = _record_or_404(request, app_label, model_name, pk, in_error=True)
    history = reverse("record_history", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])
    try:
        restore(user=request.user, obj=obj, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(history)
    messages.success(request, _("La saisie est rétablie ; le motif figure dans l'historique."))
    return redirect(history)


@audited(READ, permission=access.ADMINISTER)
def records_in_error_list(request: HttpRequest) -> HttpResponse:
    """Administrators find here what was marked in error (a hidden dossier included) and open its history."""
    access.require(request.user, access.ADMINISTER)
    return render(request, "unit/records_in_error.html",
                  {"rows": records_in_error(user=request.user, labels=registry.in_error_labels())})
