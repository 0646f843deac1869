"""Documents and consents for tests, created through the services."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from documents import services

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def office_zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = office_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = office_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def document(*, facility, family, content: bytes = PDF, kind: str = "referral_letter", title: str = "Courrier",
             document_date: date = date(2025, 9, 1), by=None, **extra):
    return services.document_upload(user=by, facility=facility, family=family, kind=kind, title=title,
                                    document_date=document_date, content=content, **extra)


def consent(*, facility, adult, scope: str, status: str = "given", decided_on: date = date(2025, 1, 1),
            by=None, **extra):
    return services.consent_record(user=by, facility=facility, adult=adult, scope=scope, status=status,
                                   decided_on=decided_on, **extra)
