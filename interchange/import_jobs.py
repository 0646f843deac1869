"""The import as a background job: the uploaded file kept privately, checked (preview) or written (confirm)."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django_tasks import task

from interchange import importer
from unit import jobs
from unit.models import Job

PREVIEW, APPLY = "import_preview", "import_apply"
KINDS = (PREVIEW, APPLY)
KEEP_SECONDS = 24 * 3600  # an upload never confirmed is deleted after a day

jobs.register_kind(PREVIEW, gettext_lazy("Vérification du classeur"))
jobs.register_kind(APPLY, gettext_lazy("Import du classeur"))


def uploads_dir() -> Path:
    directory = Path(settings.VAR_DIR) / "imports"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)
    return directory


def upload_path(token: str) -> Path:
    return uploads_dir() / f"{token}.xlsx"


def upload_sweep() -> None:
    """Delete uploads older than a day (previews never confirmed)."""
    limit = time.time() - KEEP_SECONDS
    for old in uploads_dir().glob("*.xlsx"):
        if old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)


def upload_store(upload) -> str:
    """Keep the file under a random name, mode 0600 (never in the database); return its token."""
    token = secrets.token_hex(16)
    jobs.write_private(upload_path(token), b"".join(upload.chunks()))
    return token


def result_as_json(result: importer.ImportResult) -> dict:
    problem = lambda p: [p.sheet, p.row, p.column, p.reason, p.letter]  # noqa: E731
    return {"source": result.source, "errors": [problem(p) for p in result.errors],
            "warnings": [problem(p) for p in result.warnings], "rows": result.rows, "created": result.created,
            "skipped": result.skipped, "applied": result.applied}


def result_from_json(data: dict) -> importer.ImportResult:
    return importer.ImportResult(
        source=data["source"], errors=[importer.Problem(*p) for p in data["errors"]],
        warnings=[importer.Problem(*p) for p in data["warnings"]], rows=data["rows"], created=data["created"],
        skipped=data["skipped"], applied=data["applied"])


@task()
def import_job(*, job_id: str, token: str, name: str, commit: bool) -> None:
    def work(job: Job, progress: jobs.Progress) -> tuple[dict, str]:
        path = upload_path(token)
        try:
            result = importer.import_workbook(path, user=job.user, source_name=name, commit=commit,
                                              progress=progress)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        if commit or not result.ok:  # written, or refused: the file has served
            path.unlink(missing_ok=True)
        return result_as_json(result), reverse("interchange:import_result", args=[job.pk])

    jobs.job_run(job_id, work)
