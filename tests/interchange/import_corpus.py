"""Workbooks for the import tests, built from the template in a temporary directory (never committed).

`cohort()` is a small, valid cohort whose report figures are computed by hand in test_import.py;
each `bad_*` function returns a broken copy of it, or a file that is not a workbook at all.
"""

from __future__ import annotations

import copy
import zipfile
from datetime import date
from pathlib import Path

import openpyxl

from interchange.importer import build_template

FACILITY = "upb-imp"


def cohort(facility_code: str = FACILITY, *, with_facility_row: bool = True) -> dict[str, list[dict]]:
    """3 followed families (3 stays, 2 ended), a fourth with a waiting and a pending request.

    Dates are a mix of Excel dates and ISO text, both accepted.
    """
    return {
        "facilities": [
            {"facility_code": facility_code, "name": "Unité importée", "kind": "parent_baby_unit", "country": "BE",
             "capacity": 10},
        ] if with_facility_row else [],
        "children": [
            {"child_ref": "C1", "family_ref": "IMP-001", "first_name": "Lina", "last_name": "Aubry", "sex": "F",
             "birth_date": date(2024, 11, 10), "gestational_weeks": 38, "birth_weight_g": 3100},
            {"child_ref": "C2", "family_ref": "IMP-002", "first_name": "Noé", "last_name": "Berger", "sex": "M",
             "birth_date": "2025-02-01", "gestational_weeks": 35, "gestational_days": 2},
            {"child_ref": "C3", "family_ref": "IMP-003", "first_name": "Zoé", "last_name": "Colin", "sex": "F",
             "birth_date": date(2024, 3, 1)},
            {"child_ref": "C4", "family_ref": "IMP-004", "first_name": "Tom", "last_name": "Dumas", "sex": "M",
             "birth_date": date(2025, 8, 1)},
        ],
        "adults": [
            {"adult_ref": "A1", "family_ref": "IMP-001", "role": "mother", "first_name": "Julie", "last_name": "Aubry",
             "birth_date": date(1995, 3, 1), "nationality": "BE", "region": "BE-BRU"},
            {"adult_ref": "A2", "family_ref": "IMP-001", "role": "father", "first_name": "Marc", "last_name": "Aubry",
             "birth_date": date(1990, 6, 1), "nationality": "fr", "region": "BE-BRU"},
            {"adult_ref": "A3", "family_ref": "IMP-002", "role": "mother", "first_name": "Sara", "last_name": "Berger",
             "birth_date": "2005-04-10", "nationality": "MA", "region": "BE-WHT"},
            {"adult_ref": "A4", "family_ref": "IMP-003", "role": "father", "first_name": "Paul", "last_name": "Colin",
             "birth_date": date(1985, 1, 1)},
        ],
        "requests": [
            {"request_ref": "R1", "facility_code": facility_code, "family_ref": "IMP-001",
             "received_on": date(2025, 1, 5), "requester": "professional", "referrer_category": "hospital_maternity",
             "referrer_name": "CHU Saint-Pierre", "reason": "parent_infant_relationship", "mandate": "none",
             "decision": "accepted", "decided_on": date(2025, 1, 10)},
            {"request_ref": "R2", "facility_code": facility_code, "family_ref": "IMP-002",
             "received_on": "2025-02-10", "requester": "family", "referrer_category": "family_self",
             "reason": "neglect", "decision": "accepted", "decided_on": "2025-02-15"},
            {"request_ref": "R3", "facility_code": facility_code, "family_ref": "IMP-003",
             "received_on": date(2025, 4, 1), "requester": "professional", "referrer_category": "one",
             "reason": "parenting_support", "decision": "refused", "decided_on": date(2025, 4, 5),
             "refusal_reason": "no_capacity"},
            {"request_ref": "R4", "facility_code": facility_code, "family_ref": "IMP-003",
             "received_on": date(2025, 5, 1), "requester": "professional", "referrer_category": "cpas",
             "reason": "social_isolation", "decision": "accepted", "decided_on": date(2025, 5, 3)},
            {"request_ref": "R5", "facility_code": facility_code, "family_ref": "IMP-004",
             "received_on": date(2025, 10, 1), "requester": "professional", "referrer_category": "gp",
             "reason": "difficult_pregnancy", "decision": "waiting_list", "decided_on": date(2025, 10, 2)},
            {"request_ref": "R6", "facility_code": facility_code, "family_ref": "IMP-004",
             "received_on": date(2025, 11, 1), "requester": "professional", "referrer_category": "gp",
             "reason": "difficult_pregnancy"},
        ],
        "stays": [
            {"stay_ref": "S1", "facility_code": facility_code, "child_ref": "C1", "request_ref": "R1",
             "admitted_on": date(2025, 1, 15), "discharged_on": date(2025, 6, 30), "discharge_kind": "planned",
             "residence_before": "hospital", "residence_after": "home_with_parent", "mandate": "none"},
            {"stay_ref": "S2", "facility_code": facility_code, "child_ref": "C2", "request_ref": "R2",
             "admitted_on": "2025-03-01", "residence_before": "family_home", "mandate": "saj"},
            {"stay_ref": "S3", "facility_code": facility_code, "child_ref": "C3", "request_ref": "R4",
             "admitted_on": date(2025, 5, 10), "discharged_on": date(2025, 9, 30), "discharge_kind": "early_family",
             "residence_before": "nursery_or_creche", "residence_after": "other_private_care"},
        ],
        "presence": [
            {"stay_ref": "S1", "adult_ref": "A1", "from": date(2025, 1, 15)},
            {"stay_ref": "S1", "adult_ref": "A2", "from": date(2025, 1, 15), "to": date(2025, 6, 30)},
            {"stay_ref": "S2", "adult_ref": "A3", "from": "2025-03-01"},
            {"stay_ref": "S3", "adult_ref": "A4", "from": date(2025, 6, 1), "to": date(2025, 7, 1)},
        ],
        "diagnoses": [
            {"stay_ref": "S1", "subject_ref": "C1", "timepoint": "entry", "system": "icd11", "code": "6B40",
             "primary": "oui"},
            {"stay_ref": "S1", "subject_ref": "C1", "timepoint": "exit", "system": "icd11", "code": "QA00",
             "label": "Examen de santé", "primary": 1},
            {"stay_ref": "S1", "subject_ref": "A1", "timepoint": "entry", "system": "icd11", "code": "6A70"},
            {"stay_ref": "S3", "subject_ref": "C3", "timepoint": "entry", "system": "icd11", "code": "6B40",
             "primary": "oui"},
            {"stay_ref": "S3", "subject_ref": "C3", "timepoint": "exit", "system": "icd11", "code": "6B40",
             "primary": "oui"},
        ],
        "assessments": [
            {"stay_ref": "S1", "subject_ref": "C1", "instrument": "bayley3", "assessed_on": date(2025, 1, 20),
             "cog": 85, "lang": 90, "motor": 80},
            {"stay_ref": "S1", "subject_ref": "C1", "instrument": "bayley3", "assessed_on": date(2025, 6, 25),
             "cog": 95, "lang": 100, "motor": 90},
            {"stay_ref": "S3", "subject_ref": "C3", "instrument": "bayley3", "assessed_on": date(2025, 5, 15),
             "cog": 70},
            {"stay_ref": "S1", "subject_ref": "A1", "instrument": "epds", "assessed_on": date(2025, 1, 16),
             **{f"e{n:02d}": 1 for n in range(1, 10)}, "e10": 0},
        ],
        "interventions": [
            {"facility_code": facility_code, "family_ref": "IMP-001", "stay_ref": "S1", "kind": "home_visit",
             "date": date(2025, 2, 1), "duration_min": 60},
            {"facility_code": facility_code, "family_ref": "IMP-002", "kind": "phone_consultation",
             "date": date(2025, 3, 10), "duration_min": 15},
            {"facility_code": facility_code, "family_ref": "IMP-002", "kind": "phone_consultation",
             "date": "2025-03-11", "duration_min": 15},
        ],
        "signalements": [
            {"facility_code": facility_code, "family_ref": "IMP-002", "date": date(2025, 4, 1),
             "addressee": "SAJ Bruxelles"},
        ],
    }


