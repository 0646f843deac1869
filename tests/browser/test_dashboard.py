"""In Chromium: a manager opens the dashboard; the pyramid and both Sankeys are drawn, no console error."""

from datetime import date

import pytest
from playwright.sync_api import expect

from admissions import services as adm
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_sees_the_charts_drawn(live_server, page, screenshot):
    unit = factories.facility(code="upb-dash", capacity=10)
    factories.user(role="manager", facility=unit, username="direction")
    for n, (birth, admitted) in enumerate([(date(2025, 1, 5), date(2025, 3, 1)), (date(2024, 11, 2), date(2025, 4, 2)),
                                           (date(2025, 2, 1), date(2025, 5, 10))]):
        stay = factories.stay(facility=unit, child=factories.child(family=factories.family(facility=unit),
                                                                   birth_date=birth, sex="FM"[n % 2]),
                              admitted_on=admitted)
        adm.diagnosis_add(user=None, stay=stay, child=stay.child, timepoint="entry", classification="icd11",
                          code="6B44", primary=True)
        adm.diagnosis_add(user=None, stay=stay, child=stay.child, timepoint="exit", classification="icd11",
                          code="6B45" if n else "6B44", primary=True)
        adm.stay_discharge(user=None, stay=stay, discharged_on=date(2025, 9, 1), discharge_kind="planned",
                           residence_after="home_with_parent")

    sign_in(page, live_server, "direction")
    page.goto(f"{live_server.url}/dashboards/?year=2025")
    for name in ("age_pyramid", "diagnosis_entry_exit", "residence_flow"):
        chart = page.locator(f"[data-testid=chart-{name}]")
        chart.locator("svg.main-svg").first.wait_for()
        expect(chart).to_have_attribute("data-drawn", "true")
    # Entry 6B44 → exit 6B44 or 6B45: three nodes.
    assert page.locator("[data-testid=chart-diagnosis_entry_exit] .sankey-node").count() == 3
    assert page.locator("[data-testid=table-age_pyramid] tbody tr").count() == 5
    assert page.console_errors == []
    screenshot(page, "dashboard")


def test_the_charts_speak_french(live_server, page, screenshot):
    """The occupancy chart's months read « Jan », « May » and its numbers 0.5: plotly's default locale is English;
    the page registers its French locale (months « janv. », decimal comma) and draws with it."""
    unit = factories.facility(code="upb-fr", capacity=1)
    factories.user(role="manager", facility=unit, username="direction")
    kid = factories.child(family=factories.family(facility=unit), birth_date=date(2024, 12, 1), sex="F")
    factories.stay(facility=unit, child=kid, admitted_on=date(2025, 1, 10))

    sign_in(page, live_server, "direction")
    page.goto(f"{live_server.url}/dashboards/?year=2025")
    chart = page.locator("[data-testid=chart-occupancy]")
    chart.locator("svg.main-svg").first.wait_for()
    expect(chart).to_have_attribute("data-drawn", "true")
    months = chart.locator(".xtick text").all_text_contents()
    numbers = chart.locator(".ytick text").all_text_contents()
    assert months and all(any(m in tick for m in ("janv.", "mars", "mai", "juil.", "sept.", "nov.")) for tick in
                          months), months
    assert not [tick for tick in numbers if "." in tick], numbers
    assert any("," in tick for tick in numbers), numbers
    path = screenshot(page, "dashboard-fr")
    page.locator("[data-testid=chart-occupancy]").screenshot(path=str(path.with_name("dashboard-occupancy-fr.png")))
    page.locator("[data-testid=chart-requests]").screenshot(path=str(path.with_name("dashboard-requests-fr.png")))
