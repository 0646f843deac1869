"""Every screen size: on a phone (390 px) the navigation folds behind its button and the main pages fit the
width (a wide table scrolls inside its own box, never the page); on a laptop (1366 px) nothing overflows."""

import pytest
from playwright.sync_api import expect

from tests.browser import world as w
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
# What scrolls sideways: the page itself (its scroll width beyond the window), or an element sticking out.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  document.querySelectorAll('body *').forEach(el => {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !el.closest('.table-responsive, .overflow-auto, .js-plotly-plot')) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + [...el.classList].join('.') +
               ' right=' + Math.round(box.right));
    }
  });
  return {scroll: document.documentElement.scrollWidth, width: width, out: out.slice(0, 8)};
}"""


@pytest.fixture
def unit_world():
    return w.build()


def _sized_page(browser, viewport):
    context = browser.new_context(locale="fr-FR", viewport=viewport)
    return context, context.new_page()


def _overflows(page, live_server, paths) -> dict:
    found = {}
    for path in paths:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        page.wait_for_load_state("networkidle")
        measure = page.evaluate(OVERFLOW)
        if measure["scroll"] > measure["width"] or measure["out"]:
            found[path] = measure
    return found


# The pages of the issue on a phone: the board, the admissions index, the dashboard and the trajectory; then
# every main page of each role.
PHONE_PAGES = {"admissions": lambda world: ["/admissions/board/", "/admissions/",
                                            f"/admissions/stays/{world.stay.pk}/"],
               "therapist": lambda world: [f"/assessments/children/{world.child.pk}/", "/assessments/"],
               "manager": lambda world: [w.World.pages(world, "manager")[1]]}


@pytest.mark.parametrize("role", list(PHONE_PAGES))
def test_the_main_pages_fit_a_phone(live_server, browser, unit_world, role):
    context, page = _sized_page(browser, PHONE)
    try:
        sign_in(page, live_server, w.USERS[role])
        found = _overflows(page, live_server, PHONE_PAGES[role](unit_world))
        assert not found, found
    finally:
        context.close()


def test_the_navigation_folds_behind_its_button_on_a_phone(live_server, browser, unit_world, screenshot):
    context, page = _sized_page(browser, PHONE)
    try:
        sign_in(page, live_server, w.USERS["manager"])
        page.goto(f"{live_server.url}/admissions/board/")
        links = page.locator("#main-nav")
        expect(links).to_be_hidden()
        toggle = page.get_by_test_id("nav-toggle")
        expect(toggle).to_be_visible()
        expect(toggle).to_have_attribute("aria-label", "Afficher le menu")
        toggle.click()
        expect(links).to_have_class("navbar-collapse flex-wrap collapse show")  # the opening transition done
        expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
        expect(page.get_by_role("link", name="Tableaux de bord")).to_be_visible()
        screenshot(page, "phone-navigation-open")
    finally:
        context.close()


@pytest.mark.parametrize("role", list(w.USERS))
def test_nothing_overflows_a_laptop_screen(live_server, browser, unit_world, role):
    context, page = _sized_page(browser, LAPTOP)
    try:
        sign_in(page, live_server, w.USERS[role])
        assert page.get_by_test_id("nav-toggle").is_hidden()  # the navigation is laid out in full
        found = _overflows(page, live_server, unit_world.pages(role))
        assert not found, found
    finally:
        context.close()
