"""The one rule for the dates of a stay: who holds a place on a day, which stays count in a period.

Pure functions over dates (no ORM). The capacity check, the residents board, the admissions index,
the report engine and its as-of rebuild, the line list and the indicators all count with these, and
the querysets of `admissions.models.StayQuerySet` are their translation to SQL (a test holds the two
together). DOMAIN.md, "Indicators" and settled readings 1 and 8:

- a stay is **active in a period** [start, end] when admission ≤ end and (no discharge or discharge ≥ start);
- a child **occupies a place** from the admission day up to the day before discharge: the discharge
  day is a free place again, except for a stay admitted and discharged the same day, which occupies
  that one day;
- an open stay is counted until the period end, or until the report date when the period runs past it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from admissions.rules import overlaps

ONE_DAY = timedelta(days=1)


def occupied_until(admitted_on: date, discharged_on: date | None) -> date | None:
    """The first day the place is free again (exclusive end), None while the stay is open."""
    if discharged_on is None:
        return None
    return max(discharged_on, admitted_on + ONE_DAY)


def last_occupied_day(admitted_on: date, discharged_on: date | None) -> date | None:
    """The last day the stay holds a place, None while it is open."""
    until = occupied_until(admitted_on, discharged_on)
    return None if until is None else until - ONE_DAY


def occupies(admitted_on: date, discharged_on: date | None, day: date) -> bool:
    """True when the stay holds a place on `day`."""
    last = last_occupied_day(admitted_on, discharged_on)
    return admitted_on <= day and (last is None or day <= last)


def occupies_some_day(admitted_on: date, discharged_on: date | None, first: date, last: date | None) -> bool:
    """True when the stay holds a place on at least one day of [first, last] (`last` None: no end)."""
    last_held = last_occupied_day(admitted_on, discharged_on)
    return (last is None or admitted_on <= last) and (last_held is None or first <= last_held)


def occupied_days(admitted_on: date, discharged_on: date | None, start: date, end: date) -> int:
    """Child-days of the stay inside [start, end]: the days it holds a place there."""
    last_held = last_occupied_day(admitted_on, discharged_on)
    last = end if last_held is None else min(end, last_held)
    first = max(admitted_on, start)
    return max(0, (last - first).days + 1)


def peak_occupancy(stays: Iterable[tuple[date, date | None]], first: date, last: date | None = None) -> int:
    """Most places held on one day of [first, last] (`last` None: no end) by these (admitted, discharged) stays."""
    events: list[tuple[date, int]] = []
    for admitted_on, discharged_on in stays:
        if not occupies_some_day(admitted_on, discharged_on, first, last):
            continue
        events.append((max(admitted_on, first), 1))
        until = occupied_until(admitted_on, discharged_on)
        if until is not None:
            events.append((until, -1))
    peak = current = 0
    for _day, delta in sorted(events):  # on one day, the places freed (-1) come before those taken (+1)
        current += delta
        peak = max(peak, current)
    return peak


def is_active_in(admitted_on: date, discharged_on: date | None, start: date, end: date) -> bool:
    """DOMAIN.md: admission ≤ end and (no discharge or discharge ≥ start): the stay's days meet the period's."""
    return overlaps(admitted_on, discharged_on, start, end)


def is_discharged_in(discharged_on: date | None, start: date, end: date) -> bool:
    return discharged_on is not None and start <= discharged_on <= end


def is_started_in(admitted_on: date, start: date, end: date) -> bool:
    return start <= admitted_on <= end


def counting_end(end: date, report_date: date | None) -> date:
    """The last day a report counts open stays to: the period end, or the report date when the period
    runs past it (settled reading 1: a report never projects the future)."""
    return end if report_date is None else min(end, report_date)


def counted_until(admitted_on: date, discharged_on: date | None, end: date, report_date: date | None = None) -> date:
    """The discharge date, or — while the stay is open at the period end — the period end (or the report date)."""
    if discharged_on is not None and discharged_on <= end:
        return discharged_on
    return max(admitted_on, counting_end(end, report_date))


def length_of_stay(admitted_on: date, discharged_on: date | None, end: date, report_date: date | None = None) -> int:
    """Days from admission to discharge, or to the period end (the report date) while open then."""
    return (counted_until(admitted_on, discharged_on, end, report_date) - admitted_on).days
