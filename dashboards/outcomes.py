"""Outcomes (DOMAIN.md "Outcomes"): what the stays discharged in a period changed, as pandas frames.

Pure, like `dashboards.indicators`: plain rows in (the engine's loads), figures out. One frame holds a row
per stay (and per parent for the EPDS) and measure with its entry and exit values and its breakdown keys;
every figure of the JSON, the page, the workbook, the cohort comparison and the research extract is read
from it. The confidence interval's t quantile comes from scipy, never from a typed table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from assessments.instruments import registry
from unit.ages import AGE_BANDS, age_band, age_in_months

# The windows of DOMAIN.md, in days.
ENTRY_WINDOW = 42  # entry: admission … admission + 42
EXIT_BEFORE, EXIT_AFTER = 42, 14  # exit: discharge − 42 … discharge + 14
MIN_APART = 28  # entry and exit at least 28 days apart
READMISSION_DAYS = 365


@dataclass(frozen=True)
class Measure:
    code: str
    instruments: tuple[str, ...]
    score: str  # the key in the assessment's scores (or derived scores)
    derived: bool  # read from the derived scores (totals computed by the instrument)
    higher_is_better: bool
    case: str  # "lt", "le" or "ge": how a value falls in the clinical range
    threshold: float
    band_points: int | None  # None: improved/worse by band; else by this many points
    subject_role: str = ""  # EPDS: the role of the admitted parent assessed

    def is_case(self, values):
        if self.case == "lt":
            return values < self.threshold
        if self.case == "le":
            return values <= self.threshold
        return values >= self.threshold


BAYLEY = ("bayley3", "bayley4")
MEASURES: tuple[Measure, ...] = (
    Measure("bayley_cog", BAYLEY, "cog", False, True, "lt", 85, None),
    Measure("bayley_lang", BAYLEY, "lang", False, True, "lt", 85, None),
    Measure("bayley_motor", BAYLEY, "motor", False, True, "lt", 85, None),
    Measure("pirgas", ("pirgas",), "score", False, True, "le", 70, None),
    Measure("adbb", ("adbb",), "total", True, False, "ge", 5, 2),
    Measure("epds_mother", ("epds",), "total", True, False, "ge", 13, 4, "mother"),
    Measure("epds_father", ("epds",), "total", True, False, "ge", 13, 4, "father"),
)
MEASURE_CODES = tuple(m.code for m in MEASURES)
BAYLEY_COMPOSITES = ("cog", "lang", "motor", "se", "ab")
OUTCOME_INSTRUMENTS = ("bayley3", "bayley4", "pirgas", "adbb", "epds")

BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "admission_mode": ("with_father", "without_father"),
    "age_band": AGE_BANDS,
    "length_of_stay": ("le_91", "92_182", "gt_182"),
    "mandate": ("voluntary", "judicial"),
}
STAT_KEYS = ("n", "entry_mean", "exit_mean", "mean_change", "ci95", "effect_size", "recovered", "deteriorated",
             "improved", "unchanged", "worse")
PAIR_COLUMNS = ["stay_id", "child_id", "family_id", "facility_id", "measure", "subject_id", "entry_id", "exit_id",
                "entry_on", "exit_on", "entry", "exit", "entry_instrument", "exit_instrument", "days_apart",
                "admitted_on", "discharged_on", *BREAKDOWNS]


def _length_group(days: int) -> str:
    return "le_91" if days <= 91 else "92_182" if days <= 182 else "gt_182"


def stays_frame(discharged: Sequence, presence: Sequence) -> pd.DataFrame:
    """One row per discharged stay with its breakdown keys (the parents' presence over the whole stay)."""
    # Father only, both parents for the whole stay or in part: the admission modes where a father is present at
    # some time of the stay (admissions.rules.admission_mode), i.e. a father has a presence period in it.
    with_father = {row.stay_id for row in presence if row.role == "father"}
    rows = [(stay.id, stay.child_id, stay.family_id, stay.facility_id, stay.admitted_on, stay.discharged_on,
             "with_father" if stay.id in with_father else "without_father",
             age_band(age_in_months(stay.birth_date, stay.admitted_on)),
             _length_group((stay.discharged_on - stay.admitted_on).days),
             "voluntary" if stay.mandate in ("", "none") else "judicial") for stay in discharged]
    return pd.DataFrame(rows, columns=["stay_id", "child_id", "family_id", "facility_id", "admitted_on",
                                       "discharged_on", *BREAKDOWNS])


def _values(assessments: Sequence, roles: dict[int, str], measures: Sequence[Measure]) -> pd.DataFrame:
    """The long frame of every outcome value: (stay, measure, subject, assessment, date, value)."""
    by_instrument: dict[str, list[tuple[str, bool, str, str]]] = {}
    for m in measures:
        for instrument in m.instruments:
            by_instrument.setdefault(instrument, []).append((m.code, m.derived, m.score, m.subject_role))
    rows = []
    append = rows.append
    for a in assessments:
        for code, derived, key, role in by_instrument.get(a.instrument, ()):
            if role and roles.get(a.adult_id) != role:
                continue
            value = (a.derived if derived else a.scores).get(key)
            if value is not None:
                append((a.stay_id, code, a.adult_id or 0, a.id, a.assessed_on, float(value), a.instrument))
    return pd.DataFrame(rows, columns=["stay_id", "measure", "subject_id", "assessment_id", "on", "value",
                                       "instrument"])


def pairs_frame(discharged: Sequence, assessments: Sequence, presence: Sequence, adults: Sequence,
                measures: Sequence[Measure] = MEASURES) -> pd.DataFrame:
    """One row per (stay, measure, parent for the EPDS) with both an entry and an exit value (DOMAIN.md windows).

    Entry: the first value dated admission … admission + 42 days; exit: the last dated discharge − 42 …
    discharge + 14 days; they must be two different assessments at least 28 days apart. An EPDS counts for an
    admitted parent only (a presence period in the stay), by the parent's role.
    """
    stays = stays_frame(discharged, presence)
    roles = {row.id: row.role for row in adults}
    admitted = {(row.stay_id, row.adult_id) for row in presence}
    values = _values([a for a in assessments if not a.adult_id or (a.stay_id, a.adult_id) in admitted], roles,
                     measures)
    if stays.empty or values.empty:
        return pd.DataFrame(columns=[*PAIR_COLUMNS, "entry_case", "exit_case", "direction"])
    frame = values.merge(stays[["stay_id", "admitted_on", "discharged_on"]], on="stay_id")
    on = pd.to_datetime(frame["on"])
    admitted_on, discharged_on = pd.to_datetime(frame["admitted_on"]), pd.to_datetime(frame["discharged_on"])
    keys = ["stay_id", "measure", "subject_id"]
    order = ["on", "assessment_id"]
    in_entry = (on >= admitted_on) & (on <= admitted_on + pd.Timedelta(days=ENTRY_WINDOW))
    in_exit = (on >= discharged_on - pd.Timedelta(days=EXIT_BEFORE)) & \
        (on <= discharged_on + pd.Timedelta(days=EXIT_AFTER))
    entry = frame[in_entry].sort_values(order).drop_duplicates(keys, keep="first")
    exit_ = frame[in_exit].sort_values(order).drop_duplicates(keys, keep="last")
    pairs = entry.merge(exit_, on=keys, suffixes=("_entry", "_exit"))
    pairs["days_apart"] = (pd.to_datetime(pairs["on_exit"]) - pd.to_datetime(pairs["on_entry"])).dt.days
    # At least 28 days apart: two different assessments, necessarily.
    pairs = pairs[pairs["days_apart"] >= MIN_APART]
    pairs = pairs.rename(columns={
        "assessment_id_entry": "entry_id", "assessment_id_exit": "exit_id", "on_entry": "entry_on",
        "on_exit": "exit_on", "value_entry": "entry", "value_exit": "exit", "instrument_entry": "entry_instrument",
        "instrument_exit": "exit_instrument"})
    pairs = pairs.merge(stays, on="stay_id")
    pairs = pairs[PAIR_COLUMNS].sort_values(["measure", "stay_id", "subject_id"]).reset_index(drop=True)
    return _judged(pairs, measures)


def _judged(pairs: pd.DataFrame, measures: Sequence[Measure]) -> pd.DataFrame:
    """The pairs with, per row, whether entry and exit are cases and the direction of the change (once, vectorised:
    every summary of every subgroup reads these columns)."""
    codes = pairs["measure"].to_numpy()
    entry, exit_ = pairs["entry"].to_numpy(dtype=float), pairs["exit"].to_numpy(dtype=float)
    entry_case, exit_case = np.zeros(len(pairs), dtype=bool), np.zeros(len(pairs), dtype=bool)
    direction = np.zeros(len(pairs), dtype=int)
    for measure in measures:
        mine = codes == measure.code
        if not mine.any():
            continue
        entry_case[mine] = measure.is_case(entry[mine])
        exit_case[mine] = measure.is_case(exit_[mine])
        direction[mine] = _direction(measure, pairs[mine]).to_numpy()
    return pairs.assign(entry_case=entry_case, exit_case=exit_case, direction=direction)


def pair_records(pairs: pd.DataFrame) -> list[dict]:
    """The pairs as plain values (measure, stay, entry, exit), the points the paired charts draw."""
    return [{"measure": m, "stay_id": int(stay), "entry": float(a), "exit": float(b)}
            for m, stay, a, b in zip(pairs["measure"], pairs["stay_id"], pairs["entry"], pairs["exit"], strict=True)]


def _band_ranks(instruments: np.ndarray, values: np.ndarray, score: str, higher_is_better: bool) -> np.ndarray:
    """The position of each value among its instrument's bands, better bands ranking higher (NaN outside)."""
    ranks = np.full(len(values), np.nan)
    for instrument in set(instruments):
        bands = sorted(registry()[instrument].bands.get(score, ()), key=lambda b: b.low)
        if not bands:
            continue
        mine = instruments == instrument
        lows = np.array([band.low for band in bands], dtype=float)
        position = np.searchsorted(lows, values[mine], side="right") - 1
        inside = (position >= 0) & (values[mine] <= bands[-1].high)
        rank = position if higher_is_better else len(bands) - 1 - position
        ranks[mine] = np.where(inside, rank, np.nan)
    return ranks


def _direction(measure: Measure, pairs: pd.DataFrame) -> pd.Series:
    """+1 improved, 0 unchanged, −1 worse: by band (a change of band), or by the measure's points."""
    if pairs.empty:
        return pd.Series(dtype=int)
    if measure.band_points is not None:
        change = pairs["exit"] - pairs["entry"]
        better = -change if not measure.higher_is_better else change
        return np.sign(better.where(better.abs() >= measure.band_points, 0)).astype(int)
    entry = _band_ranks(pairs["entry_instrument"].to_numpy(), pairs["entry"].to_numpy(dtype=float), measure.score,
                        measure.higher_is_better)
    exit_ = _band_ranks(pairs["exit_instrument"].to_numpy(), pairs["exit"].to_numpy(dtype=float), measure.score,
                        measure.higher_is_better)
    return pd.Series(np.sign(np.nan_to_num(exit_ - entry)).astype(int), index=pairs.index)


def t_quantile(p: float, df: int) -> float:
    """Student's t quantile, from scipy (its special functions: the light part of scipy, imported when first
    needed so that starting the application does not pay for it)."""
    from scipy.special import stdtrit  # noqa: PLC0415

    return float(stdtrit(df, p))


def _round(value: float, digits: int) -> float:
    return float(round(value, digits))


EMPTY = {"n": 0, "entry_mean": None, "exit_mean": None, "mean_change": None, "ci95": None, "effect_size": None,
         "recovered": 0, "deteriorated": 0, "improved": 0, "unchanged": 0, "worse": 0}


def _figures(n: int, entry_mean: float, exit_mean: float, mean: float, sd: float, counts: Sequence[int]) -> dict:
    """One group's figures (DOMAIN.md: means and bounds to 0.1, effect size to 0.01)."""
    if n == 0:
        return dict(EMPTY)
    ci95 = effect = None
    if n >= 2:
        half = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
        ci95 = [_round(mean - half, 1), _round(mean + half, 1)]
        effect = _round(mean / sd, 2) if sd > 0 else None
    recovered, deteriorated, improved, unchanged, worse = (int(c) for c in counts)
    return {"n": int(n), "entry_mean": _round(entry_mean, 1), "exit_mean": _round(exit_mean, 1),
            "mean_change": _round(mean, 1), "ci95": ci95, "effect_size": effect, "recovered": recovered,
            "deteriorated": deteriorated, "improved": improved, "unchanged": unchanged, "worse": worse}


def _aggregated(pairs: pd.DataFrame, keys: list[str]) -> dict[tuple, dict]:
    """The figures of every group of `keys` (the measure, with a breakdown or not), on numpy slices of the pairs."""
    if pairs.empty:
        return {}
    entry, exit_ = pairs["entry"].to_numpy(dtype=float), pairs["exit"].to_numpy(dtype=float)
    change = exit_ - entry
    entry_case, exit_case = pairs["entry_case"].to_numpy(dtype=bool), pairs["exit_case"].to_numpy(dtype=bool)
    direction = pairs["direction"].to_numpy(dtype=int)
    result = {}
    for key, rows in pairs.groupby(keys, sort=False).indices.items():
        n, c = len(rows), change[rows]
        counts = ((entry_case[rows] & ~exit_case[rows]).sum(), (~entry_case[rows] & exit_case[rows]).sum(),
                  (direction[rows] > 0).sum(), (direction[rows] == 0).sum(), (direction[rows] < 0).sum())
        result[key if isinstance(key, tuple) else (key,)] = _figures(
            n, entry[rows].mean(), exit_[rows].mean(), c.mean(), c.std(ddof=1) if n > 1 else 0.0, counts)
    return result


def summary(measure: Measure, pairs: pd.DataFrame) -> dict:
    """The figures of one measure over its pairs."""
    return _aggregated(pairs[pairs["measure"] == measure.code], ["measure"]).get((measure.code,), dict(EMPTY))


def summarise(pairs: pd.DataFrame) -> dict:
    """`measures` and `by` of the JSON key `outcomes`, each from one grouped pass over the pairs."""
    overall = _aggregated(pairs, ["measure"])
    measures = {m.code: overall.get((m.code,), dict(EMPTY)) for m in MEASURES}
    by: dict = {}
    for breakdown, values in BREAKDOWNS.items():
        groups = _aggregated(pairs, [breakdown, "measure"])
        by[breakdown] = {value: {m.code: groups.get((value, m.code), dict(EMPTY)) for m in MEASURES}
                         for value in values}
    return {"measures": measures, "by": by}


def disposition(discharged: Sequence, stay_signalements: Sequence[tuple[int, date]],
                later_stays: Sequence[tuple[int, int, date]], report_date: date) -> dict:
    """What became of the stays discharged in the period (DOMAIN.md "Disposition").

    `later_stays`: (child, stay, admission) of the stays of these children in the organisation's facilities.
    Readmission is counted per discharged stay: eligible when discharged at least 365 days before the report
    date, readmitted when the child began another stay within 365 days of that discharge.
    """
    by_stay: dict[int, list[date]] = {}
    for stay_id, made_on in stay_signalements:
        by_stay.setdefault(stay_id, []).append(made_on)
    by_child: dict[int, list[tuple[int, date]]] = {}
    for child_id, stay_id, admitted_on in later_stays:
        by_child.setdefault(child_id, []).append((stay_id, admitted_on))
    eligible = [s for s in discharged if s.discharged_on <= report_date - timedelta(days=READMISSION_DAYS)]
    readmitted = sum(1 for s in eligible if any(
        other != s.id and s.discharged_on <= admitted_on <= s.discharged_on + timedelta(days=READMISSION_DAYS)
        for other, admitted_on in by_child.get(s.child_id, [])))
    return {
        "discharged": len(discharged),
        "planned": sum(1 for s in discharged if s.discharge_kind == "planned"),
        "home_with_parent": sum(1 for s in discharged if s.residence_after == "home_with_parent"),
        "placement": sum(1 for s in discharged if s.discharge_kind == "placement"),
        "signalement_during_stay": sum(1 for s in discharged if any(
            s.admitted_on <= day <= s.discharged_on for day in by_stay.get(s.id, []))),
        "readmission": {"eligible": len(eligible), "readmitted": readmitted},
    }


def outcomes(pairs: pd.DataFrame, discharged: Sequence, stay_signalements, later_stays, report_date: date) -> dict:
    """The JSON key `outcomes`."""
    return {**summarise(pairs), "disposition": disposition(discharged, stay_signalements, later_stays, report_date)}


BAYLEY_MEASURES = tuple(Measure(f"bayley_{c}", BAYLEY, c, False, True, "lt", 85, None) for c in BAYLEY_COMPOSITES)
# Every measure a report reads: the outcomes' and the two Bayley composites only `bayley_change` shows.
ALL_MEASURES = (*MEASURES, *(m for m in BAYLEY_MEASURES if m.code not in MEASURE_CODES))


def bayley_change(pairs: pd.DataFrame) -> dict:
    """`bayley_change` from the pairs of every measure (ALL_MEASURES): the five Bayley composites with the
    outcomes' windows (the first three are the Bayley measures of `outcomes`)."""
    result = {}
    for composite, measure in zip(BAYLEY_COMPOSITES, BAYLEY_MEASURES, strict=True):
        rows = pairs[pairs["measure"] == measure.code] if not pairs.empty else pairs
        n = len(rows)
        result[composite] = {
            "n": n,
            "entry_mean": _round(rows["entry"].mean(), 1) if n else None,
            "exit_mean": _round(rows["exit"].mean(), 1) if n else None,
            "mean_change": _round((rows["exit"] - rows["entry"]).mean(), 1) if n else None,
        }
    return result


def cohort_outcomes(data, cohorts: dict[str, Sequence], report_date: date) -> dict[str, dict]:
    """The outcomes of several cohorts of discharged stays (facilities side by side, discharge years) from one
    load: one frame of pairs, split by cohort."""
    every = [s for stays in cohorts.values() for s in stays]
    pairs = pairs_frame(every, data.assessments, data.presence, data.adults)
    result = {}
    for key, stays in cohorts.items():
        ids = {s.id for s in stays}
        mine = pairs[pairs["stay_id"].isin(ids)] if not pairs.empty else pairs
        result[key] = outcomes(mine, stays, data.stay_signalements, data.later_stays, report_date)
    return result
