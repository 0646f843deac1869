"""What a file is, read from its first bytes and its structure, never from its name (pure, no Django).

Accepted: PDF, PNG, JPEG, office documents (Office Open XML and OpenDocument zips, legacy OLE2 files of
Word and Excel) and the video of a video-feedback session (MP4/QuickTime, WebM). Anything else, an HTML
page renamed `.pdf` among them, is refused.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str  # the name a download gets, from the content (never the uploaded name)
    video: bool = False


PDF = Sniffed("application/pdf", "pdf")
PNG = Sniffed("image/png", "png")
JPEG = Sniffed("image/jpeg", "jpg")
DOCX = Sniffed("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = Sniffed("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
PPTX = Sniffed("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")
OLE = Sniffed("application/x-ole-storage", "doc")  # Word 97-2003 or Excel 97-2003: the same container
MP4 = Sniffed("video/mp4", "mp4", video=True)
MOV = Sniffed("video/quicktime", "mov", video=True)
WEBM = Sniffed("video/webm", "webm", video=True)

OPENDOCUMENT = {
    "application/vnd.oasis.opendocument.text": Sniffed("application/vnd.oasis.opendocument.text", "odt"),
    "application/vnd.oasis.opendocument.spreadsheet": Sniffed("application/vnd.oasis.opendocument.spreadsheet",
                                                              "ods"),
}
# The part an Office Open XML package must hold for each kind.
OOXML_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX), ("ppt/presentation.xml", PPTX))
# ISO base media brands of still images (HEIF/AVIF): an `ftyp` box that is not a video.
IMAGE_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
# A zip bomb or a package with thousands of parts is not a letter from a maternity.
MAX_ZIP_MEMBERS = 5000


def sniff(content: bytes) -> Sniffed | None:
    """The kind of `content`, or None when it is none of the accepted kinds."""
    head = content[:16]
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        return _office_zip(content)
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in IMAGE_BRANDS:
            return None
        return MOV if brand == b"qt  " else MP4
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM
    return None


def _office_zip(content: bytes) -> Sniffed | None:
    """A zip is accepted only as an office document: its parts say which one."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if len(names) > MAX_ZIP_MEMBERS:
                return None
            if "mimetype" in names:
                found = OPENDOCUMENT.get(archive.read("mimetype")[:100].decode("ascii", "replace").strip())
                if found is not None:
                    return found
            if "[Content_Types].xml" in names:
                for part, kind in OOXML_PARTS:
                    if part in names:
                        return kind
    except (zipfile.BadZipFile, ValueError, OSError, KeyError, NotImplementedError):
        return None
    return None
