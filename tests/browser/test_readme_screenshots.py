"""The README's first screen: the dashboard and a stay, as a manager sees them at 1366 × 768. Saved under
var/screenshots; with DOCS_SCREENSHOTS=1 (make screenshots) also under docs/screenshots, to be committed."""

import os
import shutil
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import world as w
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_the_readme_screenshots_of_the_dashboard_and_a_stay(live_server, browser, screenshot):
    world = w.build()
    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        sign_in(page, live_server, w.USERS["manager"])
        page.goto(f"{live_server.url}/dashboards/?year={timezone.localdate().year}")
        expect(page.locator("[data-testid=chart-age_pyramid]")).to_have_attribute("data-drawn", "true")
        shots = {"dashboard": page.screenshot(full_page=False)}
        page.goto(f"{live_server.url}/admissions/stays/{world.stay.pk}/")
        expect(page.get_by_test_id("timeline")).to_be_visible()
        shots["stay"] = page.screenshot(full_page=False)
    finally:
        context.close()
    for name, png in shots.items():
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        path = screenshot.__globals__["SCREENSHOTS"] / f"readme-{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        if os.environ.get("DOCS_SCREENSHOTS") == "1":
            DOCS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS / f"{name}.png")
