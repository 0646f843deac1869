"""How an assessment reads on screen: labelled scores, bands, flags, ages (plain values in, dicts out)."""

from __future__ import annotations

from collections.abc import Sequence

from assessments.instruments.base import Instrument
from unit.ages import age_parts, corrected_birth_date


def _english(lang: str) -> bool:
    return lang.lower().startswith("en")


def age_text(birth, on, lang: str) -> str:
    """Calendar age "4 mois 5 j" from a birth date (or a corrected one) to a date."""
    if birth is None:
        return "—"
    months, days = age_parts(birth, on)
    return f"{months} months {days} d" if _english(lang) else f"{months} mois {days} j"


def describe(assessment, instrument: Instrument, lang: str) -> dict:
    """Scores by group of the paper form with their bands, derived scores, flags, ages."""
    values = {**assessment.scores, **assessment.derived}
    child = assessment.child
    groups = []
    for code, fr, en in instrument.groups or (("", "Scores", "Scores"),):
        rows = []
        for score in instrument.fields:
            if (instrument.groups and score.group != code) or score.code not in assessment.scores:
                continue
            band = instrument.band_of(score.code, assessment.scores[score.code])
            rows.append({"label": score.label(lang), "value": assessment.scores[score.code],
                         "band": band.label(lang) if band else "", "severity": band.severity if band else 0})
        if rows:
            groups.append({"title": en if _english(lang) else fr, "rows": rows})
    derived = []
    for code, value in assessment.derived.items():
        band = instrument.band_of(code, value)
        derived.append({"code": code, "label": instrument.score_label(code, lang), "value": value,
                        "band": band.label(lang) if band else "",
                        "severity": band.severity if band else 0})
    return {
        "groups": groups, "derived": derived, "values": values,
        "trajectory": [values.get(code) for code in instrument.trajectory],
        "flags": [instrument.flag_label(code, lang) for code in assessment.flags],
        "age": age_text(child.birth_date if child else None, assessment.assessed_on, lang),
        "corrected_age": age_text(corrected_birth_date(child.birth_date, child.gestational_weeks,
                                                       child.gestational_days), assessment.assessed_on, lang)
        if child is not None and assessment.corrected_age_days is not None else None,
        "assessment": assessment,
    }


def entry_exit_table(assessments: Sequence, instrument: Instrument, lang: str) -> list[dict]:
    """Per stay: the first and the last assessment's trajectory scores and their change."""
    by_stay: dict[int, list] = {}
    for assessment in assessments:
        by_stay.setdefault(assessment.stay_id, []).append(assessment)
    table = []
    for stay_id, rows in by_stay.items():
        rows = sorted(rows, key=lambda a: (a.assessed_on, a.pk))
        entry, exit_ = rows[0], (rows[-1] if len(rows) > 1 else None)
        for code in instrument.trajectory:
            first = {**entry.scores, **entry.derived}.get(code)
            last = {**exit_.scores, **exit_.derived}.get(code) if exit_ else None
            if first is None and last is None:
                continue
            table.append({
                "stay_id": stay_id, "score": instrument.score_label(code, lang),
                "entry": first, "entry_on": entry.assessed_on, "exit": last,
                "exit_on": exit_.assessed_on if exit_ else None,
                "change": round(last - first, 2) if first is not None and last is not None else None,
            })
    return table

