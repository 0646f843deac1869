"""Background jobs: a long import or export runs in the task worker while its owner follows a progress bar.

An app defines a django-tasks task that calls `job_run(job_id, work)`; a view calls `job_start`, then
sends the user to the job's page (unit/job_views.py), which polls the job's status. `work(job, progress)`
returns the result kept for the owner (JSON) and the page that shows it. Progress goes to a small file
beside the job (not the database): an import writes inside one long transaction, and a progress row
written there would stay invisible to the page until the end. The time limit is checked at every
progress step, and, in the worker (whose tasks run in its main thread), enforced by an alarm too.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from unit.models import Job

logger = logging.getLogger(__name__)

JOB_ID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$")
PROGRESS_EVERY_SECONDS = 0.5  # the page polls every second: more writes would show nothing more
QUEUED_TOO_LONG_SECONDS = 30  # after this, the page says the worker may be stopped
# A job still "running" this long after its limit lost its worker (stopped, killed): it is shown as failed.
STALE_GRACE_SECONDS = 60
# The alarm is a backstop for a job stuck between progress steps: it may interrupt a database call, so it
# comes this long after the limit, which the progress steps normally enforce first, between two rows.
ALARM_GRACE_SECONDS = 30.0

Progress = Callable[[int, int], None]
Work = Callable[[Job, Progress], tuple[dict, str]]


_KINDS: dict[str, Any] = {}


def register_kind(kind: str, label: Any) -> None:
    """Each app names its kinds of job (the title of the job's page); the foundation names no app."""
    _KINDS[kind] = label


def kind_label(kind: str) -> str:
    return str(_KINDS.get(kind, _("Tâche de fond")))


class JobTimeLimit(BaseException):
    """Raised inside a job that ran past settings.JOB_TIME_LIMIT_SECONDS.

    A BaseException, like KeyboardInterrupt: the `except Exception` that turns a damaged file into one
    clear message must not turn the time limit into one; a transaction still rolls back.
    """


# ---------------------------------------------------------------- private files


def jobs_dir() -> Path:
    """VAR_DIR/jobs, readable by the service's own account only."""
    path = Path(settings.VAR_DIR) / "jobs"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write `data` at `path`, mode 0600 from its creation (no moment where another account may read it)."""
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def _progress_path(job_id: Any) -> Path:
    return jobs_dir() / f"{job_id}.progress"


def _write_progress(job_id: Any, done: int, total: int) -> None:
    write_private(_progress_path(job_id), f"{done} {total}".encode())


def job_progress(job: Job) -> tuple[int, int]:
    """(done, total) as last written by the worker; (0, 0) before its first step."""
    try:
        done, total = _progress_path(job.pk).read_text().split()
        return int(done), int(total)
    except (OSError, ValueError):
        return 0, 0


# ---------------------------------------------------------------- starting, reading


def job_start(*, user: AbstractBaseUser, kind: str, task, **kwargs: Any) -> Job:
    """Record a job for `user` and enqueue `task(job_id=…, **kwargs)` on the task backend."""
    job_sweep()
    job = Job.objects.create(kind=kind, user=user,
                             expires_at=timezone.now() + timedelta(hours=settings.JOB_KEEP_HOURS))
    result = task.enqueue(job_id=str(job.pk), **kwargs)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def jobs_of(user: AbstractBaseUser) -> QuerySet[Job]:
    """The user's own jobs that have not expired: no one else reads a job, its result or its file."""
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(user=user, expires_at__gt=timezone.now())


def job_for(user: AbstractBaseUser, job_id: str, *, kinds: tuple[str, ...] = ()) -> Job | None:
    if not JOB_ID.match(job_id or ""):
        return None
    jobs = jobs_of(user)
    if kinds:
        jobs = jobs.filter(kind__in=kinds)
    return jobs.filter(pk=job_id).first()


def job_status(job: Job) -> dict[str, Any]:
    """What the job's page shows: state, progress, message, and where to go when it is done."""
    state, message = job.state, job.message
    now = timezone.now()
    limit = timedelta(seconds=settings.JOB_TIME_LIMIT_SECONDS + STALE_GRACE_SECONDS)
    if state == Job.State.RUNNING and job.started_at and now - job.started_at > limit:
        state, message = Job.State.FAILED, _("La tâche a été interrompue (processus de travail arrêté ?). "
                                             "Relancez-la.")
    elif state == Job.State.QUEUED and (now - job.created_at).total_seconds() > QUEUED_TOO_LONG_SECONDS:
        message = _("La tâche attend toujours son tour. Si cela dure, prévenez l'administrateur : le processus "
                    "de travail (db_worker) est peut-être arrêté.")
    done, total = job_progress(job)
    if state == Job.State.DONE:
        done = total = max(total, 1)
    percent = int(100 * done / total) if total else 0
    return {"state": state, "label": Job.State(state).label, "done": done, "total": total,
            "percent": min(percent, 100), "message": message,
            "next": job.next_url if state == Job.State.DONE else ""}


def job_sweep() -> None:
    """Delete expired jobs, their files, and the task backend's rows of finished tasks as old."""
    now = timezone.now()
    for job_id in Job.objects.filter(expires_at__lte=now).values_list("pk", flat=True):
        _progress_path(job_id).unlink(missing_ok=True)
    Job.objects.filter(expires_at__lte=now).delete()
    try:
        from django_tasks_db.models import DBTaskResult  # noqa: PLC0415 (optional: the database backend only)
    except ImportError:  # another backend keeps its own results
        return
    DBTaskResult.objects.finished().filter(
        finished_at__lt=now - timedelta(hours=settings.JOB_KEEP_HOURS)).delete()


# ---------------------------------------------------------------- running (in the worker)


def job_run(job_id: str, work: Work) -> None:
    """Run `work` for the queued job `job_id`: record its state, progress, result or failure, within its limit."""
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=timezone.now())
    if not claimed:  # expired and deleted before the worker reached it, or already run
        return
    job = Job.objects.get(pk=job_id)
    limit = settings.JOB_TIME_LIMIT_SECONDS
    deadline = time.monotonic() + limit
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now > deadline:
            raise JobTimeLimit
        if now - last[0] >= PROGRESS_EVERY_SECONDS or done >= total:
            last[0] = now
            _write_progress(job_id, done, total)

    _write_progress(job_id, 0, 0)
    fields: dict[str, Any]
    try:
        with _alarm(limit + ALARM_GRACE_SECONDS):
            result, next_url = work(job, progress)
    except JobTimeLimit:
        fields = {"state": Job.State.FAILED, "message": _(
            "Durée maximale dépassée (%(minutes)s min) : rien n'a été enregistré. Découpez le fichier ou la "
            "période, puis relancez.") % {"minutes": max(1, round(limit / 60))}}
    except PermissionDenied:
        fields = {"state": Job.State.FAILED,
                  "message": _("Vos droits ne permettent plus cette tâche : rien n'a été enregistré.")}
    except Exception:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        fields = {"state": Job.State.FAILED,
                  "message": _("Erreur inattendue : la tâche n'a pas abouti et rien n'a été enregistré. "
                               "Prévenez l'administrateur.")}
    else:
        fields = {"state": Job.State.DONE, "result": result, "next_url": next_url}
    if fields["state"] == Job.State.FAILED and not connection.in_atomic_block:
        connection.close()  # an interrupted query may have left it unusable; the next query opens another
    Job.objects.filter(pk=job_id).update(finished_at=timezone.now(), **fields)


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """In the worker's main thread, raise JobTimeLimit after `seconds` even where no progress step comes."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield  # a task run inside a web request (the immediate backend): the progress checks alone
        return

    def expired(signum, frame):
        raise JobTimeLimit

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
