"""Plotly figures built from plain values (pure: no request, no ORM); pages embed their JSON."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from assessments.instruments.base import Instrument

BAND_COLOURS = {0: "rgba(25,135,84,0.08)", 1: "rgba(255,193,7,0.12)", 2: "rgba(253,126,20,0.15)",
                3: "rgba(220,53,69,0.15)"}
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class Point:
    age_days: int  # corrected when the correction applies, else chronological
    corrected: bool
    values: dict[str, float]


def trajectory_figure(instrument: Instrument, points: Sequence[Point], *, lang: str = "fr") -> dict:
    """Each trajectory score of `instrument` over age in months, its bands shaded behind."""
    english = lang.startswith("en")
    figure = go.Figure()
    for code in instrument.trajectory:
        series = [(p.age_days / DAYS_PER_MONTH, p.values[code], p.corrected) for p in points if code in p.values]
        if not series:
            continue
        label = instrument.score_label(code, lang)
        kinds = {True: "corrected age" if english else "âge corrigé",
                 False: "chronological age" if english else "âge chronologique"}
        figure.add_trace(go.Scatter(
            x=[round(x, 2) for x, _y, _c in series], y=[y for _x, y, _c in series], mode="lines+markers", name=label,
            customdata=[kinds[c] for _x, _y, c in series],
            hovertemplate="%{y} · %{x:.1f} " + ("months" if english else "mois") + " (%{customdata})<extra>"
            + label + "</extra>",
        ))
    first_banded = next((c for c in instrument.trajectory if c in instrument.bands), None)
    for band in instrument.bands.get(first_banded, ()) if first_banded else ():
        figure.add_hrect(y0=band.low, y1=band.high, fillcolor=BAND_COLOURS.get(band.severity, BAND_COLOURS[0]),
                         line_width=0, layer="below", annotation_text=band.label(lang),
                         annotation_position="right", annotation_font_size=9)
    x_title = _age_axis_title([p.corrected for p in points], english)
    figure.update_layout(
        title=instrument.name, xaxis_title=x_title, yaxis_title="Score", height=360,
        margin={"l": 50, "r": 140, "t": 40, "b": 40}, legend={"orientation": "h", "y": -0.2},
        template="plotly_white",
    )
    return figure.to_plotly_json()


def _age_axis_title(corrected: Sequence[bool], english: bool) -> str:
    """Corrected ages until the correction ends (24 months by default), chronological after: say which."""
    if corrected and all(corrected):
        return "Corrected age (months)" if english else "Âge corrigé (mois)"
    if any(corrected):
        return ("Age (months): corrected, then chronological once the correction ends" if english
                else "Âge (mois) : corrigé, puis chronologique à la fin de la correction")
    return "Age (months)" if english else "Âge (mois)"

