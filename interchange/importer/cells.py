"""Parsing cells: text, codes, dates, numbers and yes/no, with the refusals of formulas and control characters."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from interchange.importer.results import Record, Sheet
from interchange.importer.schema import BOOL, CODE, DATE, INT, ISO_DATE, NO, NUMBER, REF, SHEETS, TEXT, YES, Column
from unit import cells
from unit.ages import birth_date_problem


class CellParsing:
    """One cell becomes a value of its column's kind, or an error of its row."""

    def _parse(self, sheet: Sheet) -> None:
        columns = [c for c in SHEETS[sheet.name] if c.code in sheet.columns]
        for number, raw in sheet.rows:
            record = Record(sheet.name, number, {})
            for column in columns:
                index = sheet.columns[column.code]
                value = raw[index] if index < len(raw) else None
                record.values[column.code] = self._cell(record, column, value)
            self.records[sheet.name].append(record)
            self._tick()

    def _cell(self, record: Record, column: Column, value: Any) -> Any:
        if isinstance(value, str):
            # Trimmed (every kind of space and invisible character) before the formula check, which
            # otherwise lets " =…" or "\u00a0=…" through.
            value = cells.trimmed(value)
            if cells.CONTROL.search(value):
                self._fail(record, column.code, "Caractère de contrôle refusé : retapez la valeur au lieu de la "
                                                "copier depuis un autre logiciel.")
                return None
        if (isinstance(value, str) and cells.starts_a_formula(value)) or isinstance(value,
                                                                                    ArrayFormula | DataTableFormula):
            self._fail(record, column.code, "Formule refusée : saisissez la valeur elle-même, pas une formule.")
            return None
        if value is not None and not isinstance(value, str | int | float | bool | date | time):
            self._fail(record, column.code, f"Valeur illisible ({type(value).__name__}) : saisissez un texte, un "
                                            "nombre ou une date.")
            return None
        if value is None or value == "":
            if column.required:
                self._fail(record, column.code, "Valeur obligatoire manquante.")
            return None
        parse = {REF: self._text, TEXT: self._text, CODE: self._code, DATE: self._date, INT: self._int,
                 BOOL: self._bool, NUMBER: self._number}[column.kind]
        return parse(record, column, value)

    def _text(self, record: Record, column: Column, value: Any) -> str | None:
        if isinstance(value, bool):
            text = "oui" if value else "non"
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        elif isinstance(value, datetime):
            text = value.date().isoformat()
        elif isinstance(value, date | time):
            text = value.isoformat()
        else:
            text = str(value)
        if column.max_length and len(text) > column.max_length:
            self._fail(record, column.code, f"Texte trop long ({len(text)} caractères, au plus "
                                            f"{column.max_length}).")
            return None
        return text

    def _code(self, record: Record, column: Column, value: Any) -> str | None:
        text = str(value).strip()
        code = self._code_maps[column.vocabulary].get(text.lower())
        if code is None:
            self._fail(record, column.code, f"Code inconnu « {text} » : choisissez un code de la liste "
                                            f"{column.vocabulary} (feuille _listes du modèle).")
        return code

    def _date(self, record: Record, column: Column, value: Any) -> date | None:
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        elif isinstance(value, str) and ISO_DATE.match(value):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                self._fail(record, column.code, f"Date impossible « {value} ».")
                return None
        else:
            shown = value if not isinstance(value, float) or not value.is_integer() else int(value)
            self._fail(record, column.code, f"Date attendue, trouvé « {shown} » : saisissez une date Excel ou "
                                            "le texte AAAA-MM-JJ (ex. 2024-03-15).")
            return None
        if column.code == "birth_date":  # the rule of the entry forms, word for word
            problem = birth_date_problem(day, self.today)
            if problem:
                self._fail(record, column.code, problem)
                return None
        if day > self.today:
            self._fail(record, column.code, f"Date dans le futur ({day.isoformat()}).")
            return None
        if day.year < 1900:
            self._fail(record, column.code, f"Date improbable ({day.isoformat()}).")
            return None
        return day

    def _decimal(self, value: Any) -> Decimal | None:
        if isinstance(value, bool) or isinstance(value, date | time):
            return None
        try:
            return Decimal(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
        except InvalidOperation:
            return None

    def _int(self, record: Record, column: Column, value: Any) -> int | None:
        number = self._decimal(value)
        if number is None or not number.is_finite():
            self._fail(record, column.code, f"Nombre attendu, trouvé « {value} ».")
            return None
        if number != number.to_integral_value():
            self._fail(record, column.code, f"Nombre entier attendu, trouvé « {value} ».")
            return None
        result = int(number)
        if (column.minimum is not None and result < column.minimum) or \
                (column.maximum is not None and result > column.maximum):
            self._fail(record, column.code, f"Hors limites : {result} (de {column.minimum} à {column.maximum}).")
            return None
        return result

    def _number(self, record: Record, column: Column, value: Any) -> int | float | None:
        number = self._decimal(value)
        if number is None or not number.is_finite():
            self._fail(record, column.code, f"Nombre attendu, trouvé « {value} ».")
            return None
        return int(number) if number == number.to_integral_value() else float(number)

    def _bool(self, record: Record, column: Column, value: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        text = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        self._fail(record, column.code, f"Oui ou non attendu, trouvé « {value} ».")
        return None
