"""Import of the version-1 workbook (docs/import.md): read, check, then write all or nothing.

The package, in the order a workbook goes through it: `schema` (sheets, columns, code lists), `reading`
(zip size limits, sheets, rows), `cells` (one cell to one value), `checks` (across rows and sheets, calling
the same pure rules as the services), `apply` (writes through the services), `results` (problems and the
summary); `importing` runs them; `template` writes the empty workbook.
"""

from interchange.importer.importing import WorkbookImport, import_workbook
from interchange.importer.reading import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_PART_BYTES,
    MAX_ROWS,
    MAX_SHARED_STRINGS_BYTES,
    MAX_UNZIPPED_BYTES,
)
from interchange.importer.results import ImportResult, Problem
from interchange.importer.schema import FORMAT_VERSION, SHEETS, list_codes
from interchange.importer.template import build_template, list_name

__all__ = [
    "FORMAT_VERSION", "MAX_CELL_CHARS", "MAX_COLUMNS", "MAX_PART_BYTES", "MAX_ROWS", "MAX_SHARED_STRINGS_BYTES",
    "MAX_UNZIPPED_BYTES", "SHEETS", "ImportResult", "Problem", "WorkbookImport", "build_template",
    "import_workbook", "list_codes", "list_name",
]
