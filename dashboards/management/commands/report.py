"""Print the report of facilities over a period, as JSON (the DOMAIN.md keys) or readable text."""

import json

from django.core.management.base import BaseCommand

from dashboards import engine
from dashboards.management.report_arguments import add_report_arguments, facilities_and_period
from dashboards.tables import build_tables


class Command(BaseCommand):
    help = "Affiche le rapport d'activité d'une ou plusieurs structures sur une période."

    def add_arguments(self, parser):
        add_report_arguments(parser)
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, facility, start, end, format, **options):
        facilities, period = facilities_and_period(facility, start, end, organisation=options.get("organisation"))
        # The JSON answers the period alone (as /dashboards/report.json): no previous period, no chart series.
        report = engine.build(facilities, period, compare=format != "json")
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
