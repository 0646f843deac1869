"""Reading a workbook: the size limits checked from the zip's directory, the sheets, headers and rows."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
from openpyxl.utils import get_column_letter

from interchange.importer.results import Problem, Sheet
from interchange.importer.schema import HELPER_SHEETS, SHEET_ORDER, SHEETS

# Size limits, checked before a cell costs memory or time (docs/import.md, "Limits"). A workbook is a zip
# of XML parts: its directory gives each part's unzipped size, and zipfile refuses a part that inflates
# beyond the size it declares, so these are checked before openpyxl reads anything.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # every part of the zip together
MAX_PART_BYTES = 50 * 1024 * 1024  # one sheet (or any other part)
MAX_SHARED_STRINGS_BYTES = 20 * 1024 * 1024  # the shared strings, which openpyxl holds in memory whole
MAX_ROWS = 50_000  # data rows of one sheet (below its header row)
MAX_COLUMNS = 200  # the widest sheet of the template (assessments) has 97
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell



def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} Mo".replace(".", ",")


def _too_long(length: int) -> str:
    return (f"Cellule trop longue : {length:_} caractères, {MAX_CELL_CHARS:_} au plus (la limite d'Excel)."
            .replace("_", " "))


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name -> sheet title, read from the workbook's small index parts (empty when they are odd)."""
    names = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"}
    if any(info.filename in names and info.file_size > 1024 * 1024 for info in archive.infolist()):
        return {}
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    titles = {}
    for sheet in workbook.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"):
        target = targets.get(sheet.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        titles[part] = sheet.get("name", "")
    return titles



class Reading:
    """Opening the workbook: zip size checks, sheets, header rows and data rows (no cell is parsed yet)."""

    def _read(self, path: Path) -> dict[str, Sheet] | None:
        try:
            size = path.stat().st_size
        except OSError:
            self._error("", None, "", f"Fichier introuvable : {path.name}.")
            return None
        if size == 0:
            self._error("", None, "", "Le fichier est vide (0 octet) : ce n'est pas un classeur Excel.")
            return None
        if not zipfile.is_zipfile(path):
            self._error("", None, "", "Ce fichier n'est pas un classeur Excel .xlsx (un ancien .xls, un CSV ou un "
                                      "texte renommé ?) : ouvrez-le dans Excel et enregistrez-le au format .xlsx.")
            return None
        if not self._check_sizes(path):
            return None
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except Exception as error:  # any parser failure is one clear message, never a traceback
            self._error("", None, "", f"Classeur .xlsx illisible ou endommagé ({type(error).__name__}) : "
                                      "enregistrez-le à nouveau depuis Excel.")
            return None
        sheets: dict[str, Sheet] = {}
        try:
            for worksheet in workbook.worksheets:
                name = worksheet.title.strip().lower()
                if name in HELPER_SHEETS:
                    continue
                if name not in SHEETS:
                    self._warn(worksheet.title, None, "", "Feuille inconnue : ignorée.")
                    continue
                if name in sheets:
                    self._error(worksheet.title, None, "", "Feuille en double.")
                    continue
                sheets[name] = self._read_sheet(worksheet, name)
        except Exception as error:  # a damaged part of the zip shows up only while reading the rows
            self._error("", None, "", f"Classeur .xlsx illisible ou endommagé ({type(error).__name__}) : "
                                      "enregistrez-le à nouveau depuis Excel.")
            return None
        finally:
            workbook.close()
        return sheets

    def _check_sizes(self, path: Path) -> bool:
        """Refuse, from the zip's directory alone, a workbook that would unzip into too much (a zip bomb)."""
        try:
            with zipfile.ZipFile(path) as archive:
                parts = archive.infolist()
                titles = _sheet_titles(archive)
        except (zipfile.BadZipFile, OSError, ValueError):
            return True  # openpyxl reports the damaged file in the usual words
        refused = False
        for part in parts:
            limit = MAX_SHARED_STRINGS_BYTES if part.filename == "xl/sharedStrings.xml" else MAX_PART_BYTES
            if part.file_size > limit:
                refused = True
                sheet = titles.get(part.filename, "")
                what = (f"la feuille « {sheet} »" if sheet else
                        "les textes partagés du classeur" if limit == MAX_SHARED_STRINGS_BYTES else
                        f"la partie « {part.filename} »")
                self._error(sheet.strip().lower() if sheet.strip().lower() in SHEETS else sheet, None, "",
                            f"Classeur trop volumineux : {what} occupe {_megabytes(part.file_size)} une fois "
                            f"décompressé(e), {_megabytes(limit)} au plus. Un texte démesuré dans une cellule ? "
                            "Découpez le classeur ou retirez ce contenu.")
        total = sum(part.file_size for part in parts)
        if total > MAX_UNZIPPED_BYTES:
            refused = True
            self._error("", None, "", f"Classeur trop volumineux : {_megabytes(total)} une fois décompressé, "
                                      f"{_megabytes(MAX_UNZIPPED_BYTES)} au plus. Découpez-le en plusieurs classeurs.")
        return not refused

    def _read_sheet(self, worksheet, name: str) -> Sheet:
        if hasattr(worksheet, "reset_dimensions"):
            # Some writers store a wrong used range; read-only mode would trust it and miss rows.
            worksheet.reset_dimensions()
        # One column past the limit is read, to see whether anything lies there; openpyxl drops the rest of
        # a row without building it. Rows are counted as they come: a million empty rows stop at the limit.
        rows = worksheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        header = next(rows, None) or ()
        columns: dict[str, int] = {}
        letters: dict[str, str] = {}
        for index, value in enumerate(header):
            code = str(value).strip().lower() if value is not None else ""
            if not code:
                continue
            if index >= MAX_COLUMNS:
                self._error(name, 1, "", f"Trop de colonnes : {MAX_COLUMNS} au plus (une valeur en colonne "
                                         f"{get_column_letter(index + 1)}). Supprimez les colonnes en trop.")
                break
            if len(code) > MAX_CELL_CHARS:
                self.result.errors.append(Problem(name, 1, "", _too_long(len(code)), get_column_letter(index + 1)))
                continue
            if code in columns:
                self._error(name, 1, code, "Colonne en double.")
                continue
            columns[code] = index
            letters[code] = get_column_letter(index + 1)
        self.letters[name] = letters
        names = {index: code for code, index in columns.items()}
        width = max(columns.values(), default=-1) + 1  # a row keeps only the columns that have a header
        data = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                self._error(name, None, "", f"Trop de lignes : {MAX_ROWS:_} lignes de données au plus par feuille "
                                            f"(la feuille continue après la ligne {MAX_ROWS + 1:_}, même avec des "
                                            "lignes vides mises en forme). Supprimez les lignes en trop ou "
                                            "découpez le classeur.".replace("_", " "))
                break
            if len(values) > MAX_COLUMNS and values[MAX_COLUMNS] is not None:
                self._error(name, number, "", f"Trop de colonnes : {MAX_COLUMNS} au plus (une valeur en colonne "
                                              f"{get_column_letter(MAX_COLUMNS + 1)}). Supprimez les colonnes en trop.")
            for index, value in enumerate(values):
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    self.result.errors.append(Problem(name, number, names.get(index, ""), _too_long(len(value)),
                                                      get_column_letter(index + 1)))
            if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
                data.append((number, values[:width]))
        return Sheet(name=name, title=worksheet.title, columns=columns, rows=data)

    def _check_headers(self, sheets: dict[str, Sheet]) -> None:
        for name in SHEET_ORDER:
            sheet = sheets.get(name)
            if sheet is None:
                self.broken.add(name)
                self._error(name, None, "", "Feuille manquante (le modèle en compte dix : utilisez "
                                            "import_template ; une feuille sans donnée garde sa ligne d'en-tête).")
                continue
            expected = {c.code: c for c in SHEETS[name]}
            for column in SHEETS[name]:
                if column.code in sheet.columns:
                    continue
                if column.required:
                    self.broken.add(name)
                    self._error(name, 1, column.code, "Colonne obligatoire manquante dans la ligne d'en-tête.")
                elif not column.score:
                    self._warn(name, 1, column.code, "Colonne absente : considérée comme vide.")
            for code in sheet.columns:
                if code not in expected:
                    self._warn(name, 1, code, "Colonne inconnue : ignorée.")
            self.result.rows[name] = len(sheet.rows)
