"""Small counts on screens: a role without named access sees the published cells (small counts masked) on
the page, in the JSON and in the CSV; a role with named access sees the exact figures."""

import csv
import io
import re
from datetime import date

import pytest
from django.urls import reverse

from dashboards.exports import InternalProfile
from tests import factories
from unit import services as unit_services

pytestmark = pytest.mark.django_db

K = InternalProfile().small_cell_threshold
DAY = date(2025, 9, 10)
# A small count shows as "< k"; a table whose small counts cannot be protected is withheld ("s" everywhere).
MARKS = {f"< {K}", "s"}


@pytest.fixture
def one_child(facility_a):
    """One girl of 6 months admitted on DAY: every count of that single day is 1."""
    return factories.stay(facility=facility_a, admitted_on=DAY)  # born 2025-03-01


def _query(facility, extra=""):
    return f"?facility={facility.code}&period=custom&start={DAY}&end={DAY}{extra}"


def _table_html(page: str, name: str) -> str:
    match = re.search(rf'data-testid="table-{name}">(.*?)</table>', page, re.S)
    assert match, name
    return match.group(1)


def test_the_reporting_officer_sees_small_cells_masked_on_the_page(login, users_a, facility_a, one_child):
    response = login(users_a["reporting"]).get(reverse("dashboards:index") + _query(facility_a))
    assert response.status_code == 200
    page = response.content.decode()
    pyramid = _table_html(page, "age_pyramid")
    assert re.search(rf">\s*(&lt; {K}|s)\s*<", pyramid)
    assert not re.search(r">\s*1\s*<", pyramid)
    assert 'data-testid="small-cells"' in page
    for name in ("admission_mode", "mandate", "residence_before"):
        assert not re.search(r">\s*1\s*<", _table_html(page, name)), name
    # The charts of counts would give the hidden counts back: none is embedded.
    assert 'id="fig-age_pyramid"' not in page and 'id="fig-mandate"' not in page


def test_the_reporting_officer_gets_the_published_cells_in_the_json(login, users_a, facility_a, one_child):
    data = login(users_a["reporting"]).get(reverse("dashboards:report_json") + _query(facility_a)).json()
    assert "children_by_sex" not in data and "age_band_by_sex" not in data
    assert data["small_cells"]["threshold"] == K
    rows = data["tables"]["age_pyramid"]["rows"]
    assert rows[1][1] in MARKS  # 6–11 months, girls: 1
    assert 1 not in [cell for row in rows for cell in row[1:4]]
    assert data["period"] == {"start": DAY.isoformat(), "end": DAY.isoformat(), "facilities": [facility_a.code]}


def test_the_reporting_officer_gets_the_published_cells_in_the_csv(login, users_a, facility_a, one_child):
    response = login(users_a["reporting"]).get(reverse("dashboards:table_csv") + _query(facility_a,
                                                                                        "&table=age_pyramid"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[2][0] == "6–11 mois" and rows[2][1] in MARKS
    assert "1" not in [cell for row in rows[1:] for cell in row[1:4]]


def test_the_manager_still_sees_exact_figures(login, users_a, facility_a, one_child):
    client = login(users_a["manager"])
    page = client.get(reverse("dashboards:index") + _query(facility_a)).content.decode()
    assert re.search(r">\s*1\s*<", _table_html(page, "age_pyramid"))
    assert f"&lt; {K}" not in page
    data = client.get(reverse("dashboards:report_json") + _query(facility_a)).json()
    assert data["children_by_sex"] == {"F": 1, "M": 0}
    rows = list(csv.reader(io.StringIO(client.get(reverse("dashboards:table_csv") + _query(
        facility_a, "&table=age_pyramid")).content.decode("utf-8-sig")), delimiter=";"))
    assert rows[2][:3] == ["6–11 mois", "1", "0"]


def test_named_access_in_only_some_of_the_facilities_masks(login, users_a, facility_a, facility_b, one_child):
    """A manager of A who is a reporting officer of B sees a report over A and B masked."""
    manager = users_a["manager"]
    unit_services.membership_grant(user=None, member=manager, facility=facility_b, role="reporting")
    query = f"?facility={facility_a.code}&facility={facility_b.code}&period=custom&start={DAY}&end={DAY}"
    data = login(manager).get(reverse("dashboards:report_json") + query).json()
    assert "children_by_sex" not in data and data["small_cells"]["threshold"] == K


def test_a_table_whose_chart_is_not_drawn_takes_the_row(login, users_a, facility_a, one_child):
    """Masked, the count charts are left out: their tables take the whole row, no empty chart column."""
    import re

    page = login(users_a["reporting"]).get(reverse("dashboards:index") + _query(facility_a)).content.decode()
    blocks = re.findall(r'data-testid="block-[a-z_]+">(.*?)</h3>', page, flags=re.S)
    assert blocks and all('class="col-lg-7">' not in block or "data-figure" in block for block in blocks)
    assert 'class="col-lg-8"' in page
