"""Plotly figures of the dashboard, built by pure functions from the report and its tables."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import plotly.io as pio
from django.utils.translation import gettext as _
from plotly.subplots import make_subplots

from dashboards import indicators as ind
from dashboards import outcomes as outcome_rules
from dashboards import tables as catalogue
from dashboards.tables import BAND_LABELS, Table
from unit.labels import label

LAYOUT = {"height": 340, "margin": {"l": 60, "r": 20, "t": 40, "b": 50}, "legend": {"orientation": "h", "y": -0.15}}
TEMPLATE = "plotly_white"
# plotly.py copies and validates its default template into every figure it builds, the bulk of the time a
# dashboard takes: figures are built without one and get the same template as plain JSON, read once.
pio.templates.default = None
_template_json: dict = {}


def _json(figure: go.Figure) -> dict:
    """The figure as plotly.js reads it, with the dashboard's template."""
    if not _template_json:
        _template_json.update(pio.templates[TEMPLATE].to_plotly_json())
    result = figure.to_plotly_json()
    result["layout"]["template"] = _template_json
    return result


def _fig(figure: go.Figure, title: str) -> dict:
    figure.update_layout(title=title, **LAYOUT)
    return _json(figure)


def _count_axis(values) -> dict:
    """A count axis steps by whole numbers (plotly ticks 0.5 when the counts are small): 1, 2, 5, 10, 20…"""
    peak = max([1, *(v for v in values if isinstance(v, int | float))])
    step = 1
    while peak / step > 8:
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2
    return {"tick0": 0, "dtick": step, "rangemode": "tozero"}


def _bars(table: Table, *, horizontal: bool = True) -> dict:
    """Current period beside the previous one, from a table [label, current, previous]."""
    labels = [str(row[0]) for row in table.rows]
    figure = go.Figure()
    for column, name in ((1, _("Période")), (2, _("Période précédente"))):
        values = [row[column] or 0 for row in table.rows]
        if horizontal:
            figure.add_trace(go.Bar(y=labels, x=values, name=name, orientation="h"))
        else:
            figure.add_trace(go.Bar(x=labels, y=values, name=name))
    counts = _count_axis(row[column] for row in table.rows for column in (1, 2))
    if horizontal:
        figure.update_yaxes(autorange="reversed")
        figure.update_xaxes(**counts)
    else:
        figure.update_yaxes(**counts)
    return _fig(figure, table.title)


def age_pyramid(report, _table: Table) -> dict:
    bands = report.indicators["age_band_by_sex"]
    labels = [str(BAND_LABELS[b]) for b in ind.AGE_BANDS]
    figure = go.Figure()
    figure.add_trace(go.Bar(y=labels, x=[-bands[b]["F"] for b in ind.AGE_BANDS], orientation="h", name=_("Filles"),
                            customdata=[bands[b]["F"] for b in ind.AGE_BANDS], hovertemplate="%{customdata}"))
    figure.add_trace(go.Bar(y=labels, x=[bands[b]["M"] for b in ind.AGE_BANDS], orientation="h", name=_("Garçons"),
                            hovertemplate="%{x}"))
    peak = max([1] + [max(bands[b]["F"], bands[b]["M"]) for b in ind.AGE_BANDS])
    figure.update_layout(barmode="relative", bargap=0.1)
    figure.update_xaxes(range=[-peak * 1.1, peak * 1.1], tickvals=[-peak, 0, peak], ticktext=[peak, 0, peak])
    return _fig(figure, _("Pyramide des âges à l'admission"))


def sankey(pairs: list[tuple[str, str, int]], title: str) -> dict:
    """Flows from the left labels to the right labels (entry → exit, before → after)."""
    left = sorted({a for a, _b, _n in pairs})
    right = sorted({b for _a, b, _n in pairs})
    nodes = [f"{name} " for name in left] + [f" {name}" for name in right]
    figure = go.Figure(go.Sankey(
        node={"label": nodes, "pad": 12, "thickness": 14},
        link={"source": [left.index(a) for a, _b, _n in pairs],
              "target": [len(left) + right.index(b) for _a, b, _n in pairs],
              "value": [n for _a, _b, n in pairs]},
    ))
    return _fig(figure, title)


def occupancy(report, _table: Table) -> dict:
    months = report.series["occupancy_by_month"]
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=[m["month"] for m in months], y=[m["mean_children"] for m in months],
                                mode="lines+markers", name=_("Enfants présents (moyenne)")))
    figure.add_trace(go.Scatter(x=[m["month"] for m in months], y=[m["capacity"] for m in months], mode="lines",
                                name=_("Places"), line={"dash": "dash"}))
    return _fig(figure, _("Occupation par mois"))


