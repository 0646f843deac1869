"""How long a dossier lives (pure: plain values, no ORM): the retention rules and the coarsening of birth dates.

DOMAIN.md "Retention": BE 30 years after the last contact (at most 50); FR 20 years after the last contact,
or until the child's 28th birthday if later; LU 10 years after the last contact. A facility may edit its
rule (RetentionRule); a dossier several facilities hold lives as long as the longest of their rules.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from unit.ages import age_in_months, age_in_years


@dataclass(frozen=True)
class Rule:
    years_after_last_contact: int
    until_child_age: int | None = None  # or until the youngest child reaches this age, if later
    at_most_years: int | None = None  # never beyond this many years after the last contact


DEFAULT_RULES: dict[str, Rule] = {
    "BE": Rule(30, at_most_years=50),
    "FR": Rule(20, until_child_age=28),
    "LU": Rule(10),
}


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention_end(rule: Rule, *, last_contact: date, children_birth_dates: Iterable[date] = ()) -> date:
    """The last day the dossier is kept: `years_after_last_contact` after the last contact, or the youngest
    child's `until_child_age`-th birthday if later, capped at `at_most_years` after the last contact."""
    end = add_years(last_contact, rule.years_after_last_contact)
    if rule.until_child_age is not None:
        for birth in children_birth_dates:
            end = max(end, add_years(birth, rule.until_child_age))
    if rule.at_most_years is not None:
        end = min(end, add_years(last_contact, rule.at_most_years))
    return end


def coarse_birth_date(birth: date, references: Iterable[date]) -> date:
    """`birth` coarsened to its month: the earliest day of that month that keeps the age in completed months
    (and years) on every reference date (the admissions the reports count ages at). Past reports do not
    change, and the day kept says no more than those ages already do (the 1st when no age depends on it)."""
    references = list(references)
    wanted = [(age_in_months(birth, on), age_in_years(birth, on)) for on in references if on >= birth]
    last = calendar.monthrange(birth.year, birth.month)[1]
    for day in range(1, last + 1):
        candidate = birth.replace(day=day)
        if [(age_in_months(candidate, on), age_in_years(candidate, on))
                for on in references if on >= birth] == wanted:
            return candidate
    return birth  # unreachable: the true day keeps every age
