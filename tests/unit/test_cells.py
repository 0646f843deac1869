"""Text written into spreadsheets and CSV files: neutralised after normalisation, never a formula."""

from io import BytesIO

from openpyxl import Workbook, load_workbook

from tests.hostile import PAYLOAD, every_hostile_text, is_inert
from unit.cells import safe_text


def test_every_control_or_space_prefix_in_front_of_a_formula_is_neutralised():
    texts = every_hostile_text()
    assert len(texts) > 200
    unsafe = [repr(text) for text in texts if not is_inert(safe_text(text))]
    assert unsafe == []


def test_the_text_itself_is_kept():
    for text in every_hostile_text():
        assert safe_text(text).endswith(PAYLOAD)
    assert safe_text("Zéphyrine") == "Zéphyrine"
    assert safe_text("A\x01B\x7f") == "AB"
    assert safe_text("ligne 1\nligne 2") == "ligne 1\nligne 2"


def test_plain_and_harmless_texts_are_not_quoted():
    for text in ("F43.2", "Hôpital", "3 - 5 ans", "a=b", "UPB-2025-001", "\u00a0Maison"):
        assert safe_text(text) == text


def test_every_neutralised_text_is_a_string_cell_in_a_workbook():
    workbook = Workbook()
    sheet = workbook.active
    texts = every_hostile_text()
    for text in texts:
        sheet.append([safe_text(text)])
    buffer = BytesIO()
    workbook.save(buffer)
    cells = [row[0] for row in load_workbook(BytesIO(buffer.getvalue())).active.iter_rows()]
    assert len(cells) == len(texts)
    assert {cell.data_type for cell in cells} == {"s"}
    assert all(is_inert(cell.value) for cell in cells)
