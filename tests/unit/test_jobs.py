"""Background jobs: the request only enqueues, the job's pages are its owner's alone, the time limit holds,
results expire and their files are private."""

from __future__ import annotations

import json
import stat
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from admissions.models import Stay
from dashboards.models import ExportRecord
from interchange import import_jobs, importer
from tests import factories
from tests.interchange import import_corpus as corpus
from unit import jobs
from unit.models import Job

pytestmark = pytest.mark.django_db

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _var_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def _upload(client, path, **kwargs):
    with path.open("rb") as handle:
        return client.post(reverse("interchange:import_upload"), {"workbook": handle}, **kwargs)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_upload_only_enqueues_the_import(settings, tmp_path, login, users_a, monkeypatch):
    """The request answers at once: the workbook is read by the worker, never in the request."""
    settings.TASKS = DATABASE_BACKEND

    def read(*args, **kwargs):
        raise AssertionError("the workbook was read in the request")

    monkeypatch.setattr(importer, "import_workbook", read)
    client = login(users_a["admin"])
    response = _upload(client, corpus.good(tmp_path))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.state == Job.State.QUEUED and job.kind == import_jobs.PREVIEW
    assert DBTaskResult.objects.get().task_path == "interchange.import_jobs.import_job"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("job_status", args=[job.pk]) in html and "js/job.js" in html and "<script>" not in html
    status = client.get(reverse("job_status", args=[job.pk])).json()
    assert status["state"] == "queued" and status["next"] == ""
    # Not done: the result page sends back to the job's page.
    assert client.get(reverse("interchange:import_result", args=[job.pk]))["Location"] == response["Location"]


def test_the_report_workbook_is_built_by_the_worker(settings, login, users_a, facility_a, monkeypatch):
    settings.TASKS = DATABASE_BACKEND

    def build(*args, **kwargs):
        raise AssertionError("the workbook was built in the request")

    monkeypatch.setattr("dashboards.exports.export_create", build)
    response = login(users_a["manager"]).post(reverse("dashboards:export_download"), {
        "facility": [facility_a.code], "period": "custom", "start": "2025-01-01", "end": "2025-12-31"})
    job = Job.objects.get()
    assert response.status_code == 302 and job.kind == "export_workbook" and job.state == Job.State.QUEUED
    assert not ExportRecord.objects.exists()


def test_a_job_and_its_result_are_its_owners_alone(tmp_path, client, users_a, facility_a):
    owner = users_a["admin"]
    client.force_login(owner)
    response = _upload(client, corpus.good(tmp_path, facility_code=facility_a.code, with_facility_row=False),
                       follow=True)
    assert response.status_code == 200 and "Confirmer l" in response.content.decode()
    job = Job.objects.get()
    urls = [reverse("job_detail", args=[job.pk]), reverse("job_status", args=[job.pk]),
            reverse("interchange:import_result", args=[job.pk])]
    assert client.get(urls[1]).json()["state"] == "done"
    # Another importer (administrator) of the same facility: as if the job did not exist.
    for other in (factories.user(role="admin", facility=facility_a, username="other_admin"),):
        client.force_login(other)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.logout()
    assert all(client.get(url).status_code == 302 for url in urls)  # to the login page
    # The owner may only read: any other method is refused.
    client.force_login(owner)
    assert {client.post(url).status_code for url in urls} == {405}


def test_a_job_expires_with_its_progress_file(tmp_path, login, users_a, facility_a):
    client = login(users_a["admin"])
    _upload(client, corpus.good(tmp_path, facility_code=facility_a.code, with_facility_row=False))
    job = Job.objects.get()
    progress = tmp_path / "var" / "jobs" / f"{job.pk}.progress"
    assert progress.exists()
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("interchange:import_result", args=[job.pk])).status_code == 404
    jobs.job_sweep()
    assert not Job.objects.filter(pk=job.pk).exists() and not progress.exists()


