"""The Excel workbook of a report: cover, one sheet per table, native charts, the pseudonymised line list.

Pure apart from writing the file: it renders a `Report` and the tables `build_tables` made of it
(a figure is never recomputed here), hides small counts for funders whose profile asks for it
(`dashboards.suppression`), and writes the line list it is handed row by row. The whole workbook
is written in openpyxl's write-only mode, so a line list of any length costs no memory; charts
are anchored on write-only sheets. Every text cell goes through `unit.cells.safe_text`.

It is meant to be handed over: French tabs, columns as wide as their labels, and a print setup on every
sheet (fit to one page wide, landscape when wide, the header row repeated, a chart never cut by a page
break, the facilities, period and page number in the margins). A chart draws only numbers: it reads a
hidden copy of its series in which a masked cell is blank, and a series holding a masked cell is left
out with a note (the pyramid keeps both sexes, a masked band left as a gap).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from dashboards import tables as catalogue
from dashboards.linelist import HEADERS as LINE_LIST_HEADERS
from dashboards.published import Rendered, suppress_tables
from dashboards.tables import LINE_LIST, SheetChart, Table
from unit.cells import safe_text

# The declaration's table codes and cover sentences, read once, for the callers that want constants; the
# workbook itself reads `dashboards.tables` each time it is written.
TABLE_NAMES = catalogue.table_names()
DEFINITIONS = catalogue.cover_definitions()
COVER = "Couverture"
LINE_LIST_TITLE = "Liste des séjours"
FIRST_DATA_ROW = 4  # row 1 title, row 2 note, row 3 headers
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER = Alignment(wrap_text=True, vertical="bottom")
RIGHT = Alignment(horizontal="right")
MARK = re.compile(r"^(s|< \d+|—)$")  # a masked count, a masked mean or an empty statistic: read as numbers
SHEET_TITLE_MAX = 31  # Excel's limit on a tab's name
FORBIDDEN_IN_TITLES = re.compile(r"[\[\]:*?/\\]")
# Sizes in Excel's units: a column's width in characters of the default font, a row's height in points.
LINE_HEIGHT = 15
MAX_COLUMN_WIDTH = 48
PORTRAIT_WIDTH = 95  # about what an A4 portrait page holds at 100 %, in characters
CHART_WIDTH_CM, CHART_HEIGHT_CM = 18, 9
CHART_ROWS = 19  # rows of the default height a 9 cm chart covers, with a margin
PAGE_ROWS = {"portrait": 48, "landscape": 32}  # rows of the default height on an A4 page, margins taken off


@dataclass(frozen=True)
class CoverInfo:
    """What the cover says beside the report itself."""

    generated_at: datetime
    generated_by: str
    profile_name: str
    threshold: int
    sheets: Sequence[str]
    indicators_sha256: str


# ---------------------------------------------------------------- names of the tabs


def sheet_title(name: str) -> str:
    """The French tab of a sheet (at most 31 characters): the table's declared tab, else its title cut short."""
    if name == LINE_LIST:
        return LINE_LIST_TITLE
    spec = catalogue.declared(name)
    text = FORBIDDEN_IN_TITLES.sub("-", (spec.sheet or str(spec.title)) if spec else name)
    if len(text) > SHEET_TITLE_MAX:  # a title without its asides, cut at a word
        text = re.sub(r"\s*\([^)]*\)", "", text).strip()
        if len(text) > SHEET_TITLE_MAX:
            cut = text[:SHEET_TITLE_MAX + 1]
            text = cut[:cut.rfind(" ")] if " " in cut else cut[:SHEET_TITLE_MAX]
    return text.rstrip(" ,;—-") or name[:SHEET_TITLE_MAX]


def _unique_titles(names: Iterable[str]) -> dict[str, str]:
    titles: dict[str, str] = {}
    taken = {COVER.lower()}
    for name in names:
        title, n = sheet_title(name), 1
        while title.lower() in taken:  # Excel compares tabs without case
            n += 1
            title = f"{sheet_title(name)[:SHEET_TITLE_MAX - 4].rstrip()} ({n})"
        taken.add(title.lower())
        titles[name] = title
    return titles


# ---------------------------------------------------------------- writing


def _cell(ws, value, font: Font | None = None, alignment: Alignment | None = None):
    """A value as it goes into a cell: text made safe, dates as dates."""
    if isinstance(value, str):
        value = safe_text(value)
    if font is None and alignment is None and not isinstance(value, date):
        return value
    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if isinstance(value, datetime):
        cell.number_format = "DD/MM/YYYY HH:MM"
    elif isinstance(value, date):
        cell.number_format = "DD/MM/YYYY"
    return cell


