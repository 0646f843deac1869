"""In Chromium: a therapist enters a Bayley-4 for a preterm child, sees the corrected age and the trajectory drawn."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Assessment
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bayley4_for_a_preterm_child(live_server, page, screenshot):
    unit = factories.facility(code="upb-bayley", capacity=10)
    factories.user(role="therapist", facility=unit, username="therapeute", first_name="Inès", last_name="T")
    today = timezone.localdate()
    family = factories.family(facility=unit, reference="UPB-2026-002")
    # Born at 32 weeks, about six months ago: eight weeks of correction.
    child = factories.child(family=family, birth_date=today - timedelta(days=183), gestational_weeks=32)
    stay = factories.stay(facility=unit, child=child, admitted_on=today - timedelta(days=20))

    sign_in(page, live_server, "therapeute")

    page.goto(f"{live_server.url}/admissions/stays/{stay.pk}/")
    page.get_by_role("link", name="Nouvelle évaluation").click()
    page.get_by_role("link", name="Bayley-4").click()
    corrected = page.locator("[data-testid=corrected-age]").inner_text()
    assert corrected.startswith("4 mois")
    for field, value in {"cog_ss": "8", "rc_ss": "9", "ec_ss": "7", "fm_ss": "10", "gm_ss": "6",
                         "cog": "90", "lang": "88", "motor": "85"}.items():
        page.fill(f"input[name=s_{field}]", value)
    screenshot(page, "bayley-1-entry")
    page.get_by_role("button", name="Enregistrer l'évaluation").click()
    page.wait_for_url(f"{live_server.url}/assessments/*/")
    assessment = Assessment.objects.get()
    assert assessment.scores["cog"] == 90 and assessment.corrected_age_days == 183 - 56
    assert page.locator("[data-testid=corrected-age]").inner_text().startswith("4 mois")

    page.get_by_role("link", name="trajectoire").click()
    chart = page.locator("[data-testid=chart-bayley4]")
    chart.locator("svg.main-svg").first.wait_for()
    expect(chart).to_have_attribute("data-drawn", "true")
    assert chart.locator(".scatterlayer .trace").count() == 3  # cognitive, language, motor
    assert "Âge corrigé" in chart.inner_text()
    assert page.console_errors == []
    screenshot(page, "bayley-2-trajectory")
