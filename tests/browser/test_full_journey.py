"""The whole journey in Chromium, one role after another, with a screenshot of each step:
request and admission, a Bayley, the end of the stay, the dashboard, the funder workbook."""

import re
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from admissions.models import Stay
from assessments.models import Assessment
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_whole_journey(live_server, page, screenshot, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the exported workbook is kept there
    unit = factories.facility(code="upb-journey-all", capacity=10)
    for role, name in (("admissions", "accueil"), ("therapist", "psy"), ("manager", "direction"),
                       ("reporting", "rapports")):
        factories.user(role=role, facility=unit, username=name)
    today = timezone.localdate()
    family = factories.family(facility=unit, reference="UPB-2026-100")
    factories.child(family=family, birth_date=today - timedelta(days=200), gestational_weeks=34)
    factories.adult(family=family, role="mother")

    # 1. The admitting clinician records the request and admits.
    sign_in(page, live_server, "accueil")
    page.goto(f"{live_server.url}/admissions/families/{family.pk}/")
    page.get_by_role("link", name="Nouvelle demande").click()
    page.select_option("select[name=requester]", "professional")
    page.select_option("select[name=referrer_category]", "hospital_paediatrics")
    page.select_option("select[name=reason]", "parent_infant_relationship")
    page.check("input[name=children]")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r".*/admissions/requests/\d+/$"))
    radios = page.locator("#eligibility-form input[type=radio][value=met]")
    for index in range(radios.count()):
        radios.nth(index).check()
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "eligible")
    page.get_by_role("button", name="Enregistrer la vérification").click()
    page.select_option("select[name=decision]", "accepted")
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.select_option("select[name=residence_before]", "hospital")
    page.get_by_role("checkbox", name=re.compile("Mère")).check()
    page.get_by_role("button", name="Admettre").click()
    expect(page.locator(".alert-success")).to_contain_text("admis")
    stay = Stay.objects.get()
    screenshot(page, "journey-all-1-admitted")

    # 2. The therapist enters a Bayley-4.
    sign_in(page, live_server, "psy")
    page.goto(f"{live_server.url}/assessments/stays/{stay.pk}/new/bayley4/")
    for field, value in {"cog_ss": "9", "rc_ss": "8", "ec_ss": "8", "fm_ss": "10", "gm_ss": "9",
                         "cog": "95", "lang": "88", "motor": "94"}.items():
        page.fill(f"input[name=s_{field}]", value)
    page.get_by_role("button", name="Enregistrer l'évaluation").click()
    page.wait_for_url(re.compile(r".*/assessments/\d+/$"))
    assert Assessment.objects.get().corrected_age_days is not None
    screenshot(page, "journey-all-2-bayley")

    # 3. The stay ends.
    sign_in(page, live_server, "accueil")
    page.goto(f"{live_server.url}/admissions/stays/{stay.pk}/discharge/")
    page.select_option("select[name=discharge_kind]", "planned")
    page.select_option("select[name=residence_after]", "home_with_parent")
    page.check("input[name=confirm_without_exit_diagnosis]")
    page.get_by_role("button", name="Enregistrer la sortie").click()
    page.wait_for_url(f"{live_server.url}/admissions/stays/{stay.pk}/")
    stay.refresh_from_db()
    assert stay.discharged_on == today
    screenshot(page, "journey-all-3-discharged")

    # 4. The manager opens the dashboard: the charts are drawn.
    sign_in(page, live_server, "direction")
    page.goto(f"{live_server.url}/dashboards/?year={today.year}")
    for name in ("age_pyramid", "residence_flow"):
        chart = page.locator(f"[data-testid=chart-{name}]")
        expect(chart).to_have_attribute("data-drawn", "true")
    expect(page.locator("[data-testid=summary]")).to_contain_text("1")
    screenshot(page, "journey-all-4-dashboard")

    # 5. The reporting officer downloads the funder workbook; it opens.
    sign_in(page, live_server, "rapports")
    page.goto(f"{live_server.url}/dashboards/exports/?year={today.year}&facility={unit.code}")
    with page.expect_download() as download_info:
        page.locator("[data-testid=export-form] button[type=submit]").click()
    path = tmp_path / "downloaded.xlsx"
    download_info.value.save_as(path)
    workbook = openpyxl.load_workbook(path)
    assert len(workbook.sheetnames) > 3
    screenshot(page, "journey-all-5-exports")
    assert [e for e in page.console_errors if "status of 400" not in e] == []
