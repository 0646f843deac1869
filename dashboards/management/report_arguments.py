"""The facilities and period every report command takes, read and checked in one place."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError

from dashboards.engine import Period
from dashboards.filters import period_problem
from unit.models import Facility


def add_report_arguments(parser) -> None:
    parser.add_argument("--facility", action="append", required=True, help="code (répéter pour plusieurs)")
    parser.add_argument("--start", required=True, help="AAAA-MM-JJ")
    parser.add_argument("--end", required=True, help="AAAA-MM-JJ")


def facilities_and_period(codes: list[str], start: str, end: str) -> tuple[list[Facility], Period]:
    """The facilities named by their codes (in code order) and the period, or a French error."""
    try:
        period = Period(date.fromisoformat(start), date.fromisoformat(end))
    except ValueError as error:
        raise CommandError("Dates invalides : utilisez le format AAAA-MM-JJ.") from error
    problem = period_problem(period.start, period.end)
    if problem:
        raise CommandError(problem)
    facilities = list(Facility.objects.filter(code__in=codes).order_by("code"))
    missing = sorted(set(codes) - {f.code for f in facilities})
    if missing:
        raise CommandError("Structure inconnue : " + ", ".join(missing))
    return facilities, period
