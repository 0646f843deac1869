"""Measures on one seeded database (run by bench/run.py with DATABASE_URL set): prints one JSON object.

    python bench/measure.py --runs 5            # dashboard vs SQL, queries per page, writes
    python bench/measure.py --session           # a logged-in session cookie for the load test
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
import raw_sql  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from admissions import services as adm  # noqa: E402
from admissions.models import Family, Stay  # noqa: E402
from dashboards import engine  # noqa: E402
from unit import services as unit_services  # noqa: E402
from unit.models import Facility  # noqa: E402

FACILITY = "vol-001"  # a 10-place parent-baby unit at every scale
YEAR = 2025
BENCH_USER = "bench.manager"
PG_DEFAULT_PARALLEL = 2  # PostgreSQL's default max_parallel_workers_per_gather


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def manager():
    """A manager of the benchmark unit only: what a unit's manager sees, at every scale."""
    user, _created = get_user_model().objects.get_or_create(username=BENCH_USER, defaults={"last_name": "Bench"})
    unit_services.membership_grant(user=None, member=user, facility=Facility.objects.get(code=FACILITY),
                                   role="manager")
    return user


def the_stay() -> Stay:
    """The most recent open stay of the unit (the board's current residents), else its latest stay."""
    stays = Stay.objects.filter(facility__code=FACILITY, entered_in_error=False).order_by("-admitted_on", "-pk")
    return stays.filter(discharged_on__isnull=True).first() or stays.first()


def pages(stay: Stay) -> dict[str, str]:
    query = f"facility={FACILITY}&year={YEAR}"
    return {
        "dashboard": f"/dashboards/?{query}",
        "json": f"/dashboards/report.json?{query}",
        "stay": f"/admissions/stays/{stay.pk}/",
        "family": f"/admissions/families/{stay.child.family_id}/",
        "board": f"/admissions/board/?facility={FACILITY}",
    }


def timed(function, repeat: int = 1) -> float:
    """Milliseconds for one call (mean over `repeat` calls)."""
    started = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - started) * 1000 / repeat


def dsn() -> str:
    settings = connection.settings_dict
    return psycopg.conninfo.make_conninfo(dbname=settings["NAME"], user=settings["USER"] or None,
                                          host=settings["HOST"] or None, port=settings["PORT"] or None,
                                          password=settings["PASSWORD"] or None)


