"""HTML to PDF with WeasyPrint, for the printable documents of the daily record (stay summary, discharge letter).

WeasyPrint needs Pango from the system (`make pdf-deps` installs it from Debian). It is imported on the first
PDF asked for, not when the server starts: a server without Pango serves every other page and answers a PDF
with a clear French message (`PdfUnavailable`).

The document fetches nothing: its styles are inline, its fonts the system's, it holds no image and no link
(every text in it is escaped by the template), so rendering never reaches the network.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it loads (Pango, HarfBuzz) are missing on this server."""


def _weasyprint():
    try:
        import weasyprint  # noqa: PLC0415 - loads Pango when imported: only when a PDF is asked for
    except (ImportError, OSError) as error:
        logger.warning("PDF unavailable: %s", error)
        raise PdfUnavailable(str(error)) from error
    return weasyprint


def available() -> bool:
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def render(html: str) -> bytes:
    """The PDF of a complete HTML document (its CSS inline, @page rules included)."""
    weasyprint = _weasyprint()
    return weasyprint.HTML(string=html).write_pdf()
