"""Which assessments are expected and not yet done: pure rules over plain values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# Versions of one instrument satisfy the same expectation.
EQUIVALENT = {"bayley3": "bayley", "bayley4": "bayley"}

DUE, OVERDUE, UPCOMING = "due", "overdue", "upcoming"


@dataclass(frozen=True)
class Rule:
    instrument: str
    subject: str  # child, mother, father
    anchor: str  # admission, planned_end
    window_days: int


# Defaults by facility kind; a facility with its own active rules (admin) uses those instead.
DEFAULT_RULES: dict[str, tuple[Rule, ...]] = {
    "parent_baby_unit": (
        Rule("bayley4", "child", "admission", 30),
        Rule("bayley4", "child", "planned_end", 30),
        Rule("epds", "mother", "admission", 14),
        Rule("pirgas", "child", "admission", 30),
    ),
    "maternal_centre": (Rule("epds", "mother", "admission", 14),),
    "parental_centre": (Rule("epds", "mother", "admission", 14), Rule("epds", "father", "admission", 14)),
    "nursery": (Rule("bayley4", "child", "admission", 30), Rule("adbb", "child", "admission", 30)),
    "home_support": (Rule("epds", "mother", "admission", 30),),
}


@dataclass(frozen=True)
class StayFacts:
    stay_id: int
    admitted_on: date
    planned_end_on: date | None
    child_id: int
    parents: tuple[tuple[str, int, date], ...]  # (role, adult id, presence start) of the admitted adults


@dataclass(frozen=True)
class Done:
    stay_id: int
    instrument: str
    subject_key: str  # "child:<id>" or "adult:<id>"
    on: date


@dataclass(frozen=True)
class Due:
    stay_id: int
    instrument: str
    subject_key: str
    window_start: date
    window_end: date
    status: str


def _family(instrument: str) -> str:
    return EQUIVALENT.get(instrument, instrument)


def due_assessments(stays: Iterable[StayFacts], rules: dict[int, tuple[Rule, ...]] | tuple[Rule, ...],
                    done: Iterable[Done], *, today: date, horizon_days: int = 14) -> list[Due]:
    """Expected assessments of open stays not done within their window, most urgent first.

    Windows: after admission [anchor, anchor + n days]; before the planned end [end − n days, end].
    An assessment counts when it is of the same instrument (or version), the same subject and stay,
    and dated inside the window. Windows opening within `horizon_days` are listed as upcoming.
    """
    by_key: dict[tuple[int, str, str], list[date]] = {}
    for item in done:
        by_key.setdefault((item.stay_id, _family(item.instrument), item.subject_key), []).append(item.on)
    result: list[Due] = []
    for stay in stays:
        stay_rules = rules.get(stay.stay_id, ()) if isinstance(rules, dict) else rules
        for rule in stay_rules:
            for subject_key, anchor_start in _subjects(rule, stay):
                if rule.anchor == "admission":
                    start, end = anchor_start, anchor_start + timedelta(days=rule.window_days)
                elif stay.planned_end_on is not None:
                    start, end = stay.planned_end_on - timedelta(days=rule.window_days), stay.planned_end_on
                else:
                    continue
                dates = by_key.get((stay.stay_id, _family(rule.instrument), subject_key), [])
                if any(start <= d <= end for d in dates):
                    continue
                if today > end:
                    status = OVERDUE
                elif today >= start:
                    status = DUE
                elif (start - today).days <= horizon_days:
                    status = UPCOMING
                else:
                    continue
                result.append(Due(stay.stay_id, rule.instrument, subject_key, start, end, status))
    order = {OVERDUE: 0, DUE: 1, UPCOMING: 2}
    return sorted(result, key=lambda d: (order[d.status], d.window_end, d.stay_id))


def _subjects(rule: Rule, stay: StayFacts) -> list[tuple[str, date]]:
    if rule.subject == "child":
        return [(f"child:{stay.child_id}", stay.admitted_on)]
    return [(f"adult:{adult_id}", start) for role, adult_id, start in stay.parents if role == rule.subject]
