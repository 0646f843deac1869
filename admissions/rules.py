"""Pure rules of the stay: admission mode from presence periods, overlaps, the order of its dates.

The date-order rules take plain dates and answer the French refusal, or None when the dates agree. The
services raise it on their field; the spreadsheet import reports it on its cell: one rule, one wording.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

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


def in_stay(day: date, admitted_on: date, discharged_on: date | None) -> bool:
    """True when `day` falls within the stay, its admission and discharge days included."""
    return overlaps(day, day, admitted_on, discharged_on)


def assessment_date_problem(assessed_on: date, admitted_on: date, discharged_on: date | None) -> str | None:
    """An assessment is passed within its stay, its admission and discharge days included."""
    if in_stay(assessed_on, admitted_on, discharged_on):
        return None
    return _("La date de passation doit être comprise dans le séjour.")


def _not_before(day: date, first: date, problem: str) -> str | None:
    """The problem when `day` precedes `first`; the same day is allowed."""
    return problem if day < first else None


def decision_date_problem(received_on: date, decided_on: date) -> str | None:
    """A request is decided on the day it is received or later."""
    return _not_before(decided_on, received_on, _("La décision ne peut précéder la réception de la demande."))


def discharge_date_problem(admitted_on: date, discharged_on: date) -> str | None:
    """A stay ends on its admission day or later (a same-day stay exists)."""
    return _not_before(discharged_on, admitted_on, _("La sortie ne peut précéder l'admission."))


def admission_birth_problem(birth_date: date, admitted_on: date) -> str | None:
    """A child is admitted on the day of birth or later."""
    return _not_before(admitted_on, birth_date, _("L'admission ne peut précéder la naissance de l'enfant."))


def planned_end_problem(admitted_on: date, planned_end_on: date) -> str | None:
    """The planned end of a stay is its admission day or later."""
    return _not_before(planned_end_on, admitted_on, _("La fin prévue ne peut précéder l'admission."))


def presence_end_problem(start: date, end: date) -> str | None:
    """A presence period ends on its first day or later."""
    return _not_before(end, start, _("La fin de présence ne peut précéder son début."))


def presence_day_problem(day: date, admitted_on: date, discharged_on: date | None) -> str | None:
    """A presence period starts and ends within its stay (admission and discharge days included)."""
    if in_stay(day, admitted_on, discharged_on):
        return None
    if discharged_on is None:
        return _("La présence doit être comprise dans le séjour (en cours depuis le %(a)s).") % {
            "a": admitted_on.strftime("%d/%m/%Y")}
    return _("La présence doit être comprise dans le séjour (du %(a)s au %(b)s).") % {
        "a": admitted_on.strftime("%d/%m/%Y"), "b": discharged_on.strftime("%d/%m/%Y")}