def _row(ws, values: Iterable, font: Font | None = None, alignment: Alignment | None = None) -> list:
    return [_cell(ws, v, font, alignment) for v in values]


def _text_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        return len(f"{value:g}")
    return max((len(part) for part in str(value).split("\n")), default=0)


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column (or merged columns) `width` characters wide."""
    return max(1, sum(math.ceil(max(len(part), 1) / max(width * 1.05, 1)) for part in str(text).split("\n")))


def _column_widths(headers: Sequence[str], rows: Sequence[Sequence]) -> list[float]:
    """Each column as wide as its longest value, its header wrapped at word boundaries when longer."""
    widths = []
    for index, header in enumerate(headers):
        values = max((_text_width(row[index]) for row in rows if index < len(row)), default=0)
        longest_word = max((len(word) for word in str(header).split()), default=0)
        header_width = min(len(str(header)), max(16, longest_word))
        widths.append(min(max(values, header_width, 6) + 2, MAX_COLUMN_WIDTH))
    return widths


def _print_setup(ws, *, width: float, title_rows: str | None, info: CoverInfo, report,
                 print_area: str | None = None) -> str:
    """Fit to one page wide (as many pages down as needed), landscape when wide, margins saying what it is."""
    orientation = "landscape" if width > PORTRAIT_WIDTH else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if title_rows:
        ws.print_title_rows = title_rows
    if print_area:
        ws.print_area = print_area
    # Header and footer codes: "&" starts a code, so a literal one is doubled.
    facilities = ", ".join(f.name for f in report.facilities).replace("&", "&&")
    ws.oddHeader.left.text = safe_text(f"{facilities} — {_period(report.period.start, report.period.end)}")
    ws.oddHeader.right.text = "&A"
    generated = timezone.localtime(info.generated_at).strftime("%d/%m/%Y %H:%M")
    ws.oddFooter.left.text = safe_text(f"Généré le {generated} par {info.generated_by}".replace("&", "&&"))
    ws.oddFooter.right.text = "Page &P / &N"
    return orientation


def write(out: str | IO[bytes], report, tables: Mapping[str, Table], *, info: CoverInfo,
          line_list: Iterable[Sequence] | None = None) -> int:
    """Write the workbook; returns the number of line-list rows written (its iterator reports progress)."""
    wb = Workbook(write_only=True)
    published = suppress_tables(tables, info.threshold)
    names = [name for name in info.sheets if name in published or name == LINE_LIST]
    titles = _unique_titles(names)
    _cover(wb.create_sheet(COVER), report, info, titles)
    for name in info.sheets:
        if name in published:
            _table_sheet(wb.create_sheet(titles[name]), published[name], info, report)
    written = 0
    if LINE_LIST in info.sheets and line_list is not None:
        written = line_list_sheet(wb, line_list, info=info, report=report)
    wb.save(out)
    return written


def line_list_sheet(wb: Workbook, rows: Iterable[Sequence], *, info: CoverInfo | None = None, report=None) -> int:
    """Stream the line list into a new write-only sheet; returns the number of rows.

    The cells are the same as `_row` makes (safe text, dates as DD/MM/YYYY), but each date column
    reuses one styled cell: openpyxl writes a row out as soon as it is appended, so the cell is free
    again for the next row, and the style is looked up once instead of once per date.
    """
    ws = wb.create_sheet(LINE_LIST_TITLE)
    ws.freeze_panes = "A2"
    # Widths before the first row (write-only): the headers, and the longest value each column can hold.
    typical = {0: 14, 5: 10, 6: 10}  # pseudonym, admission and discharge dates
    widths = [max(len(str(h)), typical.get(i, 8)) + 2 for i, h in enumerate(LINE_LIST_HEADERS)]
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    if info is not None and report is not None:
        _print_setup(ws, width=sum(widths), title_rows="1:1", info=info, report=report)
    ws.append(_row(ws, LINE_LIST_HEADERS, BOLD, HEADER))
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


COVER_WIDTHS = (34, 24, 80)


def _cover(ws, report, info: CoverInfo, titles: Mapping[str, str]) -> None:
    for index, width in enumerate(COVER_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    _print_setup(ws, width=sum(COVER_WIDTHS), title_rows=None, info=info, report=report)
    value_width = COVER_WIDTHS[1] + COVER_WIDTHS[2]
    rows: list[tuple[list, float | None]] = []  # (cells, height or None)

    def text_row(text: str, font: Font | None = None) -> None:
        ws.merged_cells.add(f"A{len(rows) + 1}:C{len(rows) + 1}")
        rows.append(([_cell(ws, text, font, WRAP)], _lines(text, sum(COVER_WIDTHS)) * LINE_HEIGHT))

    rows.append((_row(ws, ["Rapport d'activité — classeur"], TITLE), 20))
    rows.append(([], None))
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
        ("Feuilles", ", ".join(titles[name] for name in info.sheets if name in titles)),
        ("Empreinte des indicateurs (SHA-256)", info.indicators_sha256),
    ]
    for label, value in facts:
        ws.merged_cells.add(f"B{len(rows) + 1}:C{len(rows) + 1}")
        rows.append(([_cell(ws, label, BOLD, WRAP), _cell(ws, value, None, WRAP)],
                     max(_lines(value, value_width), _lines(label, COVER_WIDTHS[0])) * LINE_HEIGHT))
    rows.append(([], None))
    if info.threshold > 1:
        text_row("Petits effectifs", BOLD)
        text_row(f"« < {info.threshold} » : effectif de 1 à {info.threshold - 1} ; « s » : effectif masqué pour "
                 f"qu'aucun effectif masqué ne puisse être recalculé à partir des totaux ; les zéros sont affichés. "
                 f"Les moyennes d'un groupe masqué sont masquées (« s ») ; les notes donnant des parts sont omises "
                 f"des tableaux masqués. Les graphiques ne dessinent aucun effectif masqué.")
        rows.append(([], None))
    if LINE_LIST in info.sheets:
        text_row("Liste des séjours", BOLD)
        text_row("Une ligne par séjour actif dans la période ; l'enfant est désigné par un pseudonyme propre à ce "
                 "financeur (HMAC-SHA256), sans nom ni date de naissance complète.")
        rows.append(([], None))
    rows.append((_row(ws, ["Définitions"], TITLE), 20))
    rows.append((_row(ws, ["Indicateur", "Code", "Définition"], BOLD), None))
    for key, name, text in catalogue.cover_definitions():
        rows.append((_row(ws, [name, key, text], None, WRAP),
                     max(_lines(text, COVER_WIDTHS[2]), _lines(name, COVER_WIDTHS[0])) * LINE_HEIGHT))
    for index, (_cells, height) in enumerate(rows, 1):
        if height:
            ws.row_dimensions[index].height = height
    for cells, _height in rows:
        ws.append(cells)


@dataclass(frozen=True)
class _ChartPlan:
    """What a sheet's chart draws: the series kept (sheet columns), their hidden copy, and the note."""

    series: tuple[int, ...]
    data_col: int  # first column of the hidden copy
    values: tuple[tuple[float | int | None, ...], ...]  # per kept series, per row: a number or blank
    note: str