def test_job_files_are_private(tmp_path, login, users_a, facility_a):
    client = login(users_a["admin"])
    _upload(client, corpus.good(tmp_path, facility_code=facility_a.code, with_facility_row=False))
    job = Job.objects.get()
    var = tmp_path / "var"
    uploads = list((var / "imports").glob("*.xlsx"))
    assert len(uploads) == 1  # kept for the confirmation
    assert _mode(uploads[0]) == 0o600 and _mode(var / "imports") == 0o700
    assert _mode(var / "jobs" / f"{job.pk}.progress") == 0o600 and _mode(var / "jobs") == 0o700
    response = login(users_a["manager"]).post(reverse("dashboards:export_download"), {
        "facility": [facility_a.code], "period": "custom", "start": "2025-01-01", "end": "2025-12-31"})
    record = ExportRecord.objects.get()
    assert response.status_code == 302
    assert _mode(var / "exports" / record.file_name) == 0o600


def test_an_import_past_its_time_limit_writes_nothing(settings, tmp_path, login, users_a, facility_a,
                                                     monkeypatch):
    settings.JOB_TIME_LIMIT_SECONDS = 1
    original = importer.WorkbookImport._apply_stays

    def slow_stays(self):
        time.sleep(1.2)
        original(self)

    monkeypatch.setattr(importer.WorkbookImport, "_apply_stays", slow_stays)
    client = login(users_a["admin"])
    path = corpus.good(tmp_path, facility_code=facility_a.code, with_facility_row=False)
    response = _upload(client, path, follow=True)
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and "Durée maximale dépassée" in job.message
    assert response.status_code == 200 and "Durée maximale dépassée" in response.content.decode()
    assert not Stay.objects.exists()
    assert not list((tmp_path / "var" / "imports").glob("*.xlsx"))
    status = client.get(reverse("job_status", args=[job.pk])).json()
    assert status["state"] == "failed" and status["next"] == ""


def test_the_alarm_stops_a_job_that_never_reports_progress(settings, users_a, monkeypatch):
    settings.JOB_TIME_LIMIT_SECONDS = 1
    monkeypatch.setattr(jobs, "ALARM_GRACE_SECONDS", 0.5)
    job = Job.objects.create(kind="test", user=users_a["admin"], expires_at=timezone.now() + timedelta(hours=1))
    started = time.monotonic()

    def stuck(job, progress):
        time.sleep(5)
        return {}, "/"

    jobs.job_run(str(job.pk), stuck)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "Durée maximale" in job.message
    assert time.monotonic() - started < 4


def test_a_job_runs_once_and_a_lost_one_shows_as_failed(settings, users_a):
    job = Job.objects.create(kind="test", user=users_a["admin"], expires_at=timezone.now() + timedelta(hours=1))
    calls = []

    def work(job, progress):
        calls.append(job.pk)
        progress(1, 2)
        return {"n": 1}, "/done/"

    jobs.job_run(str(job.pk), work)
    jobs.job_run(str(job.pk), work)  # delivered twice: runs once
    job.refresh_from_db()
    assert calls == [job.pk] and job.state == Job.State.DONE and job.result == {"n": 1}
    assert jobs.job_status(job)["next"] == "/done/" and jobs.job_status(job)["percent"] == 100
    lost = Job.objects.create(kind="test", user=users_a["admin"], state=Job.State.RUNNING,
                              started_at=timezone.now() - timedelta(seconds=settings.JOB_TIME_LIMIT_SECONDS + 120),
                              expires_at=timezone.now() + timedelta(hours=1))
    assert jobs.job_status(lost)["state"] == "failed"


def test_status_json_is_not_cached_and_says_the_progress(login, users_a):
    job = Job.objects.create(kind="test", user=users_a["admin"], expires_at=timezone.now() + timedelta(hours=1))
    jobs._write_progress(job.pk, 25, 100)
    response = login(users_a["admin"]).get(reverse("job_status", args=[job.pk]))
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content) | {"message": ""} == {
        "state": "queued", "label": "En attente", "done": 25, "total": 100, "percent": 25, "message": "", "next": ""}
