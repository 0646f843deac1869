"""What the import shares with the entry forms: EPDS item scores after keying, one birth-date rule."""

from __future__ import annotations

import openpyxl

from admissions import importer
from admissions.importer import SHEETS


def _help(workbook, sheet: str, code: str) -> str:
    header = workbook[sheet][1]
    return next(cell.comment.text for cell in header if cell.value == code)


def test_the_template_says_epds_columns_hold_item_scores_after_keying(tmp_path):
    path = tmp_path / "modele.xlsx"
    importer.build_template(path)
    workbook = openpyxl.load_workbook(path)
    # Item 3 is reverse-keyed (its first answer scores 3), item 1 is not.
    assert "après cotation" in _help(workbook, "assessments", "e03")
    assert "1re à 4e réponse : 3, 2, 1, 0" in _help(workbook, "assessments", "e03")
    assert "1re à 4e réponse : 0, 1, 2, 3" in _help(workbook, "assessments", "e01")
    assert "après cotation" not in _help(workbook, "assessments", "cog_ss")
    readme = " ".join(str(c.value) for c in workbook["README"]["A"])
    assert "EPDS" in readme and "pas le rang de la réponse cochée" in readme
    assert {c.code for c in SHEETS["assessments"]} >= {f"e{n:02d}" for n in range(1, 11)}
