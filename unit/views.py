"""Home, health check, login, language, and the history page of any record."""

from django.apps import apps
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language

from unit import access
from unit.selectors import history_of

# Only these apps hold records that have a history page.
HISTORY_APPS = {"unit", "admissions", "assessments", "dashboards"}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "unit/home.html", {"facilities": access.all_facilities(request.user)})


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


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


set_language_view = login_not_required(set_language)


def record_history(request: HttpRequest, app_label: str, model_name: str, pk: int) -> HttpResponse:
    if app_label not in HISTORY_APPS:
        raise Http404
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    if not hasattr(model, "history"):
        raise Http404
    obj = model._default_manager.filter(pk=pk).first()
    # Unreachable and missing records answer the same, so nothing leaks about other facilities.
    if obj is None or not access.can_reach(request.user, obj, _history_permission(model)):
        raise Http404
    return render(request, "unit/history.html", {"object": obj, "model": model._meta, "versions": history_of(obj)})


def _history_permission(model) -> str:
    if model._meta.app_label == "unit":
        return access.ADMINISTER
    return access.VIEW_RECORDS
