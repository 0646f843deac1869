"""The Excel workbook of a report: cover, one sheet per table, native charts, the pseudonymised line list.

Pure apart from writing the file: it renders a `Report` and the tables `build_tables` made of it
(a figure is never recomputed here), hides small counts for funders whose profile asks for it
(`dashboards.suppression`), and writes the line list it is handed row by row. The whole workbook
is written in openpyxl's write-only mode, so a line list of any length costs no memory; charts
are anchored on write-only sheets. Every text cell goes through `unit.cells.safe_text`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dashboards import tables as catalogue
from dashboards.linelist import HEADERS as LINE_LIST_HEADERS
from dashboards.published import Rendered, suppress_tables
from dashboards.tables import LINE_LIST, SheetChart, Table
from unit.cells import safe_text

# The declaration's table codes and cover sentences, read once, for the callers that want constants; the
# workbook itself reads `dashboards.tables` each time it is written.
TABLE_NAMES = catalogue.table_names()
DEFINITIONS = catalogue.cover_definitions()
COVER = "couverture"
FIRST_DATA_ROW = 4  # row 1 title, row 2 note, row 3 headers
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)


@dataclass(frozen=True)
class CoverInfo:
    """What the cover says beside the report itself."""

    generated_at: datetime
    generated_by: str
    profile_name: str
    threshold: int
    sheets: Sequence[str]
    indicators_sha256: str


# ---------------------------------------------------------------- writing


def _cell(ws, value, font: Font | None = None):
    """A value as it goes into a cell: text made safe, dates as dates."""
    if isinstance(value, str):
        value = safe_text(value)
    if font is None and not isinstance(value, date):
        return value
    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    if isinstance(value, datetime):
        cell.number_format = "DD/MM/YYYY HH:MM"
    elif isinstance(value, date):
        cell.number_format = "DD/MM/YYYY"
    return cell


def _row(ws, values: Iterable, font: Font | None = None) -> list:
    return [_cell(ws, v, font) for v in values]


def write(out: str | IO[bytes], report, tables: Mapping[str, Table], *, info: CoverInfo,
          line_list: Iterable[Sequence] | None = None) -> int:
    """Write the workbook; returns the number of line-list rows written (its iterator reports progress)."""
    wb = Workbook(write_only=True)
    _cover(wb.create_sheet(COVER), report, info)
    published = suppress_tables(tables, info.threshold)
    for name in info.sheets:
        if name in published:
            _table_sheet(wb.create_sheet(name), published[name])
    written = 0
    if LINE_LIST in info.sheets and line_list is not None:
        written = line_list_sheet(wb, line_list)
    wb.save(out)
    return written


def line_list_sheet(wb: Workbook, rows: Iterable[Sequence]) -> int:
    """Stream the line list into a new write-only sheet; returns the number of rows.

    The cells are the same as `_row` makes (safe text, dates as DD/MM/YYYY), but each date column
    reuses one styled cell: openpyxl writes a row out as soon as it is appended, so the cell is free
    again for the next row, and the style is looked up once instead of once per date.
    """
    ws = wb.create_sheet(LINE_LIST)
    ws.freeze_panes = "A2"
    ws.append(_row(ws, LINE_LIST_HEADERS, BOLD))
    date_cells: dict[int, WriteOnlyCell] = {}
    written = 0
    for row in rows:
        out = []
        for index, value in enumerate(row):
            if isinstance(value, str):
                out.append(safe_text(value))
            elif isinstance(value, date) and not isinstance(value, datetime):
                cell = date_cells.get(index)
                if cell is None:
                    cell = date_cells[index] = _cell(ws, value)
                cell.value = value
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)
        written += 1
    return written


def _period(start: date, end: date) -> str:
    return f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"


def _cover(ws, report, info: CoverInfo) -> None:
    ws.append(_row(ws, ["Rapport d'activité — classeur"], TITLE))
    ws.append([])
    facts = [
        ("Structures", ", ".join(f"{f.name} ({f.code})" for f in report.facilities)),
        ("Période", _period(report.period.start, report.period.end)),
        ("Période précédente", _period(report.previous_period.start, report.previous_period.end)),
        ("Généré le", timezone.localtime(info.generated_at).strftime("%d/%m/%Y %H:%M")),
        ("Généré par", info.generated_by),
        ("Profil", info.profile_name),
        ("Seuil des petits effectifs",
         "aucun masquage" if info.threshold <= 1 else
         f"{info.threshold} : les effectifs de 1 à {info.threshold - 1} sont masqués"),
        ("Feuilles", ", ".join(info.sheets)),
        ("Empreinte des indicateurs (SHA-256)", info.indicators_sha256),
    ]
    for label, value in facts:
        ws.append([_cell(ws, label, BOLD), _cell(ws, value)])
    ws.append([])
    if info.threshold > 1:
        ws.append(_row(ws, ["Petits effectifs"], BOLD))
        ws.append(_row(ws, [
            f"« < {info.threshold} » : effectif de 1 à {info.threshold - 1} ; « s » : effectif masqué pour "
            f"qu'aucun effectif masqué ne puisse être recalculé à partir des totaux ; les zéros sont affichés. "
            f"Les notes donnant des parts sont omises des tableaux masqués."]))
        ws.append([])
    if LINE_LIST in info.sheets:
        ws.append(_row(ws, ["Liste des séjours"], BOLD))
        ws.append(_row(ws, [
            "Une ligne par séjour actif dans la période ; l'enfant est désigné par un pseudonyme propre à ce "
            "financeur (HMAC-SHA256), sans nom ni date de naissance complète."]))
        ws.append([])
    ws.append(_row(ws, ["Définitions"], TITLE))
    ws.append(_row(ws, ["Indicateur", "Code", "Définition"], BOLD))
    for key, name, text in catalogue.cover_definitions():
        ws.append(_row(ws, [name, key, text]))


def _table_sheet(ws, rendered: Rendered) -> None:
    table = rendered.table
    ws.append(_row(ws, [table.title], TITLE))
    ws.append(_row(ws, [rendered.note]))
    ws.append(_row(ws, table.headers, BOLD))
    for row in rendered.rows:
        ws.append(_row(ws, row))
    spec = catalogue.declared(table.name)
    if spec and spec.sheet_chart and rendered.rows and not rendered.withheld:
        ws.add_chart(_chart(ws, table, len(rendered.rows), spec.sheet_chart),
                     f"{get_column_letter(len(table.headers) + 2)}3")


def _chart(ws, table: Table, n_rows: int, spec: SheetChart) -> BarChart:
    chart = BarChart()
    chart.type = spec.direction
    chart.grouping = "clustered"
    chart.title = safe_text(table.title)
    chart.y_axis.title = spec.y_title
    columns = spec.columns
    chart.width, chart.height = 18, 9
    header = FIRST_DATA_ROW - 1
    data = Reference(ws, min_col=columns[0], max_col=columns[1], min_row=header, max_row=header + n_rows)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_DATA_ROW, max_row=header + n_rows))
    if spec.direction == "bar":
        chart.x_axis.scaling.orientation = "maxMin"  # youngest band on top, as on the page
    return chart