def _chart_plan(rendered: Rendered, spec: SheetChart) -> _ChartPlan | None:
    """The series a chart may draw: numbers only, never a masked cell."""
    table, rows = rendered.table, rendered.rows
    if not rows or rendered.withheld:
        return None
    kept, values, left_out = [], [], []
    for column in range(spec.columns[0], spec.columns[1] + 1):
        cells = [row[column - 1] for row in rows]
        numbers = [c if isinstance(c, int | float) and not isinstance(c, bool) else None for c in cells]
        masked = any(isinstance(c, str) for c in cells)
        if all(n is None for n in numbers) or (masked and not spec.pyramid):
            left_out.append(str(table.headers[column - 1]))
            continue
        if spec.pyramid and not kept:  # the first series drawn to the left
            numbers = [None if n is None else -n for n in numbers]
        kept.append(column)
        values.append(tuple(numbers))
    if spec.pyramid and len(kept) < 2 or not kept:
        return _ChartPlan((), 0, (), "Graphique omis : ses effectifs sont masqués.")
    notes = []
    if left_out:
        names = ", ".join(f"« {name} »" for name in left_out)
        notes.append(f"Graphique : {names} non représenté{'s' if len(left_out) > 1 else ''} (effectifs masqués).")
    if spec.pyramid and any(v is None for series in values for v in series):
        notes.append("Graphique : les effectifs masqués ne sont pas dessinés (barre absente).")
    return _ChartPlan(tuple(kept), len(table.headers) + 2, tuple(values), " ".join(notes))