def write(path: Path, rows: dict[str, list[dict]], *, drop_sheet: str | None = None,
          extra_column: tuple[str, str] | None = None) -> Path:
    """Fill the template with `rows` (sheet -> list of {column: value}) and save it at `path`."""
    build_template(path)
    workbook = openpyxl.load_workbook(path)
    for name, items in rows.items():
        sheet = workbook[name]
        header = [cell.value for cell in sheet[1]]
        if extra_column and extra_column[0] == name:
            header.append(extra_column[1])
            sheet.cell(row=1, column=len(header), value=extra_column[1])
        for item in items:
            unknown = set(item) - set(header)
            assert not unknown, f"{name}: no column {unknown}"
            sheet.append([item.get(code) for code in header])
    if drop_sheet:
        del workbook[drop_sheet]
    workbook.save(path)
    return path


def good(tmp_path: Path, facility_code: str = FACILITY, **kwargs) -> Path:
    return write(tmp_path / "cohorte.xlsx", cohort(facility_code, **kwargs))


def _changed(tmp_path: Path, name: str, change) -> Path:
    rows = copy.deepcopy(cohort())
    change(rows)
    return write(tmp_path / f"{name}.xlsx", rows)


# ---------------------------------------------------------------- the bad corpus: (file, sheet, row, column)


