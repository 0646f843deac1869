"""The load test of docs/performance.md: a unit's staff at work, simulated by Locust, against gunicorn on PostgreSQL.

    python bench/load.py --scale L [--users 100] [--run-time 5m] [--write]     (make bench-load)

Seeds (or reuses) the throw-away database of the scale (bench_s or bench_l, as bench/run.py builds them),
gives the simulated staff their accounts and sessions (bench/load_plan.py), serves the production profile
with gunicorn (2 × cores + 1 sync workers, as `make serve`), runs bench/locustfile.py headless — 100 staff,
5 to 20 s between actions — and reports the 95th and 99th percentile per page and the errors, with the
machine's load while it ran. `--write` puts the report in docs/performance.md (its load-test section, between
markers), with the command that produced it. `make bench` runs the same at its large scale.

Targets (issue 15): 95th percentile ≤ 300 ms for record pages, ≤ 800 ms for the dashboard, 0 errors.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import PY, ROOT, ensure_postgres, env, free_port, log, machine, seeded  # noqa: E402

RECORD_P95_MS = 300
DASHBOARD_P95_MS = 800
DASHBOARD = "dashboard (facility-year)"  # the name bench/locustfile.py gives the dashboard
START, END = "<!-- load-test:start -->", "<!-- load-test:end -->"


class LoadSampler(threading.Thread):
    """The machine's load average and busy CPU share every few seconds while the test runs (it is shared)."""

    def __init__(self, every: float = 5.0):
        super().__init__(daemon=True)
        self.every, self.loads, self.busy = every, [], []
        self.stop = threading.Event()

    @staticmethod
    def _cpu() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    def run(self) -> None:
        total, idle = self._cpu()
        while not self.stop.wait(self.every):
            self.loads.append(os.getloadavg()[0])
            new_total, new_idle = self._cpu()
            if new_total > total:
                self.busy.append(100 * (1 - (new_idle - idle) / (new_total - total)))
            total, idle = new_total, new_idle


