"""The whole organisation at once: the report of every facility of the organisation for a year, as JSON
(`manage.py report --organisation … --format json` does the same), timed, with the peak resident memory of
the process (DATABASE_URL names the database; scale L: 219 facilities).

    DATABASE_URL=postgres://…/bench_l python bench/organisation.py [--runs 3] [--year 2025]

Each run is a fresh process: `report_s` is the report itself (the engine's loads, the indicators and
outcomes, the JSON text), `process_s` the whole process (Python and Django starting, pandas and scipy
imported, the report, the exit). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable


def child(year: int) -> None:
    """In the measured process: the organisation holding the most facilities, its report for the year."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from datetime import date

    from django.db.models import Count

    from dashboards.management.report_arguments import facilities_and_period
    from unit.models import Organisation

    organisation = Organisation.objects.annotate(n=Count("facilities")).order_by("-n").first()
    started = time.monotonic()
    facilities, period = facilities_and_period(None, date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat(),
                                               organisation=str(organisation.pk))
    from dashboards import engine

    report = engine.build(facilities, period, compare=False)
    text = json.dumps(report.as_json(), ensure_ascii=False, indent=2)
    seconds = time.monotonic() - started
    print(json.dumps({"report_s": round(seconds, 3), "facilities": len(facilities),
                      "stays_active": report.indicators["stays_active"], "json_bytes": len(text)}))


def one_run(year: int) -> dict:
    started = time.monotonic()
    process = subprocess.Popen([PY, __file__, "--child", "--year", str(year)], cwd=ROOT, stdout=subprocess.PIPE,
                               text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"the report failed ({status})")
    result = json.loads(output.strip().splitlines()[-1])
    return {**result, "process_s": round(time.monotonic() - started, 2), "peak_mb": usage.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.year)
        return
    runs = [one_run(args.year) for _ in range(args.runs)]
    print(json.dumps({
        "seconds": [r["report_s"] for r in runs], "median_s": statistics.median(r["report_s"] for r in runs),
        "process_s": statistics.median(r["process_s"] for r in runs), "peak_mb": round(max(r["peak_mb"] for r in runs)),
        "facilities": runs[-1]["facilities"], "stays_active": runs[-1]["stays_active"],
        "load_average": round(os.getloadavg()[0], 1)}))


if __name__ == "__main__":
    main()
