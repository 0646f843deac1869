"""The page of a background job and its JSON status, polled by static/js/job.js: for the job's owner only."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from unit import jobs
from unit.audit import not_audited
from unit.models import Job


def _own_job(request: HttpRequest, job_id: str) -> Job:
    job = jobs.job_for(request.user, job_id)
    if job is None:  # another user's job answers like one that does not exist
        raise Http404
    return job


@not_audited("a job's kind, state and progress: its result page is audited")
@require_safe
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _own_job(request, job_id)
    status = jobs.job_status(job)
    if status["next"]:
        return redirect(status["next"])
    return render(request, "unit/job.html", {"job": job, "status": status, "title": jobs.kind_label(job.kind)})


@not_audited("a job's state and progress as JSON")
@require_safe
def job_status(request: HttpRequest, job_id: str) -> JsonResponse:
    response = JsonResponse(jobs.job_status(_own_job(request, job_id)))
    response["Cache-Control"] = "no-store"
    return response
