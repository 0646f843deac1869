"""Import of the version-1 workbook of DOMAIN.md: every sheet and row is checked, then all is written or nothing.

Two phases. `validate` reads the whole workbook and lists every problem with its sheet, Excel row
and column; nothing touches the database but look-ups. Only when there is no error, `apply` writes
through the same services as the pages (so capacity, dates and presence rules hold), inside one
transaction: a refusal of a service is reported with its row and everything is rolled back.
Re-importing the same workbook creates nothing: each record is first looked up by a natural key, and
identical rows are distinct records (DOMAIN.md, settled reading 10): the k-th row with a key matches the
k-th record with it. Every row read ends created, already present or refused, and the summary says so.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from interchange.importer.apply import Applying
from interchange.importer.cells import CellParsing
from interchange.importer.checks import Checks
from interchange.importer.reading import Reading
from interchange.importer.results import ImportResult, Problem, Record, Rollback
from interchange.importer.schema import COUNTED, KEY_COLUMN, SHEET_ORDER, SHEETS, Progress, list_codes


def import_workbook(path: str | Path, *, user: AbstractBaseUser | None, source_name: str | None = None,
                    commit: bool = True, progress: Progress | None = None) -> ImportResult:
    """Check the workbook, then write it when it has no error and `commit` is true.

    Without `commit` (dry run, preview) the writes run all the same inside a transaction that is
    rolled back: the counts are exact and the apply-time rules (capacity) are checked. `user` None is
    the command line without --user: no facility restriction, and no author in the history.
    """
    return WorkbookImport(user=user, source_name=source_name or Path(path).name, progress=progress).run(
        Path(path), commit=commit)


class WorkbookImport(Reading, CellParsing, Checks, Applying):
    def __init__(self, *, user: AbstractBaseUser | None, source_name: str, progress: Progress | None = None):
        self.user = user if user is not None and user.is_authenticated else None
        self.source_name = source_name
        self.progress = progress or (lambda done, total: None)
        self.result = ImportResult(source=source_name)
        self.today = timezone.localdate()
        who = self.user.get_username() if self.user else "la ligne de commande"
        self.reason = f"importé depuis {source_name} par {who}"
        self.records: dict[str, list[Record]] = {name: [] for name in SHEETS}
        self.refs: dict[str, dict[str, Record]] = {name: {} for name in KEY_COLUMN}
        self.letters: dict[str, dict[str, str]] = {}
        self.broken: set[str] = set()  # sheets missing or without their required columns
        self.done = self.total = 0
        self._code_maps = {c.vocabulary: {code.lower(): code for code in list_codes(c.vocabulary)}
                           for cols in SHEETS.values() for c in cols if c.vocabulary}

    # ------------------------------------------------------------ run

    def run(self, path: Path, *, commit: bool) -> ImportResult:
        sheets = self._read(path)
        if sheets is None:
            return self.result
        self.total = 2 * sum(len(s.rows) for s in sheets.values())
        self._check_headers(sheets)
        for name in SHEET_ORDER:
            if name in sheets and name not in self.broken:
                self._parse(sheets[name])
        self._validate()
        if self.result.errors:
            return self._finish()
        try:
            with transaction.atomic():
                self._apply()
                if self.result.errors or not commit:
                    raise Rollback
        except Rollback:
            pass
        else:
            self.result.applied = True
        return self._finish()

    def _finish(self) -> ImportResult:
        if self.result.errors:
            # Nothing is written: every row read is refused, whatever the trial had counted.
            self.result.created = dict.fromkeys(COUNTED, 0)
            self.result.skipped = dict.fromkeys(COUNTED, 0)
            self.result.refused = {name: self.result.rows.get(name, 0) for name in COUNTED}
        self.result.errors.sort(key=self._order)
        self.progress(self.total, self.total)
        return self.result

    @staticmethod
    def _order(problem: Problem) -> tuple:
        sheet = SHEET_ORDER.index(problem.sheet) if problem.sheet in SHEET_ORDER else -1
        return sheet, problem.row or 0

    def _tick(self) -> None:
        self.done += 1
        self.progress(self.done, self.total)

    def _error(self, sheet: str, row: int | None, column: str, reason: str) -> None:
        letter = self.letters.get(sheet, {}).get(column, "")
        self.result.errors.append(Problem(sheet, row, column, reason, letter))

    def _warn(self, sheet: str, row: int | None, column: str, reason: str) -> None:
        letter = self.letters.get(sheet, {}).get(column, "")
        self.result.warnings.append(Problem(sheet, row, column, reason, letter))

    def _fail(self, record: Record, column: str, reason: str) -> None:
        record.bad = True
        self._error(record.sheet, record.row, column, reason)
