"""Every URL pattern, walked anonymously: a login redirect, never a page or a server error."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC = {"login", "healthz", "set_language", "logout"}


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "admin":
                continue  # the admin has its own login, tested separately
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def _url(name: str, pattern: URLPattern) -> str:
    kwargs = {}
    for key, converter in pattern.pattern.converters.items():
        kwargs[key] = 1 if converter.__class__.__name__ == "IntConverter" else "x"
    return reverse(name, kwargs=kwargs)


ALL = sorted(_patterns(), key=lambda item: item[0])


def test_the_walk_sees_the_main_entry_points():
    names = {name for name, _ in ALL}
    assert {"home", "healthz", "login", "admissions:index", "assessments:index", "dashboards:index"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("name,pattern", ALL, ids=[name for name, _ in ALL])
def test_anonymous_request_is_sent_to_login(client, name, pattern):
    if name in PUBLIC:
        pytest.skip("public entry point")
    url = _url(name, pattern)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith(reverse("login")), response["Location"]


@pytest.mark.django_db
def test_admin_sends_anonymous_to_a_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
def test_login_page_is_public_and_french_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()
    assert "Connexion" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
