"""Request middleware: login everywhere but the public entry points, no caching of pages, a neutral Server."""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired


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
