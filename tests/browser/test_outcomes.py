"""In Chromium: a manager opens the « Évolution » section; the paired chart draws the means its table gives."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from admissions import services as adm
from assessments.services import assessment_record
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (entry, exit) PIR-GAS of five discharged stays: means 51 → 69.
PIRGAS = [(40, 62), (50, 75), (55, 70), (60, 58), (50, 80)]


def test_the_outcome_chart_draws_the_numbers_of_its_table(live_server, page, screenshot):
    unit = factories.facility(code="upb-evo", capacity=10)
    manager = factories.user(role="manager", facility=unit, username="direction")
    therapist = factories.user(role="therapist", facility=unit, username="psy")
    for n, (entry, exit_) in enumerate(PIRGAS):
        admitted = date(2025, 2, 1) + timedelta(days=7 * n)
        child = factories.child(family=factories.family(facility=unit), birth_date=date(2024, 11, 1), sex="FM"[n % 2])
        stay = factories.stay(facility=unit, child=child, admitted_on=admitted)
        discharged = admitted + timedelta(days=150)
        for day, value in ((admitted + timedelta(days=3), entry), (discharged - timedelta(days=5), exit_)):
            assessment_record(user=therapist, stay=stay, child=child, instrument_code="pirgas", assessed_on=day,
                              scores={"score": value})
        adm.stay_discharge(user=None, stay=stay, discharged_on=discharged, discharge_kind="planned",
                           residence_after="home_with_parent")

    sign_in(page, live_server, manager.username)
    page.goto(f"{live_server.url}/dashboards/?year=2025#outcomes")
    section = page.locator("section#outcomes")
    expect(section.locator("h2")).to_have_text("Évolution")
    chart = page.locator("[data-testid=chart-outcome_measures]")
    chart.locator("svg.main-svg").first.wait_for()
    expect(chart).to_have_attribute("data-drawn", "true")
    # The table's PIR-GAS row and the bold mean line of the chart's PIR-GAS panel.
    row = page.locator("[data-testid=table-outcome_measures] tbody tr", has_text="PIR-GAS")
    cells = row.locator("td").all_inner_texts()
    assert cells[1:5] == ["5", "51,0", "69,0", "18,0"]
    means = page.evaluate("""() => {
        const div = document.querySelector('[data-testid=chart-outcome_measures]');
        const trace = div.data.find(t => t.meta === 'pirgas');
        return trace.y;
    }""")
    assert [f"{v:.1f}".replace(".", ",") for v in means] == cells[2:4]
    # The text drawn on the chart says the same numbers.
    drawn = chart.locator(".textpoint text").all_text_contents()
    assert "51,0" in drawn and "69,0" in drawn
    # The forest chart and the disposition beside their tables.
    page.locator("[data-testid=chart-outcome_breakdown] svg.main-svg").first.wait_for()
    disposition = page.locator("[data-testid=table-outcome_disposition] tbody tr").first.locator("td")
    assert disposition.all_inner_texts()[:2] == ["Séjours terminés", "5"]
    assert page.console_errors == []
    section.scroll_into_view_if_needed()
    screenshot(page, "dashboard-outcomes")

    # The cohort comparison, from the section's link: the five discharge years of the unit.
    page.locator("[data-testid=cohorts-link]").click()
    page.locator("#c-mode-y").check()
    page.locator("#c-year").select_option("2025")
    page.get_by_role("button", name="Comparer").click()
    expect(page.locator("[data-testid=cohort-summary]")).to_contain_text("de 2021 à 2025")
    page.locator("[data-testid=chart-cohorts] svg.main-svg").first.wait_for()
    row = page.locator("[data-testid=table-cohort_measures] tbody tr", has_text="2025").filter(has_text="PIR-GAS")
    assert row.locator("td").all_inner_texts()[2:6] == ["5", "51,0", "69,0", "18,0"]
    assert page.console_errors == []
    screenshot(page, "cohorts")
