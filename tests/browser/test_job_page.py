"""The job page in Chromium: the upload waits in the queue with its progress bar, then, once a worker has run
the job, the page's script (no inline script: CSP) opens the preview by itself."""

import re

import pytest
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import sign_in
from tests.interchange import import_corpus as corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_job_page_follows_the_job_to_the_preview(live_server, page, screenshot, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    unit = factories.facility(code="upb-job")
    factories.user(role="admin", facility=unit, username="rapports")
    workbook = corpus.good(tmp_path, facility_code=unit.code, with_facility_row=False)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    sign_in(page, live_server, "rapports")
    page.goto(f"{live_server.url}/admissions/import/")
    page.set_input_files("input[name=workbook]", str(workbook))
    page.get_by_role("button", name="Vérifier le classeur").click()
    page.wait_for_url(re.compile(r".*/jobs/[0-9a-f-]+/$"))
    panel = page.locator("[data-testid=job]")
    expect(panel).to_have_attribute("data-state", "queued")
    expect(page.get_by_role("progressbar")).to_be_visible()
    screenshot(page, "job-queued")

    # The worker's part, done here: run the queued task as db_worker would.
    queued = DBTaskResult.objects.get()
    queued.task.call(*queued.task_result.args, **queued.task_result.kwargs)

    page.wait_for_url(re.compile(r".*/admissions/import/result/[0-9a-f-]+/$"), timeout=15_000)
    expect(page.get_by_role("button", name="Confirmer l'import")).to_be_visible()
    screenshot(page, "job-preview")
    assert not [e for e in errors if "Content Security Policy" in e], errors
