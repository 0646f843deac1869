"""The stay summary and the discharge letter: their PDF (WeasyPrint) read back with poppler's pdftotext, the
header and confidentiality line of every page, who may download them, the audit entry of each download,
and the letter filed among the stay's documents."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admissions import services as adm
from assessments import services as ass
from documents.models import Document
from journal import pdf, services
from journal.models import GoalReview
from tests import factories
from tests.journal.factories import note
from tests.page_matrix import ROLES, expected_status
from unit.access import VIEW_RECORDS
from unit.models import AuditEntry

pytestmark = pytest.mark.django_db

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="poppler's pdftotext is missing: `make office-deps` installs it")
needs_weasyprint = pytest.mark.skipif(not pdf.available(),
                                      reason="WeasyPrint or Pango is missing: `make pdf-deps` installs them")

ADMITTED = date(2025, 9, 10)
DISCHARGED = date(2025, 11, 28)
EPDS_HIGH = {f"e{n:02d}": 2 for n in range(1, 10)} | {"e10": 0}  # total 18
EPDS_LOW = {f"e{n:02d}": 0 for n in range(1, 10)} | {"e10": 0}  # total 0
# SUMMARY_PDF_DIR=var/screenshots keeps each PDF the tests fetch, to look at its pages (pdftoppm).
KEEP_PDF_IN = Path(os.environ["SUMMARY_PDF_DIR"]) if os.environ.get("SUMMARY_PDF_DIR") else None
SECRET = "Contenu de psychothérapie à ne jamais imprimer"
TEAM_NOTE = "Observation d'équipe du soir"


def _stay(facility, therapist, *, goals: int = 0):
    family = factories.family(facility=facility, reference="SUM-001")
    child = factories.child(family=family, birth_date=date(2025, 6, 1))
    mother = factories.adult(family=family)
    stay = factories.stay(facility=facility, child=child, admitted_on=ADMITTED, mandate="spj")
    adm.presence_add(user=therapist, stay=stay, adult=mother, start=ADMITTED)
    # The child's diagnosis typed with its code alone (its label comes from the list); the mother's.
    adm.diagnosis_add(user=therapist, stay=stay, child=child, timepoint="entry", classification="icd11",
                      code="6B44", primary=True, made_on=ADMITTED)
    adm.diagnosis_add(user=therapist, stay=stay, child=child, timepoint="exit", classification="local",
                      code="REL-OK", label="Relation apaisée", made_on=DISCHARGED)
    adm.diagnosis_add(user=therapist, stay=stay, adult=mother, timepoint="entry", classification="icd11",
                      code="6E20", label="Dépression périnatale", made_on=ADMITTED)
    ass.assessment_record(user=therapist, stay=stay, instrument_code="pirgas", assessed_on=date(2025, 9, 15),
                          scores={"score": 45}, child=child)
    ass.assessment_record(user=therapist, stay=stay, instrument_code="pirgas", assessed_on=date(2025, 11, 20),
                          scores={"score": 75}, child=child)
    ass.assessment_record(user=therapist, stay=stay, instrument_code="epds", assessed_on=date(2025, 9, 12),
                          scores=EPDS_HIGH, adult=mother)
    ass.assessment_record(user=therapist, stay=stay, instrument_code="epds", assessed_on=date(2025, 11, 21),
                          scores=EPDS_LOW, adult=mother)
    bond = services.goal_add(user=therapist, stay=stay, domain="parent_child_relationship",
                             title="Apaiser les repas", actions="Repas accompagnés")
    relay = services.goal_add(user=therapist, stay=stay, domain="network", title="Suivi par le SSM de Namur",
                              actions="Rendez-vous pris avec la pédopsychiatre du SSM")
    for k in range(goals):
        services.goal_add(user=therapist, stay=stay, domain="parenting_skills", title=f"Objectif numéro {k}",
                          actions="Accompagnement quotidien " * 6)
    meeting = adm.meeting_add(user=therapist, stay=stay, held_on=date(2025, 11, 25), participants="équipe",
                              evaluation="Évolution de la réunion, favorable")
    open_goals = {g.pk: services.Review("in_progress", "À poursuivre") for g in stay.care_goals.all()}
    open_goals[bond.pk] = services.Review("achieved", "Les repas se passent dans le calme")
    open_goals[relay.pk] = services.Review("in_progress", "Premier rendez-vous le 3 décembre")
    services.meeting_review_goals(user=therapist, meeting=meeting, reviews=open_goals)
    adm.intervention_add(user=therapist, facility=facility, family=family, stay=stay, kind="network_meeting",
                         done_on=date(2025, 11, 18), duration_min=90)
    adm.signalement_add(user=therapist, facility=facility, family=family, stay=stay, made_on=date(2025, 10, 2),
                        addressee="Parquet de Namur")
    note(author=therapist, stay=stay, text=TEAM_NOTE)
    note(author=therapist, stay=stay, text=SECRET, confidentiality="restricted")
    adm.stay_discharge(user=therapist, stay=stay, discharged_on=DISCHARGED, discharge_kind="planned",
                       residence_after="home_with_parent")
    stay.refresh_from_db()
    return stay


@pytest.fixture
def stay(facility_a, users_a):
    return _stay(facility_a, users_a["therapist"])


def pages_of(content: bytes, tmp_path) -> list[str]:
    """The text of each page of a PDF, as poppler's pdftotext reads it (pages end with a form feed)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = text.split("\f")
    return [re.sub(r"\s+", " ", page) for page in pages if page.strip()]


