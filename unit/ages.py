"""Age arithmetic on plain dates: completed months and years, as clinicians count them."""

import calendar
from datetime import date


def age_in_months(birth: date, on: date) -> int:
    """Completed months from `birth` to `on` (negative before birth).

    A month is completed on the same day-of-month, or on the last day of a shorter month
    (born 31 January: one month on 29 February).
    """
    if on < birth:
        return -age_in_months(on, birth)
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    last_day = calendar.monthrange(on.year, on.month)[1]
    if on.day < birth.day and on.day != last_day:
        months -= 1
    return months


def age_in_years(birth: date, on: date) -> int:
    """Completed years (negative before birth)."""
    if on < birth:
        return -age_in_years(on, birth)
    return age_in_months(birth, on) // 12


def age_in_days(birth: date, on: date) -> int:
    return (on - birth).days


def pregnancy_weeks_on(due_date: date, on: date) -> int:
    """Completed weeks of amenorrhoea on `on` for a pregnancy due at 40 weeks on `due_date`."""
    return 40 - ((due_date - on).days + 6) // 7
