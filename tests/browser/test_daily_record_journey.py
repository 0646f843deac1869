"""In Chromium: a therapist writes a restricted note and a handover from a template, a manager does not see the
restricted one, a synthesis meeting reviews two goals of the care plan, the stay summary PDF downloads and the
family's chronology opens."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from admissions import services as adm
from journal import services as journal_services
from journal.models import CareGoal, Note
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journal_and_care_plan(live_server, page, screenshot):
    unit = factories.facility(code="upb-journal", capacity=10)
    therapist = factories.user(role="therapist", facility=unit, username="therapeute")
    factories.user(role="manager", facility=unit, username="direction")
    today = timezone.localdate()
    family = factories.family(facility=unit, reference="UPB-2026-031")
    child = factories.child(family=family, birth_date=today - timedelta(days=120))
    mother = factories.adult(family=family)
    stay = factories.stay(facility=unit, child=child, admitted_on=today - timedelta(days=30))
    for title, domain in (("Rythme de sommeil", "child_development"), ("Jeu partagé", "parent_child_relationship")):
        journal_services.goal_add(user=therapist, stay=stay, domain=domain, title=title, responsible=therapist)
    meeting = adm.meeting_add(user=therapist, stay=stay, held_on=today - timedelta(days=1), participants="équipe")

    sign_in(page, live_server, "therapeute")
    page.goto(f"{live_server.url}/admissions/stays/{stay.pk}/")
    page.get_by_role("link", name="Journal du séjour").click()
    page.get_by_role("link", name="Nouvelle note").click()
    page.select_option("select[name=kind]", "parent_interview")
    page.select_option("select[name=confidentiality]", "restricted")
    page.fill("textarea[name=text]", "Évoque son propre placement dans l'enfance.")
    page.get_by_role("button", name="Enregistrer la note").click()
    page.wait_for_url(f"{live_server.url}/journal/stays/{stay.pk}/")

    page.get_by_role("link", name="Nouvelle note").click()
    page.get_by_role("link", name="Transmission d'équipe").click()
    text = page.locator("textarea[name=text]")
    assert "Nuit :" in text.input_value() and "Inquiétudes :" in text.input_value()
    text.fill(text.input_value().replace("Nuit :", "Nuit : deux réveils, biberon à 3 h"))
    screenshot(page, "journal-1-handover-template")
    page.get_by_role("button", name="Enregistrer la note").click()
    page.wait_for_url(f"{live_server.url}/journal/stays/{stay.pk}/")
    assert page.locator("[data-testid=note]").count() == 2
    assert Note.objects.get(kind="team_handover").text.startswith("Nuit : deux réveils")
    screenshot(page, "journal-2-therapist")

    sign_in(page, live_server, "direction")
    page.goto(f"{live_server.url}/journal/stays/{stay.pk}/")
    notes = page.locator("[data-testid=note]")
    assert notes.count() == 1 and "biberon à 3 h" in notes.inner_text()
    assert "placement dans l'enfance" not in page.content()
    screenshot(page, "journal-3-manager")

    sign_in(page, live_server, "therapeute")
    page.goto(f"{live_server.url}/journal/stays/{stay.pk}/plan/")
    page.get_by_role("link", name="Revoir le projet").click()
    goals = page.locator("[data-testid=review-goal]")
    assert goals.count() == 2
    goals.nth(0).locator("select").select_option("achieved")
    goals.nth(0).locator("textarea").fill("Nuits complètes depuis dix jours.")
    goals.nth(1).locator("select").select_option("in_progress")
    goals.nth(1).locator("textarea").fill("Plus de regards partagés.")
    page.check(f"input[name=present_{mother.pk}]")
    page.check(f"input[name=agreed_{mother.pk}]")
    page.fill(f"input[name=comments_{mother.pk}]", "Contente des progrès")
    page.select_option("select[name=new0_domain]", "network")
    page.fill("input[name=new0_title]", "Relais avec la PMI")
    screenshot(page, "journal-4-review")
    page.get_by_role("button", name="Enregistrer la revue").click()
    page.wait_for_url(f"{live_server.url}/journal/stays/{stay.pk}/plan/")
    assert set(CareGoal.objects.values_list("status", flat=True)) == {"achieved", "in_progress", "planned"}
    assert "Contente des progrès" in page.locator("[data-testid=participation]").inner_text()
    assert meeting.goal_reviews.count() == 2
    page.emulate_media(media="print")
    screenshot(page, "journal-5-plan-print")
    page.emulate_media(media="screen")
    page.goto(f"{live_server.url}/journal/stays/{stay.pk}/chronology/")
    assert page.locator("[data-kind=note]").count() == 2 and page.locator("[data-kind=meeting]").count() == 1
    page.uncheck("#kind-note")
    page.get_by_role("button", name="Filtrer").click()
    assert page.locator("[data-kind=note]").count() == 0 and page.locator("[data-kind=meeting]").count() == 1
    screenshot(page, "journal-6-chronology")

    # The stay summary, and its PDF downloaded as the browser receives it.
    page.goto(f"{live_server.url}/admissions/stays/{stay.pk}/")
    page.get_by_role("link", name="Synthèse et lettre de sortie").click()
    assert "Nuits complètes depuis dix jours." in page.locator("[data-testid=goals]").inner_text()
    screenshot(page, "journal-7-summary")
    with page.expect_download() as download:
        page.get_by_role("link", name="Synthèse en PDF").click()
    assert download.value.suggested_filename == f"synthese-sejour-{stay.pk}.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    # The family's chronology, reached from the family page, printable.
    page.goto(f"{live_server.url}/admissions/families/{family.pk}/")
    page.get_by_role("link", name="Chronologie de la famille").click()
    assert page.locator("[data-kind=note]").count() == 2 and page.locator("[data-kind=stay]").count() == 1
    assert "UPB-2026-031" in page.locator("h1").inner_text()
    screenshot(page, "journal-8-family-chronology")
    page.emulate_media(media="print")
    screenshot(page, "journal-9-family-chronology-print")
    assert page.console_errors == []
