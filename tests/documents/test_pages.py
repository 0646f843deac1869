"""Document pages: upload (the content decides), the list on the family and stay pages, downloads checked
through unit.access and audited one entry each; a facility never reaches another facility's papers."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document
from tests import factories
from tests.documents import factories as doc_factories
from unit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(facility_a, facility_b, users_a, users_b):
    """A's dossier with a paper filed at A, also followed by B (a request there, with the sharing consent)."""
    family = factories.family(facility=facility_a, reference="DOC-SHARED")
    child = factories.child(family=family)
    mother = factories.adult(family=family)
    stay = factories.stay(facility=facility_a, child=child)
    doc_factories.consent(facility=facility_a, adult=mother, scope="network_sharing")
    factories.request(facility=facility_b, family=family, children=[child], received_on=date(2025, 10, 1))
    document = doc_factories.document(facility=facility_a, family=family, stay=stay, title="Ordonnance du juge",
                                      kind="court_order", by=users_a["therapist"])
    return family, stay, document


def _upload(client, family, content, name, **extra):
    data = {"facility": extra.pop("facility"), "kind": "referral_letter", "title": "Courrier de la maternité",
            "document_date": "2025-09-01", "file": SimpleUploadedFile(name, content), **extra}
    return client.post(reverse("documents:upload", args=[family.pk]), data)


def test_an_html_file_named_pdf_is_refused_on_the_page(login, shared, users_a, facility_a):
    family, _stay, _document = shared
    client = login(users_a["therapist"])
    response = _upload(client, family, doc_factories.HTML, "courrier.pdf", facility=facility_a.pk)
    assert response.status_code == 400
    assert "Format refusé" in response.content.decode()
    assert Document.objects.count() == 1


def test_a_pdf_is_filed_and_listed(login, shared, users_a, facility_a):
    family, _stay, _document = shared
    client = login(users_a["admissions"])
    response = _upload(client, family, doc_factories.PDF, "whatever.txt", facility=facility_a.pk)
    assert response.status_code == 302
    filed = Document.objects.get(title="Courrier de la maternité")
    assert (filed.content_type, filed.facility, filed.uploaded_by) == ("application/pdf", facility_a,
                                                                       users_a["admissions"])
    page = client.get(reverse("admissions:family_detail", args=[family.pk])).content.decode()
    assert "Courrier de la maternité" in page and "Ordonnance du juge" in page


def test_a_facility_cannot_file_in_a_facility_it_does_not_work_in(login, shared, users_b, facility_a):
    family, _stay, _document = shared
    client = login(users_b["therapist"])
    response = _upload(client, family, doc_factories.PDF, "x.pdf", facility=facility_a.pk)
    assert response.status_code == 400
    assert Document.objects.count() == 1


def test_each_download_is_audited(login, shared, users_a, facility_a):
    _family, _stay, document = shared
    client = login(users_a["therapist"])
    url = reverse("documents:download", args=[document.pk])
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == doc_factories.PDF
        assert response["Content-Disposition"] == f'attachment; filename="document-{document.pk}.pdf"'
        assert response["Content-Type"] == "application/pdf"
    entries = AuditEntry.objects.filter(what="documents.document", object_id=str(document.pk))
    assert entries.count() == 2
    assert {(e.action, e.facility_id, e.user_id) for e in entries} == {
        ("export", facility_a.pk, users_a["therapist"].pk)}


def test_a_document_of_facility_a_is_unreachable_from_b(login, shared, users_b):
    family, stay, document = shared
    client = login(users_b["admin"])
    # B follows the dossier: it opens the family page, but A's papers are not listed there...
    page = client.get(reverse("admissions:family_detail", args=[family.pk]))
    assert page.status_code == 200 and "Ordonnance du juge" not in page.content.decode()
    # ...nor downloaded, nor found in the timeline of A's stay (which B does not reach at all).
    for role in ("admin", "therapist", "admissions", "manager"):
        client = login(users_b[role])
        assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
        assert client.get(reverse("admissions:stay_detail", args=[stay.pk])).status_code == 404
    assert not AuditEntry.objects.filter(what="documents.document").exists()


def test_the_stay_page_lists_its_documents_and_the_timeline_holds_them(login, shared, users_a):
    _family, stay, document = shared
    page = login(users_a["therapist"]).get(reverse("admissions:stay_detail", args=[stay.pk])).content.decode()
    assert 'data-testid="stay-documents"' in page
    assert f'<a href="/documents/{document.pk}/download/">Document : Ordonnance ou jugement — Ordonnance du juge' \
        in page


def test_a_document_in_error_is_no_longer_listed_nor_downloaded(login, shared, users_a):
    from unit import history

    family, _stay, document = shared
    history.record_mark_in_error(user=users_a["therapist"], obj=document, reason="Mauvais dossier")
    client = login(users_a["therapist"])
    page = client.get(reverse("admissions:family_detail", args=[family.pk])).content.decode()
    assert "Ordonnance du juge" not in page
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
