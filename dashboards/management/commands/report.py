"""Print the report of facilities over a period, as JSON (the DOMAIN.md keys) or readable text."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dashboards import engine
from dashboards.tables import build_tables
from unit.models import Facility


class Command(BaseCommand):
    help = "Affiche le rapport d'activité d'une ou plusieurs structures sur une période."

    def add_arguments(self, parser):
        parser.add_argument("--facility", action="append", required=True, help="code (répéter pour plusieurs)")
        parser.add_argument("--start", required=True, help="AAAA-MM-JJ")
        parser.add_argument("--end", required=True, help="AAAA-MM-JJ")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, facility, start, end, format, **options):
        try:
            period = engine.Period(date.fromisoformat(start), date.fromisoformat(end))
        except ValueError as error:
            raise CommandError("Dates invalides : utilisez le format AAAA-MM-JJ.") from error
        if period.end < period.start:
            raise CommandError("La fin de la période précède son début.")
        facilities = list(Facility.objects.filter(code__in=facility))
        missing = sorted(set(facility) - {f.code for f in facilities})
        if missing:
            raise CommandError("Structure inconnue : " + ", ".join(missing))
        report = engine.build(facilities, period)
        if format == "json":
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{', '.join(f.name for f in facilities)} — {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y}")
        self.stdout.write(f"Période précédente : {report.previous_period.start:%d/%m/%Y} au "
                          f"{report.previous_period.end:%d/%m/%Y}\n")
        for table in build_tables(report).values():
            self.stdout.write(table.title)
            widths = [max(len(str(h)), *(len(_cell(r[i])) for r in table.rows)) if table.rows else len(str(h))
                      for i, h in enumerate(table.headers)]
            self.stdout.write("  " + "  ".join(str(h).ljust(w) for h, w in zip(table.headers, widths, strict=True)))
            for row in table.rows:
                self.stdout.write("  " + "  ".join(_cell(c).ljust(w) for c, w in zip(row, widths, strict=True)))
            if table.note:
                self.stdout.write("  " + table.note)
            self.stdout.write("")


def _cell(value) -> str:
    return "—" if value is None else str(value)
