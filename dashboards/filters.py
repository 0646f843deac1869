"""Which facilities and which period a dashboard request asks for, checked against the user's rights."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards.engine import Period
from dashboards.exports import InternalProfile
from unit import access

# Years a period may cover: any archive a unit holds, and far enough from Python's date limits (years 1
# and 9999) that the arithmetic of a report (the previous period, the day after the end) never overflows.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def period_problem(start: date, end: date) -> str | None:
    """Why a period cannot be reported on (French), or None: outside FIRST_YEAR..LAST_YEAR, or reversed."""
    if not all(FIRST_YEAR <= day.year <= LAST_YEAR for day in (start, end)):
        return _("Dates hors limites : une période doit être comprise entre %(first)s et %(last)s.") % {
            "first": FIRST_YEAR, "last": LAST_YEAR}
    if end < start:
        return _("La fin de la période précède son début.")
    return None


def parse(user, params: QueryDict) -> tuple[list, Period, dict]:
    """(facilities, period, normalised choices) or ValidationError with a French message.

    A facility code the user has no dashboard right on answers 404, like any record out of reach.
    """
    allowed = {f.code: f for f in access.facilities_for(user, access.VIEW_DASHBOARDS)}
    codes = [c for c in params.getlist("facility") if c]
    if codes:
        if any(code not in allowed for code in codes):
            raise Http404
        facilities = [allowed[c] for c in sorted(set(codes))]
    else:
        facilities = sorted(allowed.values(), key=lambda f: f.name)
    today = timezone.localdate()
    preset = params.get("period", "") or ("custom" if params.get("start") or params.get("end") else "year")
    if preset == "last12":
        period = Period(today - timedelta(days=364), today)
    elif preset == "custom":
        try:
            start, end = date.fromisoformat(params.get("start", "")), date.fromisoformat(params.get("end", ""))
        except ValueError as error:
            raise ValidationError(_("Dates invalides : utilisez le format AAAA-MM-JJ.")) from error
        problem = period_problem(start, end)
        if problem:
            raise ValidationError(problem)
        if (end - start).days > 366 * 10:
            raise ValidationError(_("La période ne peut dépasser dix ans."))
        period = Period(start, end)
    else:
        try:
            year = int(params.get("year", today.year))
        except ValueError as error:
            raise ValidationError(_("Année invalide.")) from error
        if not 1990 <= year <= today.year + 1:
            raise ValidationError(_("Année invalide."))
        preset = "year"
        period = Period(date(year, 1, 1), date(year, 12, 31))
    return facilities, period, {"period": preset, "year": period.start.year, "codes": [f.code for f in facilities],
                                "start": period.start.isoformat(), "end": period.end.isoformat(),
                                "start_date": period.start, "end_date": period.end}


def small_cell_threshold(user, facilities) -> int:
    """The k of the small-cell rule for the screens, the JSON and the CSV this user gets (1 = exact figures).

    Exact figures for a user who may read the named records of every facility of the report (a manager:
    nothing is learnt from a count that the records do not already show); otherwise the threshold of the
    internal workbook, so that a screen never publishes more than the workbook the same user may download.
    """
    if all(access.has_permission(user, access.VIEW_RECORDS, facility) for facility in facilities):
        return 1
    return InternalProfile().small_cell_threshold