def _wait_until_up(base: str) -> None:
    for _ in range(120):
        try:
            urllib.request.urlopen(urllib.request.Request(base + "/healthz", headers={"X-Forwarded-Proto": "https"}),
                                   timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz")


def _warm_up(base: str, plan: Path, workers: int) -> None:
    """Each page a few times per worker before the measure: a worker's first dashboard imports the charting
    and data libraries and its first pages fill Django's caches, a cost of starting, not of serving."""
    accounts = json.loads(plan.read_text(encoding="utf-8"))["accounts"]
    therapist = next(a for a in accounts if a["role"] == "therapist")
    manager = next((a for a in accounts if a["role"] == "manager"), therapist)
    stay = therapist["stays"][0]
    pages = [(therapist, "/"), (therapist, f"/admissions/board/?facility={therapist['facility']}"),
             (therapist, f"/admissions/stays/{stay}/"), (therapist, f"/journal/stays/{stay}/"),
             (therapist, f"/journal/stays/{stay}/new/"), (therapist, f"/assessments/stays/{stay}/new/pirgas/"),
             (therapist, f"/journal/stays/{stay}/chronology/"),
             (manager, f"/dashboards/?facility={manager['facility']}&year=2025")]
    for account, path in pages:
        for _ in range(2 * workers):
            request = urllib.request.Request(base + path, headers={
                "X-Forwarded-Proto": "https", "Cookie": f"sessionid={account['session']}"})
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()


def _top_processes(limit: int = 6) -> list[str]:
    """The processes using the most CPU at the end of the run (who shared the machine)."""
    out = subprocess.run(["ps", "-eo", "pcpu,comm", "--sort=-pcpu", "--no-headers"], capture_output=True,
                         text=True).stdout.splitlines()
    return [" ".join(line.split()) for line in out[:limit]]


def run(db: str, *, users: int, spawn_rate: float, run_time: str) -> dict:
    """Serve `db` with gunicorn, run Locust headless, return the statistics per page and the machine's load."""
    if shutil.which("locust", path=str(Path(PY).parent)) is None and shutil.which("locust") is None:
        return {"error": "locust is not installed (make bench installs the bench extra)"}
    work = Path(tempfile.mkdtemp(prefix="bench_load_"))
    var_dir = work / "var"
    cores = os.cpu_count() or 1
    workers = 2 * cores + 1
    production = env(db, PROFILE="production", ALLOWED_HOSTS="127.0.0.1,localhost", VAR_DIR=str(var_dir),
                     CONN_MAX_AGE="60")
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=production, check=True)
    plan = work / "plan.json"
    subprocess.run([PY, "bench/load_plan.py", "--users", str(users), "--out", str(plan)], cwd=ROOT, env=env(db),
                   check=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "config.wsgi", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=production, start_new_session=True)
    sampler = LoadSampler()
    locust = shutil.which("locust", path=str(Path(PY).parent)) or "locust"
    command = [locust, "-f", "bench/locustfile.py", "--headless", "-u", str(users), "-r", str(spawn_rate),
               "-t", run_time, "--host", base, "--csv", str(work / "locust"), "--only-summary", "--reset-stats",
               "--stop-timeout", "30", "--loglevel", "WARNING"]
    try:
        _wait_until_up(base)
        _warm_up(base, plan, workers)
        load_before = os.getloadavg()[0]
        log(f"load: gunicorn {workers} workers on {db}; locust {users} users (spawn {spawn_rate}/s), {run_time}…")
        sampler.start()
        started = time.monotonic()
        result = subprocess.run(command, cwd=ROOT, env={**os.environ, "BENCH_LOAD_PLAN": str(plan)},
                                capture_output=True, text=True)
        seconds = time.monotonic() - started
        sampler.stop.set()
        top = _top_processes()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    stats_file = work / "locust_stats.csv"
    if not stats_file.exists():
        shutil.rmtree(work, ignore_errors=True)
        return {"error": f"locust wrote no statistics (exit {result.returncode}): {result.stderr[-400:]}"}
    pages = []
    with stats_file.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            pages.append({"name": row["Name"], "method": row["Type"], "requests": int(row["Request Count"]),
                          "failures": int(row["Failure Count"]), "median": float(row["50%"] or 0),
                          "p95": float(row["95%"] or 0), "p99": float(row["99%"] or 0),
                          "max": float(row["Max Response Time"] or 0), "rps": float(row["Requests/s"] or 0)})
    failures = []
    failures_file = work / "locust_failures.csv"
    if failures_file.exists():
        with failures_file.open(newline="", encoding="utf-8") as handle:
            failures = [f"{r['Method']} {r['Name']}: {r['Error']} ({r['Occurrences']}×)"
                        for r in csv.DictReader(handle)]
    shutil.rmtree(work, ignore_errors=True)
    return {"db": db, "users": users, "spawn_rate": spawn_rate, "run_time": run_time, "seconds": seconds,
            "workers": workers, "pages": pages, "failures": failures, "load_before": load_before,
            "load_during": sampler.loads, "busy_during": sampler.busy, "top": top, "exit": result.returncode}


def verdict(result: dict) -> dict:
    """Whether each target is met: every record page's p95, the dashboard's p95, and no error at all."""
    pages = [p for p in result["pages"] if p["name"] != "Aggregated"]
    records = [p for p in pages if p["name"] != DASHBOARD]
    dashboard = next((p for p in pages if p["name"] == DASHBOARD), None)
    total = next((p for p in result["pages"] if p["name"] == "Aggregated"), None)
    return {
        "records": bool(records) and all(p["p95"] <= RECORD_P95_MS for p in records),
        "worst_record": max(records, key=lambda p: p["p95"]) if records else None,
        "dashboard": dashboard is not None and dashboard["p95"] <= DASHBOARD_P95_MS,
        "dashboard_page": dashboard,
        "errors": total["failures"] if total else None,
    }


def status(met: bool) -> str:
    return "met" if met else "**MISSED**"


