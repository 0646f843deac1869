"""The facilities and period every report command takes, read and checked in one place."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError
from django.db.models import Q

from dashboards.engine import Period
from dashboards.filters import period_problem
from unit.models import Facility, Organisation


def add_report_arguments(parser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--facility", action="append", help="code (répéter pour plusieurs)")
    which.add_argument("--organisation", help="nom ou numéro d'une organisation : toutes ses structures")
    parser.add_argument("--start", required=True, help="AAAA-MM-JJ")
    parser.add_argument("--end", required=True, help="AAAA-MM-JJ")


def facilities_and_period(codes: list[str] | None, start: str, end: str, *,
                          organisation: str | None = None) -> tuple[list[Facility], Period]:
    """The facilities named by their codes (or every facility of an organisation, by name or number), in code
    order, and the period, or a French error."""
    try:
        period = Period(date.fromisoformat(start), date.fromisoformat(end))
    except ValueError as error:
        raise CommandError("Dates invalides : utilisez le format AAAA-MM-JJ.") from error
    problem = period_problem(period.start, period.end)
    if problem:
        raise CommandError(problem)
    if organisation is not None:
        found = Organisation.objects.filter(
            Q(name=organisation) | Q(pk=int(organisation) if organisation.isdigit() else None)).first()
        if found is None:
            raise CommandError(f"Organisation inconnue : {organisation}")
        return list(Facility.objects.filter(organisation=found).order_by("code")), period
    facilities = list(Facility.objects.filter(code__in=codes).order_by("code"))
    missing = sorted(set(codes) - {f.code for f in facilities})
    if missing:
        raise CommandError("Structure inconnue : " + ", ".join(missing))
    return facilities, period
