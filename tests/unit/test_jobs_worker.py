"""The real thing: `manage.py db_worker` in its own process, on a database file, runs an enqueued import."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 90

# Enqueued from a process of its own (as the web server would), then followed until done or WAIT_SECONDS.
DRIVER = """
import json, shutil, time
from pathlib import Path
from interchange import import_jobs
from admissions.models import Stay
from tests import factories
from tests.interchange import import_corpus as corpus
from unit import jobs
from unit.models import Job

facility = factories.facility(code="upb-w")
user = factories.user(role="admin", facility=facility, username="worker_admin")
token = "0" * 32
work = Path(import_jobs.uploads_dir()).parent / "corpus"
work.mkdir(exist_ok=True)
shutil.copyfile(corpus.good(work, facility_code=facility.code, with_facility_row=False),
                import_jobs.upload_path(token))
job = jobs.job_start(user=user, kind=import_jobs.APPLY, task=import_jobs.import_job, token=token,
                     name="cohorte.xlsx", commit=True)
deadline = time.monotonic() + WAIT
seen = set()
while time.monotonic() < deadline:
    job.refresh_from_db()
    seen.add(job.state)
    if job.state in (Job.State.DONE, Job.State.FAILED):
        break
    time.sleep(0.2)
print(json.dumps({"state": job.state, "message": job.message, "applied": job.result.get("applied"),
                  "errors": job.result.get("errors"), "stays": Stay.objects.filter(facility=facility).count(),
                  "upload_left": import_jobs.upload_path(token).exists(), "seen": sorted(seen),
                  "progress": list(jobs.job_progress(job))}))
""".replace("WAIT", str(WAIT_SECONDS))


@pytest.fixture
def worker_env(tmp_path):
    inherited = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if key in os.environ}
    return {**inherited, "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}", "VAR_DIR": str(tmp_path / "var"),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend", "PYTHONPATH": str(BASE_DIR)}


def _manage(env, *args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_a_real_worker_process_runs_an_enqueued_import(worker_env, tmp_path):
    migrated = _manage(worker_env, "migrate", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2", "--no-startup-delay"],
        cwd=BASE_DIR, env=worker_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        driven = _manage(worker_env, "shell", "-c", DRIVER, timeout=WAIT_SECONDS + 60)
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()  # still serving
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            code = worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            code = worker.wait()
        log.close()
    assert driven.returncode == 0, driven.stderr
    outcome = json.loads(driven.stdout.strip().splitlines()[-1])
    assert outcome["state"] == "done", (outcome, (tmp_path / "worker.log").read_text())
    assert outcome["applied"] is True and outcome["errors"] == []
    assert outcome["stays"] == 3
    assert outcome["upload_left"] is False  # written: the upload has served
    assert outcome["progress"][0] == outcome["progress"][1] > 0
    assert code == 0  # a SIGTERM between tasks ends the worker cleanly
    assert "interchange.import_jobs.import_job" in (tmp_path / "worker.log").read_text()
