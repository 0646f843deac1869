"""Documents: the content decides the kind (not the name), the size is bounded, the storage is private, and
nothing is ever deleted."""

from __future__ import annotations

import hashlib
import socket
import threading
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from documents import sniffing, storage
from documents.models import Document
from tests import factories
from tests.documents import factories as doc_factories
from unit import history

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(facility_a, users_a):
    family = factories.family(facility=facility_a, reference="DOC-A-001")
    child = factories.child(family=family)
    mother = factories.adult(family=family)
    stay = factories.stay(facility=facility_a, child=child)
    return family, child, mother, stay


# ---------------------------------------------------------------- the kind comes from the content


@pytest.mark.parametrize("content, extension", [
    (doc_factories.PDF, "pdf"), (doc_factories.PNG, "png"), (doc_factories.JPEG, "jpg"),
    (doc_factories.DOCX, "docx"), (doc_factories.XLSX, "xlsx"), (doc_factories.ODT, "odt"),
    (doc_factories.OLE, "doc"), (doc_factories.MP4, "mp4"),
])
def test_accepted_kinds_are_recognised_by_their_bytes(content, extension):
    assert sniffing.sniff(content).extension == extension


@pytest.mark.parametrize("content", [
    doc_factories.HTML, b"", b"plain text", b"MZ\x90\x00 an executable",
    doc_factories.office_zip({"readme.txt": b"a zip that is no office document"}),
    doc_factories.office_zip({"mimetype": b"application/epub+zip"}),
    b"PK\x03\x04 broken zip", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 8,
])
def test_anything_else_is_refused(content):
    assert sniffing.sniff(content) is None


def test_an_html_file_renamed_pdf_is_refused_and_nothing_is_kept(dossier, facility_a):
    family, *_ = dossier
    with pytest.raises(ValidationError, match="Format refusé"):
        doc_factories.document(facility=facility_a, family=family, content=doc_factories.HTML, title="scan.pdf")
    assert not Document.objects.exists()
    assert list(Path(settings.STORAGES["documents"]["OPTIONS"]["location"]).rglob("*")) == []


def test_the_size_limit_is_a_setting(dossier, facility_a, settings):
    family, *_ = dossier
    settings.DOCUMENT_MAX_BYTES = len(doc_factories.PDF) - 1
    with pytest.raises(ValidationError, match="dépasse la taille permise"):
        doc_factories.document(facility=facility_a, family=family)
    settings.DOCUMENT_MAX_BYTES = len(doc_factories.PDF)
    assert doc_factories.document(facility=facility_a, family=family).size == len(doc_factories.PDF)


# ---------------------------------------------------------------- storage


def test_the_content_is_kept_in_the_private_storage_under_a_random_name(dossier, facility_a, users_a):
    family, _child, _mother, stay = dossier
    document = doc_factories.document(facility=facility_a, family=family, stay=stay, title="Lettre de la maternité",
                                      by=users_a["admissions"])
    assert storage.read(document.stored_name) == doc_factories.PDF
    assert document.sha256 == hashlib.sha256(doc_factories.PDF).hexdigest()
    assert (document.content_type, document.uploaded_by, document.download_name) == (
        "application/pdf", users_a["admissions"], f"document-{document.pk}.pdf")
    assert "DOC-A" not in document.stored_name and "maternit" not in document.stored_name
    path = Path(storage.backend().path(document.stored_name))
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)


def test_the_default_private_root_is_outside_the_static_and_media_roots():
    root = settings.PRIVATE_STORAGE_ROOT.resolve()
    for public in (Path(settings.STATIC_ROOT).resolve(), Path(settings.MEDIA_ROOT or settings.BASE_DIR / "media")):
        assert not root.is_relative_to(public)
    assert root.is_relative_to(settings.VAR_DIR.resolve())


def test_a_document_is_never_deleted_but_marked_in_error(dossier, facility_a, users_a):
    family, *_ = dossier
    document = doc_factories.document(facility=facility_a, family=family)
    with pytest.raises(PermissionError):
        document.delete()
    with pytest.raises(PermissionError):
        Document.objects.filter(pk=document.pk).delete()
    history.record_mark_in_error(user=users_a["therapist"], obj=document, reason="Mauvais dossier")
    document.refresh_from_db()
    assert document.entered_in_error and storage.read(document.stored_name) == doc_factories.PDF


# ---------------------------------------------------------------- what a document says


def test_only_an_order_or_a_mandate_has_an_end_date(dossier, facility_a):
    family, *_ = dossier
    with pytest.raises(ValidationError, match="Seuls une ordonnance"):
        doc_factories.document(facility=facility_a, family=family, kind="medical_report",
                               valid_until=date(2026, 1, 1))
    order = doc_factories.document(facility=facility_a, family=family, kind="court_order",
                                   valid_until=date(2026, 3, 1))
    assert order.valid_until == date(2026, 3, 1)
    with pytest.raises(ValidationError, match="ne peut précéder"):
        doc_factories.document(facility=facility_a, family=family, kind="mandate", valid_until=date(2025, 1, 1))


def test_a_document_is_attached_only_to_its_familys_stay_in_its_facility(dossier, facility_a, facility_b):
    family, *_ = dossier
    other_stay = factories.stay(facility=facility_a)
    with pytest.raises(ValidationError):
        doc_factories.document(facility=facility_a, family=family, stay=other_stay)
    with pytest.raises(ValidationError, match="ne suit pas ce dossier"):
        doc_factories.document(facility=facility_b, family=family)


def test_a_document_date_in_the_future_is_refused(dossier, facility_a):
    family, *_ = dossier
    with pytest.raises(ValidationError):
        doc_factories.document(facility=facility_a, family=family, document_date=date(2999, 1, 1))


# ---------------------------------------------------------------- the optional virus scan


def _fake_clamd(path: Path, answer: bytes) -> threading.Thread:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def serve():
        connection, _ = server.accept()
        with connection:
            received = b""
            while not received.endswith(b"\x00\x00\x00\x00"):
                received += connection.recv(65536)
            connection.sendall(answer)
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def test_the_scan_is_off_by_default_and_refuses_what_clamd_finds(dossier, facility_a, settings, tmp_path):
    family, *_ = dossier
    assert settings.DOCUMENT_SCANNER == ""
    settings.DOCUMENT_SCANNER = "clamd"
    settings.CLAMD_ADDRESS = str(tmp_path / "clamd.sock")
    thread = _fake_clamd(tmp_path / "clamd.sock", b"stream: Eicar-Test-Signature FOUND\x00")
    with pytest.raises(ValidationError, match="Eicar-Test-Signature"):
        doc_factories.document(facility=facility_a, family=family)
    thread.join(5)
    (tmp_path / "clamd.sock").unlink()
    thread = _fake_clamd(tmp_path / "clamd.sock", b"stream: OK\x00")
    assert doc_factories.document(facility=facility_a, family=family).pk
    thread.join(5)


def test_an_unreachable_scanner_refuses_the_upload(dossier, facility_a, settings, tmp_path):
    family, *_ = dossier
    settings.DOCUMENT_SCANNER = "clamd"
    settings.CLAMD_ADDRESS = str(tmp_path / "nobody.sock")
    with pytest.raises(ValidationError, match="antivirus"):
        doc_factories.document(facility=facility_a, family=family)
    assert not Document.objects.exists()
