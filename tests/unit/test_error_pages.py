"""The 403, 404 and 500 pages are French, in the site's layout, with the navigation (DEBUG off).

Written against Django's defaults ("403 Forbidden", "Not Found", "Server Error (500)"), which failed here first.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_errors(settings):
    settings.DEBUG = False


def _has_navigation(page: str) -> bool:
    return 'aria-label="Navigation principale"' in page and "Se déconnecter" in page


def test_not_found_is_french_with_the_navigation(login, users_a):
    response = login(users_a["therapist"]).get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in page and "Not Found" not in page
    assert _has_navigation(page)
    assert 'href="/admissions/"' in page  # the therapist's own links


def test_forbidden_is_french_with_the_navigation(login, users_a):
    response = login(users_a["reporting"]).get(reverse("assessments:index"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Accès refusé" in page and "Forbidden" not in page
    assert _has_navigation(page)


def test_server_error_is_french_with_the_navigation(client, users_a, settings):
    settings.ROOT_URLCONF = "tests.unit.error_urls"
    client.raise_request_exception = False
    client.force_login(users_a["manager"])
    response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Erreur du serveur" in page and "Server Error" not in page
    assert _has_navigation(page)


def test_not_found_for_a_visitor_is_french_without_the_navigation(client):
    response = client.get("/no-such-page/")
    assert response.status_code in (302, 404)  # the login wall may come first
    if response.status_code == 404:
        assert "Page introuvable" in response.content.decode()
