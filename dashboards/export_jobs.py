"""The report workbook (with its line list) built as a background job, then downloaded by whoever asked."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django_tasks import task

from dashboards import exports, linelist
from dashboards.engine import Period
from dashboards.models import ExportRecord, FunderProfile
from dashboards.tables import LINE_LIST
from unit import access, jobs
from unit.models import Facility, Job

EXPORT = "export_workbook"

jobs.register_kind(EXPORT, gettext_lazy("Classeur du rapport"))


@task()
def export_job(*, job_id: str, facility_ids: list[int], start: str, end: str, profile_id: int | None) -> None:
    def work(job: Job, progress: jobs.Progress) -> tuple[dict, str]:
        facilities = list(Facility.objects.filter(pk__in=facility_ids).order_by("code"))
        # The rights are read again when the job runs: a membership withdrawn meanwhile stops it.
        if len(facilities) != len(set(facility_ids)):
            raise PermissionDenied
        for facility in facilities:
            access.require(job.user, access.EXPORT_REPORTS, facility)
        period = Period(date.fromisoformat(start), date.fromisoformat(end))
        profile = FunderProfile.objects.filter(pk=profile_id, active=True).first() if profile_id else None
        total = 0
        if profile is not None and LINE_LIST in profile.sheet_names:
            total = linelist.stays_in(facilities, period).count()
        progress(0, total)
        record = exports.export_create(user=job.user, facilities=facilities, period=period, profile=profile,
                                       source=ExportRecord.Source.PAGE,
                                       progress=lambda done: progress(done, total) if total else None)
        return {"export": record.pk}, reverse("dashboards:export_file", args=[record.pk])

    jobs.job_run(job_id, work)
