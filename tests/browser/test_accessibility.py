"""axe-core on every main page, as each role reaches it: no serious or critical violation (contrast, names,
nested controls…). axe-core is installed from npm (package.json) and injected by the test."""

import pytest

from tests.browser import world as w
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser):
    """A page whose CSP lets the test inject axe-core (the site's own policy allows only its own scripts)."""
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def unit_world():
    if not w.AXE.exists():
        pytest.skip(f"axe-core is not installed at {w.AXE} (make install runs npm ci)")
    return w.build()


@pytest.mark.parametrize("role", list(w.USERS))
def test_no_serious_accessibility_violation_on_the_main_pages(live_server, page, unit_world, role):
    sign_in(page, live_server, w.USERS[role])
    found = {}
    for path in unit_world.pages(role):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        violations = w.axe_violations(page)
        if violations:
            found[path] = violations
    assert not found, "\n".join(f"{path}: {v['id']} ({v['impact']}) {v['help']}\n    " + "\n    ".join(v["nodes"])
                                for path, vs in found.items() for v in vs)


def test_the_login_page_has_no_serious_accessibility_violation(live_server, page):
    if not w.AXE.exists():
        pytest.skip(f"axe-core is not installed at {w.AXE}")
    page.goto(f"{live_server.url}/accounts/login/")
    assert w.axe_violations(page) == []
