"""A stay page prints on its own: on paper, no navigation nor buttons, the facility, who printed it and
when at the top, and a confidentiality line at the foot of every page (Chromium's own PDF, read back)."""

import re
import shutil
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import world as w
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CONFIDENTIAL = "Document confidentiel"


def test_a_stay_prints_with_its_facility_who_printed_it_and_a_confidentiality_line(live_server, page, tmp_path):
    world = w.build()
    sign_in(page, live_server, w.USERS["therapist"])
    page.goto(f"{live_server.url}/admissions/stays/{world.stay.pk}/")
    expect(page.get_by_test_id("print-header")).to_be_hidden()  # on screen: nothing of it
    page.emulate_media(media="print")
    expect(page.get_by_test_id("print-header")).to_be_visible()
    expect(page.get_by_test_id("print-footer")).to_be_visible()
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.get_by_role("link", name="Modifier le séjour")).to_have_count(0)  # the therapist's buttons hidden
    assert page.locator(".btn:visible").count() == 0
    pdf = tmp_path / "sejour.pdf"
    page.pdf(path=str(pdf), format="A4")
    if not shutil.which("pdftotext"):
        pytest.skip("poppler (pdftotext) is not installed: make test-deps installs it")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    first = pages[0]
    assert world.facility.name in first
    stamp = timezone.localtime().strftime("%d/%m/%Y")
    assert re.search(rf"Imprimé par Psy Test \(psy\) le {stamp} \d\d:\d\d", first), first[:400]
    assert all(CONFIDENTIAL in p for p in pages), "the confidentiality line on every page"
    assert "Chronologie" in text and "Alice Test" in text
    assert "Se déconnecter" not in text and "Tableaux de bord" not in text