def measure(runs: int) -> dict:
    user = manager()
    client = Client()
    client.force_login(user)
    stay = the_stay()
    urls = pages(stay)
    facility = Facility.objects.get(code=FACILITY)

    queries = {}
    for name, url in urls.items():
        client.get(url)  # warm: caches, prepared templates
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries[name] = len(captured.captured_queries)
    log(f"  SQL queries per page: {queries}")

    engine_json = client.get(urls["json"]).json()
    report_date = timezone.localdate()  # the engine's report date
    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    with psycopg.connect(dsn(), autocommit=True) as raw:
        # The hand-written queries run under the same session settings as the application's connection
        # (config/settings.py: max_parallel_workers_per_gather).
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            (workers,) = cursor.fetchone()
        raw.execute(f"SET max_parallel_workers_per_gather = {int(workers)}")

        def hand_written():  # read on the same day as the JSON (settled reading 1)
            return raw_sql.report(raw, facility_id=facility.pk, start=start, end=end, report_date=report_date)

        mismatches = raw_sql.differences(engine_json, hand_written())
        dashboard_ms, sql_ms = [], []
        for _ in range(runs):  # interleaved, so that any slowdown of the machine hits both alike
            dashboard_ms.append(timed(lambda: client.get(urls["json"])))
            sql_ms.append(timed(hand_written))
        # The same with PostgreSQL's default parallel plans on both sides, for information.
        parallel_dashboard_ms, parallel_sql_ms = [], []
        for cursor in (connection.cursor(), raw.cursor()):
            cursor.execute(f"SET max_parallel_workers_per_gather = {PG_DEFAULT_PARALLEL}")
        for _ in range(runs):
            parallel_dashboard_ms.append(timed(lambda: client.get(urls["json"])))
            parallel_sql_ms.append(timed(hand_written))
        with connection.cursor() as cursor:
            cursor.execute(f"SET max_parallel_workers_per_gather = {int(workers)}")
    log(f"  dashboard JSON {statistics.median(dashboard_ms):.1f} ms, hand-written SQL "
        f"{statistics.median(sql_ms):.1f} ms (max_parallel_workers_per_gather = {workers}); with parallel plans "
        f"{statistics.median(parallel_dashboard_ms):.1f} ms and {statistics.median(parallel_sql_ms):.1f} ms")

    plans = explain_engine(facility, start, end)
    log(f"  engine loads under EXPLAIN ANALYZE: slowest {plans['slowest_ms']:.2f} ms, "
        f"sequential scans {plans['seq_scans'] or 'none'}, parallel plans {plans['parallel'] or 'none'}")

    family = Family.objects.get(pk=stay.child.family_id)
    writes = 50

    def with_history(skip: bool = False):
        obj = Family.objects.get(pk=family.pk)
        for n in range(writes):
            if skip:
                obj.skip_history_when_saving = True
            adm.family_update(user=user, family=obj, notes=f"Note de banc d'essai {n}",
                              expected_version=obj.version, reason="Banc d'essai")

    def bare():
        for n in range(writes):
            Family.objects.filter(pk=family.pk)._unchecked_update(notes=f"Note de banc d'essai {n}")

    service_ms, service_no_history_ms, bare_ms = [], [], []
    with_history()  # warm
    for _ in range(runs):
        service_ms.append(timed(with_history) / writes)
        service_no_history_ms.append(timed(lambda: with_history(skip=True)) / writes)
        bare_ms.append(timed(bare) / writes)
    log(f"  write: service with history {statistics.median(service_ms):.2f} ms, without history "
        f"{statistics.median(service_no_history_ms):.2f} ms, bare UPDATE {statistics.median(bare_ms):.2f} ms")

    return {
        "queries": queries, "dashboard_ms": dashboard_ms, "sql_ms": sql_ms, "mismatches": mismatches,
        "parallel_dashboard_ms": parallel_dashboard_ms, "parallel_sql_ms": parallel_sql_ms,
        "parallel_workers": int(workers),
        "service_ms": service_ms, "service_no_history_ms": service_no_history_ms, "bare_ms": bare_ms,
        "stay_url": urls["stay"], "stays_active": engine_json.get("stays_active"), "plans": plans,
        "rows": {"stays": Stay.objects.count(),
                 "assessments": _count("assessments_assessment"),
                 "history_rows": sum(_count(t) for t in ("admissions_historicalstay",
                                                         "assessments_historicalassessment"))},
    }


def explain_engine(facility: Facility, start: date, end: date) -> dict:
    """EXPLAIN ANALYZE of each query the report engine runs for the facility-year: do they need an index?"""
    with CaptureQueriesContext(connection) as captured:
        engine.build([facility], engine.Period(start, end), compare=False)  # what the JSON runs
    slowest, scans, parallel = 0.0, set(), []

    def walk(node: dict, found: set) -> None:
        found.add(node.get("Node Type"))
        if node.get("Node Type") == "Seq Scan":
            scans.add(node["Relation Name"])
        for child in node.get("Plans", ()):
            walk(child, found)

    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
            plan = cursor.fetchone()[0]
            plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]
            slowest = max(slowest, plan["Execution Time"])
            nodes: set = set()
            walk(plan["Plan"], nodes)
            if nodes & {"Gather", "Gather Merge"}:
                tables = sorted(set(re.findall(r'FROM "(\w+)"', query["sql"])))
                parallel.append(f"{' + '.join(tables)} ({plan['Execution Time']:.1f} ms)")
    return {"queries": len(captured.captured_queries), "slowest_ms": slowest, "seq_scans": sorted(scans),
            "parallel": parallel}


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
        return cursor.fetchone()[0]


def session() -> dict:
    """A session of the benchmark manager, stored in the database, and the page to load."""
    client = Client()
    client.force_login(manager())
    return {"cookie": client.cookies["sessionid"].value, "stay_url": pages(the_stay())["stay"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--session", action="store_true")
    args = parser.parse_args()
    result = session() if args.session else measure(args.runs)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
