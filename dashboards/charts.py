"""Plotly figures of the dashboard, built by pure functions from the report and its tables."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from dashboards import indicators as ind
from dashboards import tables as catalogue
from dashboards.tables import BAND_LABELS, Table
from unit.labels import label

LAYOUT = {"template": "plotly_white", "height": 340, "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
          "legend": {"orientation": "h", "y": -0.15}}


def _fig(figure: go.Figure, title: str) -> dict:
    figure.update_layout(title=title, **LAYOUT)
    return figure.to_plotly_json()


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


def bayley_means(_report, table: Table) -> dict:
    """Mean composite at entry and at exit, per composite: the numbers of the table beside it."""
    rows = [row for row in table.rows if row[1]]
    figure = go.Figure()
    for column, name in ((2, _("Moyenne entrée")), (3, _("Moyenne sortie"))):
        figure.add_trace(go.Bar(x=[str(row[0]) for row in rows], y=[row[column] for row in rows], name=name,
                                customdata=[row[1] for row in rows],
                                hovertemplate="%{y} (n = %{customdata})<extra>" + name + "</extra>"))
    figure.update_yaxes(title=_("score composite"), range=[40, 160])
    return _fig(figure, table.title)


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
    "residence_flow": residence_flow, "occupancy": occupancy, "parent_age": parent_age, "bayley_means": bayley_means,
}


def build_figures(report, tables: dict[str, Table]) -> dict[str, dict]:
    """The chart of each declared table that has one."""
    return {spec.name: DRAW[spec.chart](report, tables[spec.name]) for spec in catalogue.TABLES if spec.chart}
