"""A clinician files a paper and records a consent on the family page, in a real browser."""

from __future__ import annotations

from datetime import date

import pytest

from tests import factories
from tests.browser.helpers import sign_in
from tests.documents import factories as doc_factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filing_a_paper_and_a_consent_on_the_family_page(page, live_server, screenshot, tmp_path):
    facility = factories.facility(code="upb-doc")
    factories.user(role="admissions", facility=facility, username="clinicienne")
    family = factories.family(facility=facility, reference="UPB-2026-031")
    child = factories.child(family=family)
    mother = factories.adult(family=family)
    stay = factories.stay(facility=facility, child=child)
    doc_factories.consent(facility=facility, adult=mother, scope="video_recording", decided_on=date(2025, 9, 1))
    sign_in(page, live_server, "clinicienne")

    page.goto(f"{live_server.url}/documents/families/{family.pk}/upload/?stay={stay.pk}")
    fake = tmp_path / "ordonnance.pdf"
    fake.write_bytes(doc_factories.HTML)
    page.select_option("select[name=kind]", "court_order")
    page.fill("input[name=title]", "Ordonnance de placement")
    page.fill("input[name=valid_until]", "2026-12-20")
    page.set_input_files("input[name=file]", str(fake))
    page.get_by_role("button", name="Déposer le document").click()
    assert "Format refusé" in page.content()
    page.console_errors.clear()  # the refused form answers 400, as every form page with errors

    real = tmp_path / "ordonnance-vraie.pdf"
    real.write_bytes(doc_factories.PDF)
    page.set_input_files("input[name=file]", str(real))
    page.get_by_role("button", name="Déposer le document").click()
    page.wait_for_url(f"{live_server.url}/admissions/families/{family.pk}/")
    assert "Ordonnance de placement" in page.locator("[data-testid=family-documents]").inner_text()

    page.get_by_role("link", name="Enregistrer").click()
    page.select_option("select[name=adult]", str(mother.pk))
    page.select_option("select[name=scope]", "network_sharing")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"{live_server.url}/admissions/families/{family.pk}/")
    consents = page.locator("[data-testid=consents]").inner_text()
    assert "Partage avec le réseau" in consents and "Donné" in consents
    assert page.console_errors == []
    screenshot(page, "documents-family-page")
    page.goto(f"{live_server.url}/admissions/stays/{stay.pk}/")
    assert "Ordonnance de placement" in page.locator("[data-testid=timeline]").inner_text()
    screenshot(page, "documents-stay-page")