def _get_pdf(client, name, stay):
    response = client.get(reverse(name, args=[stay.pk]))
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    if KEEP_PDF_IN:
        (KEEP_PDF_IN / f"{name.split(':')[1]}-{stay.pk}.pdf").write_bytes(response.content)
    return response.content


@needs_weasyprint
@needs_pdftotext
def test_the_summary_pdf_tells_the_stay_in_words(login, stay, users_a, tmp_path):
    content = _get_pdf(login(users_a["therapist"]), "journal:stay_summary_pdf", stay)
    assert content.startswith(b"%PDF")
    text = " ".join(pages_of(content, tmp_path))
    # Diagnoses entry → exit, codes with their labels (the code alone takes the list's label).
    assert "6B44 Trouble réactionnel de l'attachement" in text
    assert "REL-OK Relation apaisée" in text and "6E20 Dépression périnatale" in text
    # Scores with their bands at entry and exit, French labels.
    assert "PIR-GAS — Enfant" in text and "Score global de la relation" in text
    assert re.search(r"Entrée \(15/09/2025\) Sortie \(20/11/2025\) Évolution Score global de la relation 45 75 \+30 "
                     r"Troublée Perturbée", text)
    assert re.search(r"EPDS — Mère \(Claire\) .* Score total 18 0 −18 Dépression probable Sous le seuil", text)
    # Goals with their outcome; the relay after the stay.
    assert "Apaiser les repas" in text and "Atteint" in text and "Les repas se passent dans le calme" in text
    assert "Suivi par le SSM de Namur" in text and "Rendez-vous pris avec la pédopsychiatre du SSM" in text
    assert "À la maison" in text and "Fin de séjour prévue" in text and "18/11/2025" in text
    assert "Parquet de Namur" in text and "Évolution de la réunion, favorable" in text
    # Never a code of the database where a label is due.
    for code in ("home_with_parent", "parent_child_relationship", "achieved", "in_progress", "planned",
                 "network_meeting", "pirgas", "disturbed", "spj"):
        assert not re.search(rf"\b{code}\b", text), code


@needs_weasyprint
@needs_pdftotext
@pytest.mark.parametrize("name", ["journal:stay_summary_pdf", "journal:discharge_letter_pdf"])
def test_every_page_has_the_header_and_the_confidentiality_line(login, facility_a, users_a, tmp_path, name):
    stay = _stay(facility_a, users_a["therapist"], goals=45)
    pages = pages_of(_get_pdf(login(users_a["therapist"]), name, stay), tmp_path)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert facility_a.name in page, number
        assert "Imprimé par therapist_a" in page, number
        assert "Document confidentiel" in page, number
        assert f"Page {number} / {len(pages)}" in page, number


@needs_weasyprint
@needs_pdftotext
@pytest.mark.parametrize("name", ["journal:stay_summary_pdf", "journal:discharge_letter_pdf"])
def test_no_journal_note_reaches_the_documents_not_even_for_their_readers(login, stay, users_a, tmp_path, name):
    text = " ".join(pages_of(_get_pdf(login(users_a["therapist"]), name, stay), tmp_path))
    assert SECRET not in text and TEAM_NOTE not in text