def section(result: dict, *, scale: str, command: str, about: str, started: datetime) -> str:
    """The load-test section of docs/performance.md."""
    head = (f"## Staff at work: Locust load test, scale {scale}\n\n"
            f"- **Date**: {started.strftime('%Y-%m-%d %H:%M %Z')}\n- **Command**: `{command}`\n"
            f"- **Machine**: {about}\n")
    if "error" in result:
        return f"{head}\nNot measured: {result['error']}.\n"
    v = verdict(result)
    during = result["load_during"] or [0.0]
    busy = result["busy_during"] or [0.0]
    lines = [
        head,
        f"{result['users']} simulated staff (bench/locustfile.py: four therapists for a manager in each of the "
        f"units of bench/load_plan.py), each waiting 5 to 20 s between actions, started at {result['spawn_rate']} "
        f"a second, then measured for {result['run_time']} (statistics reset once all were started; before "
        f"it, each page was opened twice per worker, so that no worker's first request is measured) against "
        f"gunicorn with {result['workers']} sync workers (production profile, CONN_MAX_AGE=60) on PostgreSQL "
        f"database `{result['db']}`. Locust, gunicorn and PostgreSQL share the machine's cores. Machine load while "
        f"it ran: load average {result['load_before']:.1f} before, {statistics.mean(during):.1f} on average "
        f"(max {max(during):.1f}) during; CPU busy {statistics.mean(busy):.0f} % on average (max {max(busy):.0f} %); "
        f"the busiest processes at the end: {', '.join(result['top'])}.",
        "",
        "| target | figure | status |",
        "| --- | --- | --- |",
    ]
    worst = v["worst_record"]
    lines.append(f"| record pages: 95th percentile ≤ {RECORD_P95_MS} ms | worst: {worst['name']} "
                 f"{worst['p95']:.0f} ms | {status(v['records'])} |" if worst else
                 f"| record pages: 95th percentile ≤ {RECORD_P95_MS} ms | no request | **MISSED** |")
    dash = v["dashboard_page"]
    lines.append(f"| dashboard: 95th percentile ≤ {DASHBOARD_P95_MS} ms | {dash['p95']:.0f} ms | "
                 f"{status(v['dashboard'])} |" if dash else
                 f"| dashboard: 95th percentile ≤ {DASHBOARD_P95_MS} ms | no request | **MISSED** |")
    lines.append(f"| errors: 0 | {v['errors']} | {status(v['errors'] == 0)} |")
    lines += ["", "| page | requests | errors | median | 95th percentile | 99th percentile | max |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for p in result["pages"]:
        name = "all requests" if p["name"] == "Aggregated" else f"{p['method']} {p['name']}"
        lines.append(f"| {name} | {p['requests']} | {p['failures']} | {p['median']:.0f} ms | {p['p95']:.0f} ms | "
                     f"{p['p99']:.0f} ms | {p['max']:.0f} ms |")
    if result["failures"]:
        lines += ["", "Errors: " + "; ".join(result["failures"]) + "."]
    lines += ["", "Locust's percentiles are read from its response-time buckets (two significant digits above "
                  "100 ms). A journal note and an assessment are each two requests: the form, then its POST "
                  "(a redirect when saved); any other answer counts as an error."]
    return "\n".join(lines) + "\n"


def write_section(path: Path, text: str) -> None:
    """Replace the load-test section of docs/performance.md (between its markers), or add it at the end."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{START}\n{text}{END}"
    if START in current and END in current:
        before, rest = current.split(START, 1)
        current = before + block + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("S", "M", "L"), default="L")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--run-time", default="5m")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--write", action="store_true", help="write the section of docs/performance.md")
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args()
    ensure_postgres()
    started = datetime.now().astimezone()
    about = machine()
    db = {"S": "bench_s", "M": "bench_m", "L": "bench_l"}[args.scale]
    seeded(db, args.scale, args.fresh)
    result = run(db, users=args.users, spawn_rate=args.spawn_rate, run_time=args.run_time)
    command = "python bench/load.py " + " ".join(sys.argv[1:])
    text = section(result, scale=args.scale, command=command, about=about, started=started)
    print(text)
    if args.write:
        write_section(Path(args.output), text)
        log(f"written: {args.output}")


if __name__ == "__main__":
    main()
