"""The Excel workbook of a report: cover, one sheet per table, native charts, the pseudonymised line list.

Pure apart from writing the file: it renders a `Report` and the tables `build_tables` made of it
(a figure is never recomputed here), hides small counts for funders whose profile asks for it
(`dashboards.suppression`), and writes the line list it is handed row by row. The whole workbook
is written in openpyxl's write-only mode, so a line list of any length costs no memory; charts
are anchored on write-only sheets. Every text cell goes through `unit.cells.safe_text`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dashboards import suppression as sup
from dashboards.linelist import HEADERS as LINE_LIST_HEADERS
from dashboards.tables import Table
from unit.cells import safe_text

# The tables of `build_tables`, in its order (a test checks they match), then the line list.
TABLE_NAMES = (
    "age_pyramid", "older_children", "admission_mode", "diagnosis_entry_exit", "parent_diagnoses", "residence_flow",
    "residence_before", "residence_after", "discharge_kind", "referrer_category", "region", "mandate",
    "length_of_stay", "occupancy", "requests", "refusal_reason", "families", "parent_age", "nationalities",
    "gestational", "interventions", "activity", "bayley_change",
)
LINE_LIST = "line_list"
SHEET_NAMES = (*TABLE_NAMES, LINE_LIST)
COVER = "couverture"
FIRST_DATA_ROW = 4  # row 1 title, row 2 note, row 3 headers

# docs/reports.md, "Définitions (couverture du classeur)": the same sentences, word for word.
DEFINITIONS: tuple[tuple[str, str, str], ...] = (
    ("period", "Période",
     "Les structures du rapport et la période [début, fin] ; la période précédente est l'année civile "
     "d'avant pour une année civile, sinon la même durée juste avant."),
    ("stays_active", "Séjours actifs",
     "Séjours dont l'admission est au plus tard la fin de la période et qui n'ont pas de sortie ou une sortie "
     "au plus tôt le début de la période ; les séjours saisis par erreur ne comptent jamais."),
    ("children_by_sex", "Enfants par sexe",
     "Enfants des séjours actifs par sexe ; chaque enfant compte une fois, à son premier séjour actif dans la "
     "période."),
    ("age_band_by_sex", "Âge à l'admission",
     "Enfants des séjours actifs, une fois chacun, par âge à l'admission de leur premier séjour actif en mois "
     "révolus (0–5, 6–11, 12–23, 24–35, 36 et plus) et par sexe."),
    ("share_under_6_months", "Moins de 6 mois",
     "Part des enfants (une fois chacun) qui avaient moins de 6 mois à l'admission de leur premier séjour "
     "actif (— sans séjour)."),
    ("share_under_1_year", "Moins d'un an",
     "Part des enfants (une fois chacun) qui avaient moins de 12 mois à l'admission de leur premier séjour "
     "actif (— sans séjour)."),
    ("admission_mode", "Admission avec le(s) parent(s)",
     "Séjours actifs des structures résidentielles selon les périodes de présence dans la période : mère "
     "seule, père seul, les deux parents tout le séjour (chacun présent sans interruption de l'admission à la "
     "sortie, ou à la fin de la période si le séjour continue), les deux dont l'un en partie, sans parent (un "
     "autre responsable seul compte ici) ; une présence qui commence après la fin de la période n'existe pas "
     "pour elle."),
    ("share_with_father", "Admissions avec le père",
     "(Père seul + les deux tout le séjour + les deux en partie) / séjours actifs des structures "
     "résidentielles (— sans séjour)."),
    ("residence_before", "Lieu de vie avant", "Lieu de vie avant le séjour, séjours actifs."),
    ("residence_after", "Lieu de vie après", "Lieu de vie après le séjour, séjours terminés dans la période."),
    ("referrer_category", "Réseau envoyeur",
     "Catégorie d'envoyeur de la demande qui a mené au séjour, séjours actifs ; un séjour sans demande "
     "n'est pas compté."),
    ("region", "Région",
     "Région de résidence de la famille (celle de la mère, sinon du père, sinon d'un autre adulte), séjours "
     "actifs ; sans région connue, le séjour n'est pas compté."),
    ("mandate", "Mandat de protection", "Mandat de protection du séjour, séjours actifs."),
    ("discharge_kind", "Type de fin de séjour", "Type de sortie des séjours terminés dans la période."),
    ("diagnosis_entry_exit", "Diagnostics entrée → sortie",
     "Séjours terminés dans la période : paires (diagnostic principal de l'enfant à l'entrée, à la sortie) ; "
     "un diagnostic manquant est « non renseigné »."),
    ("parent_diagnoses", "Diagnostics des parents",
     "Diagnostics (principaux ou non) des adultes admis avec l'enfant (présents à un moment de la période) "
     "dans les séjours actifs ; chaque adulte compte une fois par code."),
    ("length_of_stay_days", "Durée de séjour",
     "Jours de l'admission à la sortie, ou à la fin de la période si le séjour continue (à la date du rapport "
     "si la période la dépasse), pour les séjours actifs : nombre, médiane, moyenne, minimum, maximum."),
    ("occupancy_rate", "Taux d'occupation",
     "Journées-enfants dans la période / (places × jours de la période), structures résidentielles "
     "seulement, l'une et l'autre comptées jusqu'à la date du rapport si la période la dépasse ; le jour de "
     "sortie est une place libre, un séjour d'un seul jour compte un jour (la règle des places à l'admission)."),
    ("requests", "Demandes",
     "Demandes reçues dans la période et leur décision : acceptées, liste d'attente, refusées, sans décision."),
    ("refusal_reason", "Motifs de refus", "Motif des demandes reçues dans la période et refusées."),
    ("families", "Familles",
     "Suivies : familles ayant un séjour actif ; nouvelles : suivies dont la première demande à ces structures "
     "a été reçue dans la période ; poursuivies : suivies moins nouvelles ; clôturées : suivies dont un séjour "
     "a pris fin dans la période et qui n'ont plus de séjour en cours à la fin de la période."),
    ("parent_age_band", "Âge des parents",
     "Mères et pères des familles dont un séjour a commencé dans la période, une fois chacun, par âge en "
     "années révolues au début du premier de ces séjours ; sans date de naissance : « inconnu »."),
    ("nationalities", "Nationalités",
     "Les mêmes mères et pères : nombre de nationalités distinctes et les cinq plus fréquentes (à égalité, "
     "par ordre des codes)."),
    ("gestational_category", "Âge gestationnel",
     "Enfants dont un séjour a commencé dans la période, une fois chacun (au premier de ces séjours) : "
     "prématuré (moins de 37 SA), à terme (37 à 41), post-terme (42 et plus), inconnu."),
    ("interventions", "Interventions",
     "Interventions des structures datées dans la période, par type (hors séjours saisis par erreur)."),
    ("signalements", "Signalements",
     "Signalements des structures faits dans la période (hors séjours saisis par erreur)."),
    ("synthesis_meetings", "Réunions de synthèse",
     "Réunions de synthèse tenues dans la période pour les séjours des structures."),
    ("bayley_change", "Évolution Bayley",
     "Séjours terminés dans la période ayant au moins deux Bayley (III ou 4) : la première est l'entrée, la "
     "dernière la sortie ; par score composite : nombre d'enfants, moyennes et évolution moyenne."),
)

CHARTS = {
    # table -> (bar direction, columns charted, y-axis title)
    "age_pyramid": ("bar", (2, 3), "Enfants"),
    "residence_before": ("col", (2, 3), "Séjours"),
    "referrer_category": ("col", (2, 3), "Séjours"),
    "admission_mode": ("col", (2, 3), "Séjours"),
    "requests": ("col", (2, 3), "Demandes"),
}
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


@dataclass(frozen=True)
class Rendered:
    """A table as it is published: small counts replaced by their markers."""

    table: Table
    rows: list[list]
    note: str
    withheld: bool = False


# ---------------------------------------------------------------- small cells, table by table


@dataclass(frozen=True)
class Block:
    """Count columns of a table that add up together, and where their totals are published."""

    cols: tuple[int, ...]
    rows: tuple[int, ...] | None = None  # None: every row
    total_row: int | None = None  # a row of the table holding these columns' totals
    total_col: int | None = None  # a column of the table holding these rows' totals
    row_totals: str = sup.NONE  # when total_col is None
    col_totals: str = sup.KNOWN  # when total_row is None: a column's population is taken as public


@dataclass(frozen=True)
class Pivot:
    """A long table (row key, column key, count) read as the two-way table it is."""

    row_totals: str = sup.NONE
    col_totals: str = sup.NONE
    count_col: int = 2  # the column of the counts (the period, or beside it the previous period)


LAYOUTS: dict[str, tuple] = {
    # Filles + Garçons = Total in each band; the previous period's totals stand alone.
    "age_pyramid": (Block(cols=(1, 2), total_col=3), Block(cols=(4,))),
    "older_children": (Block(cols=(1, 2), total_col=3), Block(cols=(4,))),
    # Reçues = acceptées + liste d'attente + refusées + sans décision; éligibles and admises are subsets.
    "requests": (Block(cols=(1, 2), rows=(2, 4, 5, 6), total_row=0),
                 Block(cols=(1, 2), rows=(1,), col_totals=sup.NONE),
                 Block(cols=(1, 2), rows=(3,), col_totals=sup.NONE)),
    # Suivies = nouvelles + poursuivies; clôturées is a subset.
    "families": (Block(cols=(1, 2), rows=(1, 2), total_row=0), Block(cols=(1, 2), rows=(3,), col_totals=sup.NONE)),
    # Events or overlapping groups: their sums are published nowhere.
    "activity": (Block(cols=(1, 2), col_totals=sup.NONE),),
    "parent_diagnoses": (Block(cols=(1, 2), col_totals=sup.NONE),),
    "nationalities": (Block(cols=(1, 2, 3, 4), col_totals=sup.NONE),),
    # Refusals by reason add up to the "Refusées" line of the requests table (linked below).
    "refusal_reason": (Block(cols=(1, 2), col_totals=sup.SHOWN),),
    # Flows of the period, then of the previous period.
    "diagnosis_entry_exit": (Pivot(), Pivot(count_col=3)),
    # Their columns add up to the residence-after table's period and previous period (linked below).
    "residence_flow": (Pivot(col_totals=sup.SHOWN), Pivot(col_totals=sup.SHOWN, count_col=3)),
}


@dataclass
class _Unit:
    """One suppression problem: a block of a table (or a pivot) and where its cells sit in the table."""

    cells: list[list[int]]
    row_mode: str
    col_mode: str
    where: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # position -> (row, col)
    keys: tuple[list, list] = ((), ())  # pivots: row and column keys


def _units(table: Table) -> list[_Unit]:
    layout = LAYOUTS.get(table.name) or (Block(cols=tuple(range(1, len(table.headers)))),)
    units = []
    for spec in layout:
        if isinstance(spec, Pivot):
            row_keys = list(dict.fromkeys(row[0] for row in table.rows))
            col_keys = list(dict.fromkeys(row[1] for row in table.rows))
            cells = [[0] * len(col_keys) for _ in row_keys]
            where = {}
            for index, row in enumerate(table.rows):
                i, j = row_keys.index(row[0]), col_keys.index(row[1])
                cells[i][j] = _count(row[spec.count_col])
                where[(i, j)] = (index, spec.count_col)
            units.append(_Unit(cells, spec.row_totals, spec.col_totals, where, (row_keys, col_keys)))
            continue
        rows = spec.rows if spec.rows is not None else tuple(range(len(table.rows)))
        rows = tuple(r for r in rows if r < len(table.rows))
        if not rows:
            continue
        cells = [[_count(table.rows[r][c]) for c in spec.cols] for r in rows]
        where = {(i, j): (r, c) for i, r in enumerate(rows) for j, c in enumerate(spec.cols)}
        if spec.total_col is not None:
            where.update({(i, len(spec.cols)): (r, spec.total_col) for i, r in enumerate(rows)})
        if spec.total_row is not None:
            where.update({(len(rows), j): (spec.total_row, c) for j, c in enumerate(spec.cols)})
        units.append(_Unit(cells, sup.SHOWN if spec.total_col is not None else spec.row_totals,
                           sup.SHOWN if spec.total_row is not None else spec.col_totals, where))
    return units


def _count(value) -> int:
    return value if isinstance(value, int) else 0


def _links(tables: Mapping[str, Table], units: Mapping[str, list[_Unit]]) -> list[tuple]:
    """Pairs ((table, unit, position), (table, unit, position)) that are the same count in two tables."""
    links = []
    if "residence_flow" in units and "residence_after" in units and units["residence_flow"]:
        after_rows = {row[0]: index for index, row in enumerate(tables["residence_after"].rows)}
        # unit 0: the period's flows (column 0 of residence_after's block); unit 1: the previous period's.
        for unit_index, flow in enumerate(units["residence_flow"]):
            for j, key in enumerate(flow.keys[1]):
                if key in after_rows:
                    links.append((("residence_flow", unit_index, (len(flow.cells), j)),
                                  ("residence_after", 0, (after_rows[key], unit_index))))
    if "refusal_reason" in units and "requests" in units and units["refusal_reason"] and units["requests"]:
        reasons = units["refusal_reason"][0]
        for j in range(2):
            links.append((("refusal_reason", 0, (len(reasons.cells), j)), ("requests", 0, (2, j))))
    return links


def suppress_tables(tables: Mapping[str, Table], k: int) -> dict[str, Rendered]:
    """Every table as published for threshold k: counts tables suppressed (jointly where linked)."""
    rendered = {}
    units = {name: _units(t) for name, t in tables.items() if t.counts and k > 1}
    links = _links(tables, units)
    forced: dict[tuple[str, int], dict] = {}
    results: dict[tuple[str, int], sup.Suppressed] = {}
    for _round in range(100):
        results = {(name, index): sup.suppress(unit.cells, k, row_totals=unit.row_mode, col_totals=unit.col_mode,
                                               forced=forced.get((name, index)))
                   for name, table_units in units.items() for index, unit in enumerate(table_units)}
        changed = False
        for a, b in links:
            for source, target in ((a, b), (b, a)):
                result = results[source[:2]]
                kind = result.hidden.get(source[2]) or (sup.COMPLEMENT if result.withheld else None)
                target_forced = forced.setdefault(target[:2], {})
                if kind and target[2] not in target_forced:
                    target_forced[target[2]] = kind
                    changed = True
        if not changed:
            break
    for name, table in tables.items():
        if name not in units:
            rendered[name] = Rendered(table, [list(row) for row in table.rows], table.note)
            continue
        rows = [list(row) for row in table.rows]
        withheld = False
        for index, unit in enumerate(units[name]):
            result = results[(name, index)]
            withheld = withheld or result.withheld
            for position, (r, c) in unit.where.items():
                shown = result.shown(*position)
                if isinstance(shown, str):
                    rows[r][c] = shown
        note = (f"Tableau masqué : ses effectifs sont trop petits pour être publiés sans risque de recalcul "
                f"(seuil {k})." if withheld else
                f"Petits effectifs masqués (seuil {k}) : « < {k} » = de 1 à {k - 1} ; « s » = masqué pour "
                f"empêcher un recalcul.")
        rendered[name] = Rendered(table, rows, note, withheld)
    return rendered


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
    for key, name, text in DEFINITIONS:
        ws.append(_row(ws, [name, key, text]))


def _table_sheet(ws, rendered: Rendered) -> None:
    table = rendered.table
    ws.append(_row(ws, [table.title], TITLE))
    ws.append(_row(ws, [rendered.note]))
    ws.append(_row(ws, table.headers, BOLD))
    for row in rendered.rows:
        ws.append(_row(ws, row))
    spec = CHARTS.get(table.name)
    if spec and rendered.rows and not rendered.withheld:
        ws.add_chart(_chart(ws, table, len(rendered.rows), *spec), f"{get_column_letter(len(table.headers) + 2)}3")


def _chart(ws, table: Table, n_rows: int, direction: str, columns: tuple[int, int], y_title: str) -> BarChart:
    chart = BarChart()
    chart.type = direction
    chart.grouping = "clustered"
    chart.title = safe_text(table.title)
    chart.y_axis.title = y_title
    chart.width, chart.height = 18, 9
    header = FIRST_DATA_ROW - 1
    data = Reference(ws, min_col=columns[0], max_col=columns[1], min_row=header, max_row=header + n_rows)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_DATA_ROW, max_row=header + n_rows))
    if direction == "bar":
        chart.x_axis.scaling.orientation = "maxMin"  # youngest band on top, as on the page
    return chart
