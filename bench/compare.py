"""The hand-written SQL against the report engine, facility by facility and year by year (no timing).

    DATABASE_URL=postgres://… python bench/compare.py 2024 2025 2026   # every facility of the database

Prints one line per facility-year and every key on which the two disagree; exits with 1 on any.
Both read the report on the same report date (today), as the JSON does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import raw_sql  # noqa: E402
from django.core.serializers.json import DjangoJSONEncoder  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from dashboards import engine  # noqa: E402
from unit.models import Facility  # noqa: E402


def engine_json(facility: Facility, start: date, end: date, report_date: date) -> dict:
    """The JSON report of the facility and period as /dashboards/report.json answers it, read on `report_date`."""
    data = engine.load([facility], start, end)
    report = engine.report_from(data, [facility], engine.Period(start, end), compare=False, report_date=report_date)
    return json.loads(json.dumps(report.as_json(), cls=DjangoJSONEncoder))


def compare(facility: Facility, start: date, end: date, report_date: date) -> tuple[dict, list[str]]:
    """(the engine's JSON, the keys where the hand-written SQL disagrees with it)."""
    connection.ensure_connection()
    results = raw_sql.report(connection.connection, facility_id=facility.pk, start=start, end=end,
                             report_date=report_date)
    found = engine_json(facility, start, end, report_date)
    return found, raw_sql.differences(found, results)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("years", type=int, nargs="+")
    args = parser.parse_args()
    today = timezone.localdate()
    failed = False
    for facility in Facility.objects.order_by("code"):
        for year in args.years:
            found, mismatches = compare(facility, date(year, 1, 1), date(year, 12, 31), today)
            failed = failed or bool(mismatches)
            print(f"{facility.code} ({facility.kind}) {year}: {found['stays_active']} stays, "
                  f"{sum(found['children_by_sex'].values())} children, occupancy {found['occupancy_rate']}, "
                  f"with father {found['share_with_father']}: "
                  f"{'no mismatch' if not mismatches else f'{len(mismatches)} mismatches'}")
            for line in mismatches:
                print(f"    {line}")
    print(f"report date {today.isoformat()}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
