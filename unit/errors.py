"""The 500 page in the site's layout, with the user's navigation; plain French text when even that fails."""

import logging

from django.http import HttpRequest, HttpResponseServerError
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

PLAIN = "Erreur du serveur (500). Une erreur inattendue s'est produite ; elle a été enregistrée."


def server_error(request: HttpRequest) -> HttpResponseServerError:
    # Django's own handler renders 500.html without the request (no navigation): this one passes it, so the
    # page keeps the menu a user needs to go on; if the layout itself fails (the database is down), plain text.
    try:
        return HttpResponseServerError(render_to_string("500.html", request=request))
    except Exception:  # noqa: BLE001 - the error page must never fail in turn
        logger.exception("the 500 page could not be rendered")
        return HttpResponseServerError(PLAIN, content_type="text/plain; charset=utf-8")
