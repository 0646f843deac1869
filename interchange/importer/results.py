"""What an import reads and answers: a located problem, the summary of a run, a parsed row, a read sheet."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from interchange.importer.schema import COUNTED, LABELS, SHEETS


@dataclass(frozen=True)
class Problem:
    """An error or a warning, located as the user sees it in Excel."""

    sheet: str
    row: int | None
    column: str
    reason: str
    letter: str = ""

    def __str__(self) -> str:
        parts = []
        if self.sheet:
            parts.append(self.sheet)
        if self.row:
            parts.append(f"ligne {self.row}")
        if self.column:
            parts.append(f"colonne {self.column}" + (f" ({self.letter})" if self.letter else ""))
        where = ", ".join(parts)
        return f"{where} : {self.reason}" if where else self.reason


@dataclass
class ImportResult:
    source: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # data rows read per sheet
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))
    # Rows neither written nor already present: every row when the import is refused, since nothing is written.
    refused: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))
    applied: bool = False  # True once written (never with errors, never in a trial)

    @property
    def ok(self) -> bool:
        return not self.errors

    def table(self) -> list[dict[str, Any]]:
        """One line per kind of record: rows read = created (or to create) + already present + refused.

        Family dossiers come from the family_ref of the other sheets: they have no rows of their own.
        """
        return [{"sheet": name, "label": LABELS[name],
                 "rows": self.rows.get(name, 0) if name in SHEETS else None,
                 "created": self.created.get(name, 0), "skipped": self.skipped.get(name, 0),
                 "refused": self.refused.get(name, 0) if name in SHEETS else None}
                for name in COUNTED]

    def summary_lines(self) -> list[str]:
        verb = "créé(s)" if self.applied else "à créer"
        lines = []
        for line in self.table():
            counts = f"{line['created']} {verb} + {line['skipped']} déjà présent(s)"
            if line["rows"] is None:
                lines.append(f"{line['label']} ({line['sheet']}) : {counts}")
            else:
                lines.append(f"{line['label']} ({line['sheet']}) : {line['rows']} ligne(s) lue(s) = {counts} + "
                             f"{line['refused']} refusée(s)")
        return lines


@dataclass
class Record:
    """One data row of a sheet: parsed values by column code, and whether a cell was refused."""

    sheet: str
    row: int
    values: dict[str, Any]
    bad: bool = False

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)


@dataclass
class Sheet:
    name: str
    title: str
    columns: dict[str, int]  # column code -> index
    rows: list[tuple[int, tuple]]  # (Excel row number, raw values)


class Rollback(Exception):
    """Leaves the transaction of a trial run (or of a run with errors) without writing anything."""
