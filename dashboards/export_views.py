"""Workbook downloads, the list of past exports, and what changed since one of them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dashboards import asof, engine, export_jobs, exports, filters, selectors
from dashboards.models import ExportRecord
from unit import access, audit, jobs
from unit.audit import EXPORT, READ, audited, not_audited

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _facilities_to_export(request: HttpRequest, params):
    """(facilities, period, choices) asked for, each facility one where the user may export."""
    access.require(request.user, access.EXPORT_REPORTS)
    facilities, period, choices = filters.parse(request.user, params)
    if not facilities:
        raise Http404
    for facility in facilities:
        access.require(request.user, access.EXPORT_REPORTS, facility)
    audit.covered(request, [facility.pk for facility in facilities])
    return facilities, period, choices


@not_audited("the list of past exports: facilities, periods, who and when")
def export_list(request: HttpRequest) -> HttpResponse:
    try:
        facilities, _period, choices = _facilities_to_export(request, request.GET)
        error = ""
    except ValidationError as exc:
        facilities, choices, error = [], None, " ".join(exc.messages)
    return _exports_page(request, facilities, choices, error)


def _exports_page(request: HttpRequest, facilities, choices, error: str) -> HttpResponse:
    return render(request, "dashboards/exports.html", {
        "facilities": facilities, "choices": choices, "error": error,
        "profiles": selectors.funder_profiles_active(),
        "records": exports.exports_visible_to(request.user)[:200],
    }, status=400 if error else 200)


@not_audited("enqueues the export and redirects to its job page; the file it makes is audited when fetched")
@require_POST
def export_download(request: HttpRequest) -> HttpResponse:
    try:
        facilities, period, _choices = _facilities_to_export(request, request.POST)
    except ValidationError as exc:  # the exports page again, with the message
        return _exports_page(request, [], None, " ".join(exc.messages))
    profile = None
    if request.POST.get("profile"):
        profile = selectors.funder_profile_active(pk=_int_or_none(request.POST["profile"]))
        if profile is None:
            return _exports_page(request, facilities, None,
                                 _("Ce profil de financeur n'existe pas ou n'est plus actif : choisissez-en un autre."))
    # Built in the background (a line list may hold thousands of stays): the job's page follows it and
    # opens the download when it is done.
    job = jobs.job_start(user=request.user, kind=export_jobs.EXPORT, task=export_jobs.export_job,
                         facility_ids=[f.pk for f in facilities], start=period.start.isoformat(),
                         end=period.end.isoformat(), profile_id=profile.pk if profile else None)
    return redirect("job_detail", job.pk)


@audited(EXPORT, "dashboards.exportrecord", pk_kwarg="pk")
def export_file(request: HttpRequest, pk: int) -> FileResponse:
    access.require(request.user, access.EXPORT_REPORTS)
    record = get_object_or_404(exports.exports_visible_to(request.user), pk=pk)
    audit.covered(request, [facility.pk for facility in selectors.export_facilities(record=record)])
    return _file(record)


@audited(READ, "dashboards.exportrecord", pk_kwarg="pk")
def export_changes(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, access.EXPORT_REPORTS)
    record = get_object_or_404(exports.exports_visible_to(request.user), pk=pk)
    facilities = selectors.export_facilities(record=record)
    audit.covered(request, [facility.pk for facility in facilities])
    period = exports.export_period(record)
    frozen = asof.engine_build_as_of(facilities, period, record.generated_at)
    current = engine.build(facilities, period)
    return render(request, "dashboards/export_changes.html", {
        "record": record, "facilities": facilities,
        "changes": asof.changes_since([f.pk for f in facilities], period, record.generated_at),
        "frozen_matches": exports.indicators_sha256(frozen.indicators) == record.indicators_sha256,
        "current_matches": exports.indicators_sha256(current.indicators) == record.indicators_sha256,
    })


def _file(record: ExportRecord) -> FileResponse:
    path = exports.export_path(record)
    if not path.exists():
        raise Http404
    filename = f"rapport_{'-'.join(record.facility_codes)}_{record.start:%Y-%m-%d}_{record.end:%Y-%m-%d}.xlsx"
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type=XLSX)


def _int_or_none(value: str) -> int | None:
    """A primary key as typed, or None when it cannot be one (not a number, or beyond a 64-bit key)."""
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None
