"""In Chromium: a therapist logs a call from a professional without opening a dossier (no name asked), sees it
counted; the manager sees it in the dashboard's activity. Screenshots: var/screenshots/contacts-*.png."""

from datetime import date

import pytest
from django.utils import timezone

from journal import services
from journal.models import Contact
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_a_contact_and_see_it_counted(live_server, page, screenshot):
    unit = factories.facility(code="upb-contacts", capacity=10)
    factories.user(role="therapist", facility=unit, username="psy-contacts")
    factories.user(role="manager", facility=unit, username="direction-contacts")
    year = timezone.localdate().year
    for n in range(9):
        services.contact_record(user=None, facility=unit, contacted_on=date(year, 1, 10 + n),
                                caller=("parent", "relative", "professional")[n % 3],
                                referrer_category="gp" if n % 3 == 2 else "", topic="parenting_support",
                                duration_min=10 + n, outcome=("advice", "oriented", "request_opened")[n % 3])

    sign_in(page, live_server, "psy-contacts")
    page.get_by_role("link", name="Contacts sans dossier").first.click()
    page.get_by_test_id("contact-new").click()
    assert page.locator("textarea").count() == 0
    page.select_option("select[name=caller]", "professional")
    page.select_option("select[name=referrer_category]", "hospital_maternity")
    page.select_option("select[name=topic]", "difficult_pregnancy")
    page.fill("input[name=duration_min]", "25")
    page.select_option("select[name=outcome]", "request_opened")
    screenshot(page, "contacts-1-form")
    page.get_by_role("button", name="Enregistrer le contact").click()
    page.wait_for_url(f"{live_server.url}/journal/contacts/")
    assert Contact.objects.filter(referrer_category="hospital_maternity", duration_min=25).count() == 1
    assert page.get_by_test_id("contact-count-n").inner_text() == "10"
    screenshot(page, "contacts-2-list")
    assert page.console_errors == []

    sign_in(page, live_server, "direction-contacts")
    page.goto(f"{live_server.url}/dashboards/?year={year}")
    table = page.locator("[data-testid=table-contacts_without_file]")
    table.scroll_into_view_if_needed()
    assert "Appelant : professionnel du réseau" in table.inner_text()
    table.screenshot(path=str(_path("contacts-3-dashboard")))


def _path(name: str):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
