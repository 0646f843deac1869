"""Peak memory and time of the workbook's line list at volume, against bare openpyxl write-only as the floor.

    DATABASE_URL=postgres://… .venv/bin/python bench/linelist_memory.py --stays 100000

Inserts the stays (in bulk, into the configured and migrated database) when fewer are there, then
runs each measure in its own process so that each peak RSS (resource.getrusage) is its own (the
launcher imports nothing heavy: on Linux a child's peak RSS starts at its parent's size):
- `linelist`: the product's path, `dashboards.linelist.rows` (one query through a server-side
  cursor, the primary diagnoses as correlated subqueries) streamed by
  `dashboards.workbook.line_list_sheet` into a write-only workbook;
- `floor`: the same number of rows of the same cell types appended by bare openpyxl write-only.
Prints both peaks, their growth over the process's start and the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FACILITY = "bench-linelist"
PERIOD = (date(2025, 1, 1), date(2025, 12, 31))


def peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def ensure_stays(total: int, batch: int = 5000) -> int:
    """Bulk-insert families, children, stays and primary diagnoses until the bench facility has `total` stays."""
    from django.db import transaction

    from admissions.models import Child, Diagnosis, Family, Stay
    from unit.models import Facility, Organisation

    organisation = Organisation.objects.first() or Organisation.objects.create(name="Banc d'essai")
    facility, _created = Facility.objects.get_or_create(
        code=FACILITY, defaults={"organisation": organisation, "name": "Banc d'essai", "kind": "parent_baby_unit",
                                 "country": "BE", "capacity": 100000})
    present = Stay.objects.filter(facility=facility).count()
    for start in range(present, total, batch):
        n = min(batch, total - start)
        with transaction.atomic():
            families = Family.objects.bulk_create(
                [Family(reference=f"BENCH-{start + i:07d}", facility=facility) for i in range(n)])
            children = Child.objects.bulk_create([
                Child(family=f, first_name="Banc", last_name="Essai", sex="FM"[(start + i) % 2],
                      birth_date=date(2024, 1, 1) + timedelta(days=(start + i) % 500))
                for i, f in enumerate(families)])
            stays = Stay.objects.bulk_create([
                Stay(facility=facility, child=c, admitted_on=date(2025, 1, 1) + timedelta(days=(start + i) % 300),
                     discharged_on=(date(2025, 1, 1) + timedelta(days=(start + i) % 300 + 40)) if i % 2 else None,
                     discharge_kind="planned" if i % 2 else "", residence_after="home_with_parent" if i % 2 else "",
                     residence_before="family_home", mandate="none")
                for i, c in enumerate(children)])
            Diagnosis.objects.bulk_create(
                [Diagnosis(stay=s, child_id=s.child_id, timepoint="entry", classification="icd10", code="F43.2",
                           primary=True) for s in stays]
                + [Diagnosis(stay=s, child_id=s.child_id, timepoint="exit", classification="icd10", code="F43.0",
                             primary=True) for s in stays if s.discharged_on])
        print(f"  {start + n} / {total} séjours insérés", file=sys.stderr)
    return Stay.objects.filter(facility=facility).count()


def measure_linelist(out: Path) -> dict:
    start_mb = peak_mb()
    django_setup()
    from openpyxl import Workbook

    from dashboards import linelist, workbook
    from dashboards.engine import Period
    from unit.models import Facility

    facilities = list(Facility.objects.filter(code=FACILITY))
    ready_mb = peak_mb()
    began = time.perf_counter()
    wb = Workbook(write_only=True)
    rows = workbook.line_list_sheet(wb, linelist.rows(facilities, Period(*PERIOD), "bench-secret"))
    wb.save(out)
    return {"rows": rows, "seconds": time.perf_counter() - began, "start_mb": start_mb, "ready_mb": ready_mb,
            "peak_mb": peak_mb()}


def measure_floor(out: Path, rows: int) -> dict:
    start_mb = peak_mb()
    from openpyxl import Workbook

    ready_mb = peak_mb()
    began = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("line_list")
    ws.append(["h"] * 13)
    for i in range(rows):
        admitted = date(2025, 1, 1) + timedelta(days=i % 300)
        ws.append([f"{i:012x}", FACILITY, "FM"[i % 2], i % 36, f"{i % 12 + 1:02d}/2024", admitted,
                   admitted + timedelta(days=40) if i % 2 else None, 40, "family_home", "home_with_parent", "none",
                   "F43.2", "F43.0" if i % 2 else ""])
    wb.save(out)
    return {"rows": rows, "seconds": time.perf_counter() - began, "start_mb": start_mb, "ready_mb": ready_mb,
            "peak_mb": peak_mb()}


def _child(mode: str, rows: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, __file__, "--mode", mode, "--rows", str(rows), "--out", str(Path(tmp) / "x.xlsx")]
        result = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ.copy())
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stays", type=int, default=100000)
    parser.add_argument("--mode", choices=["all", "insert", "linelist", "floor"], default="all")
    parser.add_argument("--rows", type=int, default=0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.mode == "insert":
        django_setup()
        print(json.dumps({"rows": ensure_stays(args.stays)}))
        return
    if args.mode == "linelist":
        print(json.dumps(measure_linelist(args.out)))
        return
    if args.mode == "floor":
        print(json.dumps(measure_floor(args.out, args.rows)))
        return
    command = [sys.executable, __file__, "--mode", "insert", "--stays", str(args.stays)]
    inserted = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    print(f"{json.loads(inserted.stdout.strip().splitlines()[-1])['rows']} séjours dans « {FACILITY} »")
    ours = _child("linelist", 0)
    floor = _child("floor", ours["rows"])
    for name, m in (("liste des séjours", ours), ("openpyxl seul", floor)):
        print(f"{name:18} {m['rows']:>8} lignes  {m['seconds']:7.2f} s  pic RSS {m['peak_mb']:7.1f} Mo  "
              f"(+{m['peak_mb'] - m['ready_mb']:.1f} Mo pendant l'écriture, départ {m['start_mb']:.1f} Mo)")
    growth_ours = ours["peak_mb"] - ours["ready_mb"]
    growth_floor = max(floor["peak_mb"] - floor["ready_mb"], 0.1)
    print(f"rapport pic RSS : {ours['peak_mb'] / floor['peak_mb']:.2f} ; "
          f"rapport de la croissance pendant l'écriture : {growth_ours / growth_floor:.2f} ; "
          f"rapport des temps : {ours['seconds'] / max(floor['seconds'], 1e-6):.2f}")


if __name__ == "__main__":
    main()
