"""In Chromium, the pages issue 17 changed: accepting for a full unit, correcting an admission date, a
diagnosis code that is not in the list, an assessment corrected later (its age at its date, its evaluator)."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from admissions import services as adm
from admissions.models import AdmissionRequest, Diagnosis
from assessments import services as assessments
from tests import factories
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_accepting_for_a_full_unit_is_confirmed_knowingly(live_server, page, screenshot):
    unit = factories.facility(code="upb-full", capacity=1)
    factories.user(role="admissions", facility=unit, username="accueil", first_name="Anne", last_name="Accueil")
    factories.stay(facility=unit, admitted_on=timezone.localdate() - timedelta(days=30))
    family = factories.family(facility=unit)
    req = factories.request(facility=unit, family=family, children=[factories.child(family=family)],
                            received_on=timezone.localdate())

    sign_in(page, live_server, "accueil")
    page.goto(f"{live_server.url}/admissions/requests/{req.pk}/")
    expect(page.locator("[data-testid=full-warning]")).to_contain_text("complète")
    page.select_option("select[name=decision]", "accepted")
    page.fill("textarea[name=note]", "Place probable en janvier")
    page.fill("textarea[name=override_reason]", "Critères vérifiés par téléphone")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("#id_confirm_full")).to_be_visible()
    assert AdmissionRequest.objects.get(pk=req.pk).decision == ""
    screenshot(page, "finished-full-unit-refused")
    page.check("#id_confirm_full")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("[data-testid=decision-note]")).to_contain_text("Place probable en janvier")
    assert "Anne Accueil" in page.locator("[data-testid=decision]").inner_text()
    screenshot(page, "finished-full-unit-accepted")


def test_the_admission_date_is_corrected_and_a_code_outside_the_list_is_refused(live_server, page, screenshot):
    unit = factories.facility(code="upb-fix", capacity=10)
    factories.user(role="admissions", facility=unit, username="accueil")
    factories.user(role="therapist", facility=unit, username="psy")
    today = timezone.localdate()
    family = factories.family(facility=unit)
    child = factories.child(family=family, birth_date=today - timedelta(days=200))
    mother = factories.adult(family=family, role="mother")
    stay = factories.stay(facility=unit, child=child, admitted_on=today - timedelta(days=10))
    adm.presence_add(user=None, stay=stay, adult=mother, start=stay.admitted_on)

    sign_in(page, live_server, "accueil")
    page.goto(f"{live_server.url}/admissions/stays/{stay.pk}/")
    page.get_by_role("link", name="Corriger la date d'admission").click()
    earlier = today - timedelta(days=12)
    page.fill("input[name=admitted_on]", earlier.isoformat())
    page.get_by_role("button", name="Corriger la date d'admission").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("motif")
    screenshot(page, "finished-admission-date-needs-reason")
    page.fill("textarea[name=reason]", "Arrivée le vendredi, saisie le lundi")
    page.get_by_role("button", name="Corriger la date d'admission").click()
    page.wait_for_url(f"{live_server.url}/admissions/stays/{stay.pk}/")
    expect(page.locator("[data-testid=presence]")).to_contain_text(f"depuis le {earlier:%d/%m/%Y}")
    screenshot(page, "finished-admission-date-corrected")

    sign_in(page, live_server, "psy")
    page.goto(f"{live_server.url}/admissions/stays/{stay.pk}/diagnoses/new/")
    page.select_option("select[name=timepoint]", "entry")
    page.select_option("select[name=classification]", "icd11")
    page.fill("input[name=code]", "ZZ99")
    page.get_by_role("button", name="Ajouter le diagnostic").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("Code inconnu")
    screenshot(page, "finished-diagnosis-unknown-code")
    page.select_option("select[name=classification]", "local")
    page.fill("input[name=label]", "Difficultés d'endormissement")
    page.get_by_role("button", name="Ajouter le diagnostic").click()
    page.wait_for_url(f"{live_server.url}/admissions/stays/{stay.pk}/")
    assert Diagnosis.objects.get().label == "Difficultés d'endormissement"


def test_a_corrected_assessment_shows_the_age_at_its_date_and_its_evaluator(live_server, page, screenshot):
    unit = factories.facility(code="upb-age", capacity=10)
    therapist = factories.user(role="therapist", facility=unit, username="mdupont", first_name="Marie",
                               last_name="Dupont")
    family = factories.family(facility=unit)
    child = factories.child(family=family, birth_date=date(2025, 3, 1))
    stay = factories.stay(facility=unit, child=child, admitted_on=date(2025, 9, 10))
    scores = {"cog_ss": 8, "cog": 90, "rc_ss": 9, "ec_ss": 7, "lang": 88, "fm_ss": 10, "gm_ss": 6, "motor": 68}
    done = assessments.assessment_record(user=therapist, stay=stay, instrument_code="bayley4",
                                         assessed_on=date(2025, 9, 20), scores=scores, child=child, adult=None,
                                         assessor=therapist)

    sign_in(page, live_server, "mdupont")
    page.goto(f"{live_server.url}/assessments/{done.pk}/edit/")
    expect(page.locator("[data-testid=ages]")).to_have_text(re.compile(r"Âge le 20/09/2025 : 6 mois 19 j"))
    expect(page.locator("select[name=assessor] option:checked")).to_have_text("Marie Dupont")
    screenshot(page, "finished-assessment-age-at-date")
    page.goto(f"{live_server.url}/assessments/children/{child.pk}/")
    expect(page.locator("table").first).to_contain_text("Marie Dupont")
    screenshot(page, "finished-trajectory-evaluator")