@needs_weasyprint
@needs_pdftotext
def test_the_letter_keeps_the_parents_health_and_the_signalements_in_the_unit(login, stay, users_a, tmp_path):
    text = " ".join(pages_of(_get_pdf(login(users_a["admissions"]), "journal:discharge_letter_pdf", stay), tmp_path))
    assert "Aux services qui prennent le relais" in text and "Lettre de sortie" in text
    assert "REL-OK Relation apaisée" in text  # the child's diagnosis at exit
    assert re.search(r"Score global de la relation 45 75 \+30 Troublée Perturbée", text)  # the child's scores
    assert "Apaiser les repas" in text and "Suivi par le SSM de Namur" in text and "À la maison" in text
    for kept_in_the_unit in ("6E20", "Dépression périnatale", "EPDS", "Parquet de Namur",
                             "Évolution de la réunion"):
        assert kept_in_the_unit not in text, kept_in_the_unit


@needs_weasyprint
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["journal:stay_summary", "journal:stay_summary_pdf", "journal:discharge_letter_pdf"])
def test_only_the_readers_of_the_stay_get_it(client, stay, users_a, users_b, role, name):
    url = reverse(name, args=[stay.pk])
    client.force_login(users_a[role])
    expected = expected_status(role, VIEW_RECORDS, on_object=True)
    assert client.get(url).status_code in ({expected} if expected != 404 else {403, 404})
    client.force_login(users_b[role])
    assert client.get(url).status_code in (403, 404)


@needs_weasyprint
def test_each_download_is_audited_as_an_export(login, stay, users_a):
    client = login(users_a["manager"])
    for name in ("journal:stay_summary_pdf", "journal:discharge_letter_pdf", "journal:stay_summary_pdf"):
        _get_pdf(client, name, stay)
    entries = AuditEntry.objects.filter(what="admissions.stay", object_id=str(stay.pk), action=AuditEntry.Action.EXPORT)
    assert entries.count() == 3
    assert {e.path for e in entries} == {reverse("journal:stay_summary_pdf", args=[stay.pk]),
                                         reverse("journal:discharge_letter_pdf", args=[stay.pk])}
    assert all(e.user == users_a["manager"] and e.facility_id == stay.facility_id for e in entries)


def test_without_weasyprint_the_server_says_so_in_french(login, stay, users_a, monkeypatch):
    def missing():
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "_weasyprint", missing)
    client = login(users_a["therapist"])
    response = client.get(reverse("journal:stay_summary_pdf", args=[stay.pk]))
    assert response.status_code == 503
    assert "make pdf-deps" in response.content.decode() and "La génération des PDF" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()
    page = client.get(reverse("journal:stay_summary", args=[stay.pk]))
    assert page.status_code == 200 and "make pdf-deps" in page.content.decode()
    assert "Apaiser les repas" in page.content.decode()  # the page itself still prints from the browser


@needs_weasyprint
def test_the_letter_is_filed_among_the_stay_documents(login, stay, users_a):
    client = login(users_a["therapist"])
    response = client.post(reverse("journal:discharge_letter_file", args=[stay.pk]))
    assert response.status_code == 302
    document = Document.objects.get(stay=stay, kind="discharge_letter")
    assert document.content_type == "application/pdf" and document.uploaded_by == users_a["therapist"]
    assert "Alice" in document.title
    download = client.get(reverse("documents:download", args=[document.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_only_carers_file_the_letter(login, stay, users_a, role):
    response = login(users_a[role]).post(reverse("journal:discharge_letter_file", args=[stay.pk]))
    assert response.status_code == 403
    assert not Document.objects.filter(kind="discharge_letter").exists()


@pytest.mark.counts_queries
def test_the_summary_page_runs_a_constant_number_of_queries(login, facility_a, users_a):
    therapist = users_a["therapist"]
    stay = _stay(facility_a, therapist)
    client = login(therapist)
    url = reverse("journal:stay_summary", args=[stay.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    child, mother = stay.child, stay.presence_periods.get().adult
    for k in range(6):
        adm.diagnosis_add(user=therapist, stay=stay, child=child, timepoint="during", classification="icd11",
                          code="6A02", made_on=date(2025, 10, 1 + k))
        ass.assessment_record(user=therapist, stay=stay, instrument_code="epds", assessed_on=date(2025, 10, 1 + k),
                              scores=EPDS_LOW, adult=mother)
        services.goal_add(user=therapist, stay=stay, domain="network", title=f"Relais {k}")
        adm.intervention_add(user=therapist, facility=facility_a, family=child.family, stay=stay,
                             kind="home_visit", done_on=date(2025, 10, 1 + k))
    assert GoalReview.objects.filter(goal__stay=stay).exists()
    assert count() == small
