"""In a real Chromium: a user logs in and sees the home page in French."""

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_shows_the_home_page_in_french(live_server, page, screenshot):
    unit = factories.facility(code="upb-browser")
    factories.user(role="therapist", facility=unit, username="therese")

    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "fr"
    page.fill("input[name=username]", "therese")
    page.fill("input[name=password]", factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")

    assert page.locator("h1").inner_text().startswith("Bonjour")
    assert unit.name in page.inner_text("body")
    assert page.locator("nav").get_by_role("link", name="Admissions").is_visible()
    # Bootstrap is served locally: the navbar is styled (a dark primary background).
    background = page.evaluate("getComputedStyle(document.querySelector('nav.navbar')).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.console_errors == []
    screenshot(page, "login-home")
