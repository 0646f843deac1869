"""Age arithmetic on plain dates: completed months and years, as clinicians count them."""

import calendar
from datetime import date, timedelta

from django.utils.translation import gettext as _

# No one alive and recorded here was born before 1900; a year such as 0001 is a typing slip.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def birth_date_problem(birth: date, today: date) -> str | None:
    """Why `birth` cannot be a birth date recorded on `today` (French), None when it is plausible.

    Plausible: from EARLIEST_BIRTH_DATE to `today`, both included. The one rule of the entry forms, the
    services and the import.
    """
    if birth > today:
        return _("La date de naissance ne peut pas être dans le futur.")
    if birth < EARLIEST_BIRTH_DATE:
        return _("Date de naissance improbable : au plus tôt le %(earliest)s.") % {
            "earliest": EARLIEST_BIRTH_DATE.strftime("%d/%m/%Y")}
    return None


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


# The report's age bands at admission (the pyramid's, DOMAIN.md), in completed months.
AGE_BANDS = ("0-5m", "6-11m", "12-23m", "24-35m", "36m+")


def age_band(months: int) -> str:
    for limit, band in zip((6, 12, 24, 36), AGE_BANDS, strict=False):
        if months < limit:
            return band
    return AGE_BANDS[-1]


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


TERM_WEEKS = 40
# DOMAIN.md: preterm is born before 37 weeks (the correction for prematurity, the birth indicator and the
# pages all read this one threshold), post-term from 42 weeks.
PRETERM_BEFORE_WEEKS = 37
POST_TERM_FROM_WEEKS = 42


def is_preterm(gestational_weeks: int | None) -> bool:
    return gestational_weeks is not None and gestational_weeks < PRETERM_BEFORE_WEEKS


def corrected_age_days(birth: date, on: date, gestational_weeks: int | None, gestational_days: int | None = 0,
                       *, until_months: int = 24) -> int | None:
    """Age corrected for prematurity, in days, or None when no correction applies.

    corrected = chronological − (40 weeks − gestational age), for children born before 37 weeks,
    until `until_months` of chronological age (DOMAIN.md, Instruments; 24 months by default).
    """
    if not is_preterm(gestational_weeks):
        return None
    if age_in_months(birth, on) >= until_months:
        return None
    gestation_days = gestational_weeks * 7 + (gestational_days or 0)
    return (on - birth).days - (TERM_WEEKS * 7 - gestation_days)


def corrected_birth_date(birth: date, gestational_weeks: int, gestational_days: int | None = 0) -> date:
    """The birth date the child would have had at term: corrected ages are counted from it."""
    return birth + timedelta(days=TERM_WEEKS * 7 - (gestational_weeks * 7 + (gestational_days or 0)))


def age_parts(birth: date, on: date) -> tuple[int, int]:
    """(completed months, days beyond them) from `birth` to `on`, for display as "4 mois 12 j"."""
    months = age_in_months(birth, on)
    year, month = divmod(birth.month - 1 + months, 12)
    last_day = calendar.monthrange(birth.year + year, month + 1)[1]
    anchor = date(birth.year + year, month + 1, min(birth.day, last_day))
    return months, (on - anchor).days
