"""The whole organisation at once: `manage.py report --organisation … --format json` for a year, timed, with the
peak resident memory of the process (DATABASE_URL names the database; scale L: 219 facilities).

    DATABASE_URL=postgres://…/bench_l python bench/organisation.py [--runs 3] [--year 2025]

Prints one JSON line: {"seconds": [...], "median_s": x, "peak_mb": y, "facilities": n, "stays_active": n}.
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


def organisation_of_the_facilities() -> str:
    """The organisation holding the most facilities (the volume generator puts them all in one)."""
    script = ("from django.db.models import Count; from unit.models import Organisation; "
              "o = Organisation.objects.annotate(n=Count('facilities')).order_by('-n').first(); print(o.pk, o.n)")
    out = subprocess.run([PY, "manage.py", "shell", "-c", script], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.split()
    return out[0]


def one_run(organisation: str, year: int) -> tuple[float, float, dict]:
    """(seconds, peak MB of that process, the JSON)."""
    started = time.monotonic()
    process = subprocess.Popen([PY, "manage.py", "report", "--organisation", organisation, "--start",
                                f"{year}-01-01", "--end", f"{year}-12-31", "--format", "json"], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if status != 0:
        raise SystemExit(f"report failed ({status})")
    return seconds, usage.ru_maxrss / 1024, json.loads(output)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    organisation = organisation_of_the_facilities()
    seconds, peaks = [], []
    report = {}
    for _ in range(args.runs):
        s, peak, report = one_run(organisation, args.year)
        seconds.append(round(s, 2))
        peaks.append(round(peak))
    print(json.dumps({"seconds": seconds, "median_s": statistics.median(seconds), "peak_mb": max(peaks),
                      "facilities": len(report["period"]["facilities"]), "stays_active": report["stays_active"]}))


if __name__ == "__main__":
    main()
