"""A NUL byte in a query string is refused (400) on every page, before any view or database sees it.

PostgreSQL refuses NUL in a text value ("A string literal cannot contain NUL"), so a filter or a search
holding one was a server error (500) on the list pages; SQLite lets it through. Run on both backends.
"""

from __future__ import annotations

import pytest
from django.db import DataError, connection
from django.urls import reverse

from admissions.models import Family
from tests import factories

# Every page with a GET filter or search: (role that reads it, URL name, the parameters it reads).
FILTER_PAGES = [
    ("therapist", "admissions:index", ("status", "facility")),
    ("therapist", "admissions:board", ("facility",)),
    ("therapist", "admissions:waiting_list", ("facility",)),
    ("therapist", "admissions:families", ("q",)),
    ("therapist", "admissions:diagnosis_codes", ("q", "classification")),
    ("therapist", "assessments:index", ("facility",)),
    ("therapist", "assessments:alerts", ("show",)),
    ("admin", "audit_list", ("user", "action", "what", "object_id", "date_from")),
    ("manager", "dashboards:index", ("facility", "period", "year")),
    ("manager", "dashboards:report_json", ("facility", "year")),
    ("manager", "dashboards:table_csv", ("facility", "table")),
    ("manager", "dashboards:exports", ("facility", "year")),
    ("superuser", "admin:admissions_referrerorganisation_changelist", ("q",)),
    ("superuser", "admin:auth_user_changelist", ("q",)),
]
CASES = [pytest.param(role, name, param, id=f"{name}-{param}")
         for role, name, params in FILTER_PAGES for param in params]


@pytest.fixture
def users(users_a):
    return users_a | {"superuser": factories.user(username="root", is_superuser=True, is_staff=True)}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "name", "param"), CASES)
def test_a_nul_byte_in_a_filter_is_a_400_with_a_french_message(login, users, name, role, param):
    client = login(users[role])
    url = reverse(name)
    extra = "&table=age_pyramid" if name == "dashboards:table_csv" else ""
    assert client.get(f"{url}?{param}=ab{extra}").status_code < 500  # the page itself answers
    response = client.get(f"{url}?{param}=a%00b{extra}")
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["%00=1", "q%00=1", "q=%00", "q=x&q=%00"])
def test_a_nul_byte_anywhere_in_the_query_string_is_refused(login, users_a, query):
    assert login(users_a["therapist"]).get(f"{reverse('admissions:families')}?{query}").status_code == 400


@pytest.mark.django_db
def test_a_nul_byte_in_the_path_is_refused(login, users_a):
    assert login(users_a["admin"]).get("/history/admissions%00/family/1/").status_code == 400


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_refuses_nul_in_a_filter_which_is_why_the_pages_guard_it():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite accepts NUL in text")
    with pytest.raises(DataError, match="NUL"):
        Family.objects.filter(reference__icontains="a\x00b").exists()
