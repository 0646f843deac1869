"""In Chromium: a clinician records a request, sees the verdict change, accepts, admits with the mother, discharges."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from admissions.models import AdmissionRequest, PresencePeriod, Stay
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_to_discharge(live_server, page, screenshot):
    unit = factories.facility(code="upb-journey", capacity=10)
    factories.user(role="admissions", facility=unit, username="clinicienne")
    today = timezone.localdate()
    family = factories.family(facility=unit, reference="UPB-2026-001")
    factories.child(family=family, birth_date=today - timedelta(days=120))
    factories.adult(family=family, role="mother")

    sign_in(page, live_server, "clinicienne")
    page.goto(f"{live_server.url}/admissions/families/{family.pk}/")
    page.get_by_role("link", name="Nouvelle demande").click()
    page.select_option("select[name=requester]", "professional")
    page.select_option("select[name=referrer_category]", "hospital_maternity")
    page.fill("input[name=referrer_name]", "Maternité Saint-Pierre")
    page.select_option("select[name=reason]", "parent_infant_relationship")
    page.check("input[name=children]")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r".*/admissions/requests/\d+/$"))
    verdict = page.locator("[data-testid=verdict]")
    assert verdict.get_attribute("data-verdict") == "incomplete"
    screenshot(page, "journey-1-request")

    # Answer every manual criterion "met": the verdict turns eligible while answering.
    radios = page.locator("#eligibility-form input[type=radio][value=met]")
    for index in range(radios.count()):
        radios.nth(index).check()
    expect(verdict).to_have_attribute("data-verdict", "eligible")
    # One exclusion not met: the verdict turns not eligible and names the criterion.
    page.check("#eligibility-form input[name=c_no_parental_addiction][value=not_met]")
    expect(verdict).to_have_attribute("data-verdict", "not_eligible")
    assert "assuétude" in verdict.inner_text()
    page.check("#eligibility-form input[name=c_no_parental_addiction][value=met]")
    expect(verdict).to_have_attribute("data-verdict", "eligible")
    page.get_by_role("button", name="Enregistrer la vérification").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=verdict]").get_attribute("data-verdict") == "eligible"
    screenshot(page, "journey-2-eligible")

    page.select_option("select[name=decision]", "accepted")
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_load_state()
    assert "Acceptée" in page.locator("[data-testid=decision]").inner_text()

    page.select_option("select[name=residence_before]", "hospital")
    # The form asks who arrives with the child: nothing ticked is refused, the mother ticked starts her presence.
    page.get_by_role("button", name="Admettre").click()
    page.wait_for_load_state()
    assert not Stay.objects.exists()
    assert "Indiquez les parents" in page.inner_text("body")
    page.get_by_role("checkbox", name=re.compile("Mère")).check()
    page.get_by_role("button", name="Admettre").click()
    page.wait_for_load_state()
    stay = Stay.objects.get()
    assert AdmissionRequest.objects.get().decision == "accepted"
    page.goto(f"{live_server.url}/admissions/stays/{stay.pk}/")
    screenshot(page, "journey-3-admitted")
    assert page.locator("[data-testid=admission-mode]").inner_text() == "Mère seule"
    assert f"depuis le {today:%d/%m/%Y}" in page.locator("[data-testid=presence]").inner_text()

    page.get_by_role("link", name="Sortie", exact=True).click()
    page.select_option("select[name=discharge_kind]", "planned")
    page.select_option("select[name=residence_after]", "home_with_parent")
    page.get_by_role("button", name="Enregistrer la sortie").click()
    # No exit diagnosis: the form asks for confirmation, keeping what was chosen.
    assert "Aucun diagnostic de sortie" in page.inner_text("body")
    assert page.locator("select[name=residence_after]").input_value() == "home_with_parent"
    page.check("input[name=confirm_without_exit_diagnosis]")
    page.get_by_role("button", name="Enregistrer la sortie").click()
    page.wait_for_url(f"{live_server.url}/admissions/stays/{stay.pk}/")
    stay.refresh_from_db()
    assert stay.discharged_on == today
    assert PresencePeriod.objects.get().end == today
    # The refused discharge answered 400 on purpose (a form with errors); nothing else may fail.
    assert [e for e in page.console_errors if "status of 400" not in e] == []
    screenshot(page, "journey-4-discharged")


def test_verdict_shows_the_reply_to_the_latest_answers(live_server, page):
    """Replies that arrive late and out of order never overwrite the verdict of the latest answers."""
    unit = factories.facility(code="upb-race", capacity=10)
    factories.user(role="admissions", facility=unit, username="clinicienne")
    family = factories.family(facility=unit, reference="UPB-2026-002")
    child = factories.child(family=family, birth_date=timezone.localdate() - timedelta(days=120))
    factories.adult(family=family, role="mother")
    request = factories.request(facility=unit, family=family, children=[child], received_on=timezone.localdate())

    held = []
    page.route(re.compile(r".*/admissions/requests/\d+/evaluate/$"), lambda route: held.append(route))
    sign_in(page, live_server, "clinicienne")
    page.goto(f"{live_server.url}/admissions/requests/{request.pk}/")
    verdict = page.locator("[data-testid=verdict]")
    radios = page.locator("#eligibility-form input[type=radio][value=met]")
    for index in range(radios.count()):
        radios.nth(index).check()
    expect(verdict).to_have_attribute("data-verdict", "incomplete")  # nothing answered yet
    assert len(held) == radios.count()

    # The server answers the latest request first, then the stale ones.
    held[-1].continue_()
    expect(verdict).to_have_attribute("data-verdict", "eligible")
    for route in reversed(held[:-1]):
        try:
            route.continue_()
        except Exception:  # noqa: BLE001 - the page may already have cancelled that request
            pass
    page.wait_for_timeout(500)
    expect(verdict).to_have_attribute("data-verdict", "eligible")
    assert not page.console_errors