def outcome_pairs(report, table: Table) -> dict:
    """Each pair of a measure as a slope from entry to exit, the mean in bold, the clinical range shaded: one
    panel per measure with pairs (the table beside gives the same means)."""
    pairs = report.series["outcome_pairs"]
    codes = [m.code for m in outcome_rules.MEASURES if any(p["measure"] == m.code for p in pairs)]
    if not codes:
        return _fig(go.Figure(), table.title)
    figure = make_subplots(rows=1, cols=len(codes), subplot_titles=[str(catalogue.MEASURE_LABELS[c]) for c in codes],
                           horizontal_spacing=0.06)
    entry, exit_ = _("Entrée"), _("Sortie")
    means = {row[0]: row for row in table.rows}
    for column, code in enumerate(codes, start=1):
        measure = next(m for m in outcome_rules.MEASURES if m.code == code)
        mine = [p for p in pairs if p["measure"] == code]
        # One trace of all the slopes (None breaks the line between two children): light at any volume.
        xs, ys = [], []
        for p in mine:
            xs += [entry, exit_, None]
            ys += [p["entry"], p["exit"], None]
        figure.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers", line={"color": "rgba(90,90,90,0.35)"},
                                    marker={"size": 4}, name=_("Un enfant ou un parent"), showlegend=column == 1,
                                    hoverinfo="y"), row=1, col=column)
        row = means.get(str(catalogue.MEASURE_LABELS[code]))
        figure.add_trace(go.Scatter(x=[entry, exit_], y=[row[2], row[3]], mode="lines+markers+text",
                                    line={"color": "#0b5394", "width": 4}, name=_("Moyenne"), meta=code,
                                    text=[_number(row[2]), _number(row[3])],
                                    textposition=["middle left", "middle right"],
                                    showlegend=column == 1), row=1, col=column)
        low, high = _clinical_range(measure)
        figure.add_hrect(y0=low, y1=high, fillcolor="#d9534f", opacity=0.12, line_width=0, row=1, col=column,
                         exclude_empty_subplots=False)
    figure.update_layout(title=f"{table.title} — {_('zone clinique en rouge pâle')}",
                         **{**LAYOUT, "height": 400, "margin": {**LAYOUT["margin"], "t": 80, "r": 50}})
    return _json(figure)


def _number(value) -> str:
    """As the table beside writes it: one decimal, a decimal comma."""
    return "" if not isinstance(value, int | float) else f"{value:.1f}".replace(".", ",")


def _clinical_range(measure) -> tuple[float, float]:
    """The band of values that are a "case" (DOMAIN.md), bounded by the instrument's range."""
    if measure.case == "lt":
        return 40, measure.threshold
    if measure.case == "le":
        return 0, measure.threshold
    return measure.threshold, 32 if measure.code == "adbb" else 30


def forest(_report, table: Table) -> dict:
    """Mean change with its 95 % interval, per subgroup, one panel per measure (the table's numbers)."""
    rows = [row for row in table.rows if isinstance(row[5], int | float)]
    measures = list(dict.fromkeys(str(row[0]).split(" · ")[0] for row in rows))

    def label(row) -> str:  # « breakdown : group », or the cohort alone
        parts = str(row[0]).split(" · ")
        return f"{parts[1]} : {row[1]}" if len(parts) > 1 else str(row[1])
    if not measures:
        return _fig(go.Figure(), table.title)
    figure = make_subplots(rows=1, cols=len(measures), shared_yaxes=True, subplot_titles=measures,
                           horizontal_spacing=0.03)
    for column, measure in enumerate(measures, start=1):
        mine = [row for row in rows if str(row[0]).split(" · ")[0] == measure]
        labels = [label(row) for row in mine]
        plus = [row[7] - row[5] if isinstance(row[7], int | float) else 0 for row in mine]
        minus = [row[5] - row[6] if isinstance(row[6], int | float) else 0 for row in mine]
        figure.add_trace(go.Scatter(
            x=[row[5] for row in mine], y=labels, mode="markers", marker={"size": 9, "color": "#0b5394"},
            error_x={"type": "data", "symmetric": False, "array": plus, "arrayminus": minus},
            customdata=[row[2] for row in mine], hovertemplate="%{x} (n = %{customdata})<extra></extra>",
            showlegend=False), row=1, col=column)
        figure.add_vline(x=0, line_dash="dot", line_color="#666", row=1, col=column)
    figure.update_yaxes(autorange="reversed")
    height = max(340, 24 * len({label(row) for row in rows}) + 120)
    figure.update_layout(title=f"{table.title} — {_('évolution moyenne et IC 95 %')}",
                         **{**LAYOUT, "height": height, "margin": {**LAYOUT["margin"], "l": 260, "t": 80}})
    return _json(figure)


def bars(_report, table: Table) -> dict:
    return _bars(table)


def columns(_report, table: Table) -> dict:
    return _bars(table, horizontal=False)


def diagnosis_flow(report, _table: Table) -> dict:
    pairs = [(report.diagnosis(row["entry"]) if row["entry"] else _("non renseigné"),
              report.diagnosis(row["exit"]) if row["exit"] else _("non renseigné"), row["n"])
             for row in report.indicators["diagnosis_entry_exit"]]
    return sankey(pairs, _("Diagnostics de l'enfant : entrée → sortie"))


def residence_flow(report, _table: Table) -> dict:
    pairs = [(label("residence_before", r["before"]), label("residence_after", r["after"]), r["n"])
             for r in report.series["residence_flow"]]
    return sankey(pairs, _("Lieu de vie : avant → après"))


def parent_age(_report, table: Table) -> dict:
    ages = [row[0] for row in table.rows]
    figure = go.Figure([go.Bar(x=ages, y=[row[1] for row in table.rows], name=_("Mères")),
                        go.Bar(x=ages, y=[row[2] for row in table.rows], name=_("Pères"))])
    figure.update_yaxes(**_count_axis(row[column] for row in table.rows for column in (1, 2)))
    return _fig(figure, table.title)


# The kinds of chart a table may declare (`ReportTable.chart`): each draws from the report and its table.
DRAW: dict[str, Callable[[object, Table], dict]] = {
    "bars": bars, "columns": columns, "age_pyramid": age_pyramid, "diagnosis_flow": diagnosis_flow,
    "residence_flow": residence_flow, "occupancy": occupancy, "parent_age": parent_age, "outcome_pairs": outcome_pairs,
    "forest": forest,
}


def build_figures(report, tables: dict[str, Table]) -> dict[str, dict]:
    """The chart of each declared table that has one."""
    return {spec.name: DRAW[spec.chart](report, tables[spec.name]) for spec in catalogue.TABLES if spec.chart}
