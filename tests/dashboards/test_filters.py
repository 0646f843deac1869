"""Dashboard periods far in the past or future: a French message (400), never a server error."""

from datetime import date

import pytest
from django.core.management import CommandError
from django.urls import reverse

from dashboards.filters import period_problem
from dashboards.management.report_arguments import facilities_and_period

EXTREMES = [
    "period=custom&start=0001-01-01&end=0001-12-31",
    "period=custom&start=9999-01-01&end=9999-12-31",
    "period=custom&start=0001-01-01&end=0001-01-01",
    "period=custom&start=9999-12-31&end=9999-12-31",
    "start=1899-12-31&end=1900-12-31",
    "start=2100-12-31&end=2101-01-01",
    "year=1",
    "year=9999",
    "year=-5",
]
PAGES = ["dashboards:index", "dashboards:report_json", "dashboards:table_csv", "dashboards:exports"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", EXTREMES)
@pytest.mark.parametrize("name", PAGES)
def test_out_of_range_years_get_a_french_message(login, users_a, facility_a, name, query):
    user = users_a["manager"]  # reads the dashboards and exports of facility A
    response = login(user).get(f"{reverse(name)}?{query}&table=age_pyramid")
    assert response.status_code == 400
    body = response.json()["error"] if name == "dashboards:report_json" else response.content.decode()
    assert "Année invalide" in body or "entre 1900 et 2100" in body, body[:300]


@pytest.mark.django_db
def test_the_download_refuses_them_too(login, users_a):
    response = login(users_a["manager"]).post(reverse("dashboards:export_download"),
                                              {"period": "custom", "start": "9999-01-01", "end": "9999-12-31"})
    assert response.status_code == 400
    assert "entre 1900 et 2100" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "0001-12-31"), ("9999-01-01", "9999-12-31")])
def test_report_commands_refuse_them_in_french(facility_a, start, end):
    with pytest.raises(CommandError, match="entre 1900 et 2100"):
        facilities_and_period([facility_a.code], start, end)


def test_period_problem_bounds_are_inclusive():
    assert period_problem(date(1900, 1, 1), date(2100, 12, 31)) is None
    assert period_problem(date(1899, 12, 31), date(1900, 12, 31))
    assert period_problem(date(2100, 1, 1), date(2101, 1, 1))
    assert period_problem(date(2025, 12, 31), date(2025, 1, 1))  # end before start