def bad_missing_sheet(tmp_path: Path) -> Path:
    return write(tmp_path / "sans_presence.xlsx", cohort(), drop_sheet="presence")


def bad_unknown_code(tmp_path: Path) -> Path:
    return _changed(tmp_path, "code_inconnu", lambda rows: rows["children"][1].update(sex="X"))


def bad_text_in_date(tmp_path: Path) -> Path:
    return _changed(tmp_path, "texte_date", lambda rows: rows["stays"][0].update(admitted_on="mi-janvier"))


def bad_duplicate_ref(tmp_path: Path) -> Path:
    return _changed(tmp_path, "doublon", lambda rows: rows["adults"][2].update(adult_ref="A1"))


def bad_stay_before_birth(tmp_path: Path) -> Path:
    return _changed(tmp_path, "avant_naissance",
                    lambda rows: rows["stays"][1].update(admitted_on=date(2025, 1, 20)))


def bad_formula_in_name(tmp_path: Path) -> Path:
    return _changed(tmp_path, "formule", lambda rows: rows["adults"][0].update(first_name='=HYPERLINK("x","y")'))


def bad_not_a_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "notes.xlsx"
    path.write_text("Ceci est un texte, pas un classeur.\n", encoding="utf-8")
    return path


def bad_empty_file(tmp_path: Path) -> Path:
    path = tmp_path / "vide.xlsx"
    path.write_bytes(b"")
    return path


def bad_corrupt_zip(tmp_path: Path) -> Path:
    path = tmp_path / "abime.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not xml")
    return path


def over_capacity(tmp_path: Path) -> Path:
    """Valid row by row; only the service sees that 2 children overlap in a 1-place unit."""
    rows = copy.deepcopy(cohort())
    rows["facilities"][0]["capacity"] = 1
    return write(tmp_path / "complet.xlsx", rows)


# name -> (builder, sheet, row, column) of the error expected ("" when the whole file is refused)
BAD = {
    "missing_sheet": (bad_missing_sheet, "presence", None, ""),
    "unknown_code": (bad_unknown_code, "children", 3, "sex"),
    "text_in_date": (bad_text_in_date, "stays", 2, "admitted_on"),
    "duplicate_ref": (bad_duplicate_ref, "adults", 4, "adult_ref"),
    "stay_before_birth": (bad_stay_before_birth, "stays", 3, "admitted_on"),
    "formula_in_name": (bad_formula_in_name, "adults", 2, "first_name"),
    "not_a_workbook": (bad_not_a_workbook, "", None, ""),
    "empty_file": (bad_empty_file, "", None, ""),
    "corrupt_zip": (bad_corrupt_zip, "", None, ""),
}
