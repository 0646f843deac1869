"""Request middleware: no NUL in addresses, login everywhere but the public entry points, no caching of pages, a
neutral Server header."""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


class RefuseNulMiddleware:
    """A NUL byte in the path or the query string answers 400, before any view or database sees it.

    PostgreSQL refuses NUL in text, so a filter or a search holding one was a server error on every
    list page; no address of the product ever needs one. Form bodies are checked by their fields.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path, *request.GET.keys()]
        values += [value for key in request.GET for value in request.GET.getlist(key)]
        if any("\x00" in value for value in values):
            return HttpResponseBadRequest(_("Adresse refusée : elle contient un caractère nul."),
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's login requirement, extended to the admin and static files served in debug."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/static/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class NoStoreMiddleware:
    """Pages carry personal health data: browsers and proxies must not keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class ServerHeaderMiddleware:
    """No response names the software that serves it: `Server` carries settings.SERVER_HEADER.

    First in the chain, so it also covers the static files whitenoise answers and every error page.
    runserver writes its own `WSGIServer/… CPython/…` only when the application sent none. gunicorn
    writes its own header whatever the application sends; gunicorn.conf.py makes that one neutral
    instead, and the application's is left out there so that a response has a single `Server`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.META.get("SERVER_SOFTWARE", "").startswith("gunicorn"):
            response.headers.pop("Server", None)
        else:
            response["Server"] = settings.SERVER_HEADER
        return response