def _table_sheet(ws, rendered: Rendered, info: CoverInfo, report) -> None:
    table = rendered.table
    spec = catalogue.declared(table.name)
    plan = _chart_plan(rendered, spec.sheet_chart) if spec and spec.sheet_chart else None
    n_cols = max(len(table.headers), 1)
    widths = _column_widths(table.headers, rendered.rows)
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    if plan and plan.series:
        for offset in range(len(plan.series)):
            ws.column_dimensions[get_column_letter(plan.data_col + offset)].hidden = True
    table_width = sum(widths)
    page_width = max(table_width, CHART_WIDTH_CM * 5.2 if plan and plan.series else 0)  # ≈ 5 characters a cm
    last = get_column_letter(n_cols)
    # Row 1 title and row 2 note span the table, wrapped; row 3 the headers, wrapped.
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")
    ws.row_dimensions[1].height = _lines(table.title, table_width) * 18
    ws.row_dimensions[2].height = _lines(rendered.note, table_width) * LINE_HEIGHT if rendered.note else None
    ws.row_dimensions[3].height = max(_lines(h, w - 1) for h, w in zip(table.headers, widths, strict=True)) \
        * LINE_HEIGHT if table.headers else None
    end_row = FIRST_DATA_ROW - 1 + len(rendered.rows)
    chart_row = None
    if plan is not None:
        note_row = end_row + 2
        chart_row = note_row + (2 if plan.note else 0)
        if plan.note:
            ws.merged_cells.add(f"A{note_row}:{last}{note_row}")
            ws.row_dimensions[note_row].height = _lines(plan.note, table_width) * LINE_HEIGHT
    last_row = chart_row + CHART_ROWS if plan and plan.series else (chart_row or end_row)
    orientation = _print_setup(ws, width=page_width, title_rows="3:3", info=info, report=report,
                               print_area=f"A1:{get_column_letter(max(n_cols, 1))}{last_row}"
                               if not (plan and plan.series) else None)
    if plan and plan.series and chart_row + CHART_ROWS > PAGE_ROWS[orientation] and chart_row > 4:
        ws.row_breaks.append(Break(id=chart_row - 1))  # the chart starts a page rather than being cut by one

    def hidden_copy(index: int) -> list:
        if not plan or not plan.series:
            return []
        pad = [None] * (plan.data_col - 1 - n_cols)
        if index < 0:  # the header row: the series' names
            return pad + [_cell(ws, table.headers[c - 1]) for c in plan.series]
        return pad + [series[index] for series in plan.values]

    ws.append(_row(ws, [table.title], TITLE, WRAP))
    ws.append(_row(ws, [rendered.note], None, WRAP))
    ws.append(_row(ws, table.headers, BOLD, HEADER) + hidden_copy(-1))
    for index, row in enumerate(rendered.rows):
        cells = [_cell(ws, value, None, RIGHT if i and isinstance(value, str) and MARK.match(value) else None)
                 for i, value in enumerate(row)]
        ws.append(cells + hidden_copy(index))
    if plan is not None and plan.note:
        ws.append([])
        ws.append(_row(ws, [plan.note], None, WRAP))
    if plan and plan.series:
        ws.add_chart(_chart(ws, table, len(rendered.rows), spec.sheet_chart, plan), f"A{chart_row + 1}")


def _chart(ws, table: Table, n_rows: int, spec: SheetChart, plan: _ChartPlan) -> BarChart:
    chart = BarChart()
    chart.type = spec.direction
    chart.grouping = "clustered"
    chart.title = safe_text(table.title)
    chart.y_axis.title = spec.y_title
    chart.width, chart.height = CHART_WIDTH_CM, CHART_HEIGHT_CM
    chart.visible_cells_only = False  # its numbers sit in hidden columns
    chart.display_blanks = "gap"
    header = FIRST_DATA_ROW - 1
    for offset in range(len(plan.series)):
        column = plan.data_col + offset
        chart.add_data(Reference(ws, min_col=column, min_row=header, max_row=header + n_rows), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_DATA_ROW, max_row=header + n_rows))
    if spec.direction == "bar":
        chart.x_axis.scaling.orientation = "maxMin"  # youngest band on top, as on the page
    if spec.pyramid:
        chart.overlap = 100  # girls to the left, boys to the right of one axis
        chart.gapWidth = 30
        chart.y_axis.number_format = "0;0"  # counts to the left read positive
        chart.y_axis.majorGridlines = None
        chart.x_axis.tickLblPos = "low"  # the bands' names outside the bars
        peak = max([1] + [abs(v) for series in plan.values for v in series if v is not None])
        step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10**9) if s * 3 >= peak)
        peak = math.ceil(peak / step) * step
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = -peak, peak  # one scale for both sexes
        chart.y_axis.majorUnit = step
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart
