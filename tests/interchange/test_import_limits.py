"""Size limits of the import: a small file that unzips or reads into something huge is refused before it costs."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from interchange import importer
from interchange.importer import import_workbook
from tests import factories
from tests.interchange import import_corpus as corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(facility_a):
    return factories.user(role="admin", facility=facility_a, username="admin_imp")


def _rewrite_sheet(path: Path, sheet: str, change) -> Path:
    """Copy the workbook at `path` with the XML of `sheet` passed through `change` (bytes -> bytes)."""
    workbook = openpyxl.load_workbook(path)
    index = workbook.sheetnames.index(sheet) + 1
    return _rewrite_part(path, f"xl/worksheets/sheet{index}.xml", change)


def _rewrite_part(path: Path, part: str, change) -> Path:
    target = path.with_name(f"{path.stem}_{part.replace('/', '_')}.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            out.writestr(info, change(data) if info.filename == part else data, compress_type=zipfile.ZIP_DEFLATED)
    return target


def _append_rows(xml: bytes, rows: bytes) -> bytes:
    xml = re.sub(rb"<dimension [^>]*/>", b"", xml)  # the used range would otherwise hide the added rows
    return xml.replace(b"</sheetData>", rows + b"</sheetData>")


def _refuse_parsing(monkeypatch):
    def parse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", parse)


def test_a_cell_that_unzips_beyond_the_sheet_limit_is_refused_before_parsing(tmp_path, monkeypatch, admin_user):
    """A few hundred kilobytes holding one huge cell: refused from the zip's directory, openpyxl never called."""
    size = importer.MAX_PART_BYTES + 1024
    bomb = b"<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>" + b"x" * size + b"</t></is></c></row>"
    path = _rewrite_sheet(corpus.good(tmp_path), "children", lambda xml: _append_rows(xml, bomb))
    assert path.stat().st_size < 1024 * 1024  # small on disk
    _refuse_parsing(monkeypatch)
    result = import_workbook(path, user=admin_user, commit=False)
    assert not result.ok
    assert [p.reason for p in result.errors if "décompressé" in p.reason], result.errors
    assert any(p.sheet == "children" for p in result.errors)


def test_a_workbook_whose_parts_add_up_beyond_the_total_limit_is_refused_before_parsing(tmp_path, monkeypatch,
                                                                                        admin_user):
    path = corpus.good(tmp_path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        for index in range(importer.MAX_UNZIPPED_BYTES // importer.MAX_PART_BYTES + 1):
            archive.writestr(f"xl/media/filler{index}.bin", b"\0" * (importer.MAX_PART_BYTES - 1))
    _refuse_parsing(monkeypatch)
    result = import_workbook(path, user=admin_user, commit=False)
    assert [p for p in result.errors if "décompressé" in p.reason and p.sheet == ""], result.errors


def test_shared_strings_beyond_their_limit_are_refused_before_parsing(tmp_path, monkeypatch, admin_user):
    path = corpus.good(tmp_path)
    target = tmp_path / "partage.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info, source.read(info.filename))
        huge = b"y" * importer.MAX_SHARED_STRINGS_BYTES
        out.writestr("xl/sharedStrings.xml", b"<sst><si><t>" + huge + b"</t></si></sst>")
    _refuse_parsing(monkeypatch)
    result = import_workbook(target, user=admin_user, commit=False)
    assert [p for p in result.errors if "décompressé" in p.reason], result.errors


def test_a_million_empty_rows_are_refused_quickly(tmp_path, admin_user):
    """A million empty row elements: refused once the row limit is passed, without reading them all."""
    rows = b"".join(b'<row r="%d" customHeight="1" ht="15"/>' % number for number in range(10, 1_000_010))
    path = _rewrite_sheet(corpus.good(tmp_path), "interventions", lambda xml: _append_rows(xml, rows))
    started = time.monotonic()
    result = import_workbook(path, user=admin_user, commit=False)
    elapsed = time.monotonic() - started
    assert [p for p in result.errors if p.sheet == "interventions" and f"{importer.MAX_ROWS:_}".replace("_", " ")
            in p.reason], result.errors
    assert elapsed < 20, elapsed


def test_a_value_beyond_the_row_limit_is_refused(tmp_path, admin_user):
    far = importer.MAX_ROWS + 2
    row = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>loin</t></is></c></row>' % (far, far)
    path = _rewrite_sheet(corpus.good(tmp_path), "signalements", lambda xml: _append_rows(xml, row))
    result = import_workbook(path, user=admin_user, commit=False)
    problems = [p for p in result.errors if p.sheet == "signalements" and "lignes" in p.reason]
    assert problems, result.errors


def test_a_value_beyond_the_column_limit_is_refused(tmp_path, admin_user):
    letter = openpyxl.utils.get_column_letter(importer.MAX_COLUMNS + 1).encode()
    cell = b'<c r="%s1" t="inlineStr"><is><t>trop</t></is></c>' % letter
    path = _rewrite_sheet(corpus.good(tmp_path), "stays",
                          lambda xml: re.sub(rb"(<row r=\"1\"[^>]*>.*?)</row>", lambda m: m.group(1) + cell + b"</row>",
                                             xml, count=1, flags=re.S))
    result = import_workbook(path, user=admin_user, commit=False)
    problems = [p for p in result.errors if p.sheet == "stays" and "colonnes" in p.reason]
    assert problems, result.errors
    assert str(importer.MAX_COLUMNS) in problems[0].reason


def test_a_cell_longer_than_excel_allows_is_refused_even_in_an_ignored_column(tmp_path, admin_user):
    """openpyxl cuts what it writes at Excel's limit; another writer may not: the text is lengthened in the XML."""
    rows = corpus.cohort()
    rows["children"][0]["notes"] = "PLACEHOLDER"
    path = corpus.write(tmp_path / "long.xlsx", rows, extra_column=("children", "notes"))
    path = _rewrite_sheet(path, "children",
                          lambda xml: xml.replace(b"PLACEHOLDER", b"z" * (importer.MAX_CELL_CHARS + 1)))
    result = import_workbook(path, user=admin_user, commit=False)
    problems = [p for p in result.errors if (p.sheet, p.row, p.column) == ("children", 2, "notes")]
    assert problems and "32 767" in problems[0].reason, result.errors


def test_a_cell_at_the_excel_limit_is_read(tmp_path, admin_user):
    rows = corpus.cohort()
    rows["children"][0]["notes"] = "z" * importer.MAX_CELL_CHARS
    path = corpus.write(tmp_path / "limite.xlsx", rows, extra_column=("children", "notes"))
    assert import_workbook(path, user=admin_user, commit=False).ok
