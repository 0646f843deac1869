"""Pure rules of the stay: admission mode from presence periods, overlaps, capacity on a day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

MOTHER_ONLY, FATHER_ONLY = "mother_only", "father_only"
BOTH_WHOLE_STAY, BOTH_PARTIAL, NONE = "both_whole_stay", "both_partial", "none"
ADMISSION_MODES = (MOTHER_ONLY, FATHER_ONLY, BOTH_WHOLE_STAY, BOTH_PARTIAL, NONE)


@dataclass(frozen=True)
class Period:
    role: str  # mother, father, other_guardian
    start: date
    end: date | None


def admission_mode(periods: Iterable[Period], admitted_on: date, until: date) -> str:
    """DOMAIN.md "Admission with the parent(s)".

    `until` is the discharge date, or the period end while the stay is open. Both parents count
    as present for the whole stay when each is covered without a gap from admission to `until`.
    Another guardian alone counts as `none`.
    """
    periods = list(periods)
    mother = [p for p in periods if p.role == "mother"]
    father = [p for p in periods if p.role == "father"]
    if mother and father:
        whole = _covers(mother, admitted_on, until) and _covers(father, admitted_on, until)
        return BOTH_WHOLE_STAY if whole else BOTH_PARTIAL
    if mother:
        return MOTHER_ONLY
    if father:
        return FATHER_ONLY
    return NONE


def _covers(periods: list[Period], start: date, end: date) -> bool:
    """True when the periods cover every day from `start` to `end` (back-to-back periods join)."""
    covered_through = start - timedelta(days=1)
    for period in sorted(periods, key=lambda p: p.start):
        if period.start > covered_through + timedelta(days=1):
            return False
        covered_through = max(covered_through, period.end or end)
        if covered_through >= end:
            return True
    return covered_through >= end


def overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Closed intervals; an open end runs forever."""
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)
