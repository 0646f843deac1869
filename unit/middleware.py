"""Request middleware: login everywhere but the public entry points, and no caching of pages."""

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
