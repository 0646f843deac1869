"""The tables as published: small counts hidden (`dashboards.suppression`) table by table, jointly where
two tables show the same count. Read by the page, the JSON and the workbook alike."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dashboards import suppression as sup
from dashboards import tables as catalogue
from dashboards.tables import Block, Means, Pivot, Table


@dataclass(frozen=True)
class Rendered:
    """A table as it is published: small counts replaced by their markers."""

    table: Table
    rows: list[list]
    note: str
    withheld: bool = False



@dataclass
class _Unit:
    """One suppression problem: a block of a table (or a pivot) and where its cells sit in the table."""

    cells: list[list[int]]
    row_mode: str
    col_mode: str
    where: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # position -> (row, col)
    keys: tuple[list, list] = ((), ())  # pivots: row and column keys
    stats: dict[tuple[int, int], tuple[int, ...]] = field(default_factory=dict)  # (row, col) -> hidden with it
    alone: bool = False  # counts that add up with nothing (Means): only the small ones are hidden
    grand_mode: str = sup.KNOWN


def _units(table: Table) -> list[_Unit]:
    spec = catalogue.declared(table.name)
    # A table outside the report's declaration (the cohort comparison) carries its own layout.
    layout = table.extra.get("layout") or (spec.layout if spec else ()) or \
        (Block(cols=tuple(range(1, len(table.headers)))),)
    units = []
    for spec in layout:
        if isinstance(spec, Means):
            rows = range(len(table.rows))
            units.append(_Unit([[_count(table.rows[r][spec.count_col])] for r in rows], sup.NONE, sup.NONE,
                               {(r, 0): (r, spec.count_col) for r in rows},
                               stats={(r, spec.count_col): spec.stat_cols for r in rows}, alone=True))
            continue
        if isinstance(spec, Pivot):
            row_keys = list(dict.fromkeys(row[0] for row in table.rows))
            col_keys = list(dict.fromkeys(row[1] for row in table.rows))
            cells = [[0] * len(col_keys) for _ in row_keys]
            where = {}
            for index, row in enumerate(table.rows):
                i, j = row_keys.index(row[0]), col_keys.index(row[1])
                cells[i][j] = _count(row[spec.count_col])
                where[(i, j)] = (index, spec.count_col)
            units.append(_Unit(cells, spec.row_totals, spec.col_totals, where, (row_keys, col_keys),
                               stats={position: spec.stat_cols for position in where.values()}))
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
                           sup.SHOWN if spec.total_row is not None else spec.col_totals, where,
                           grand_mode=spec.grand_total))
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
        results = {(name, index): sup.suppress_alone([row[0] for row in unit.cells], k) if unit.alone else
                   sup.suppress(unit.cells, k, row_totals=unit.row_mode, col_totals=unit.col_mode,
                                forced=forced.get((name, index)), grand_total=unit.grand_mode)
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
                    for stat in unit.stats.get((r, c), ()):
                        rows[r][stat] = sup.COMPLEMENT_MARK
        note = (f"Tableau masqué : ses effectifs sont trop petits pour être publiés sans risque de recalcul "
                f"(seuil {k})." if withheld else
                f"Petits effectifs masqués (seuil {k}) : « < {k} » = de 1 à {k - 1} ; « s » = masqué pour "
                f"empêcher un recalcul.")
        rendered[name] = Rendered(table, rows, note, withheld)
    return rendered
