"""The import page: upload a workbook, read what it would do (or every error), then confirm.

Checking and writing run as background jobs (interchange/import_jobs.py): the upload and the confirmation
each start one and send the user to its progress page, which opens `import_result` when it is done.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from interchange import import_jobs, importer
from unit import access, jobs
from unit.audit import READ, audited, not_audited
from unit.forms import SafeTextMixin
from unit.models import Job

MAX_BYTES = 20 * 1024 * 1024
SESSION_KEY = "admissions_imports"
TOKEN = re.compile(r"^[0-9a-f]{32}$")
PENDING_PER_SESSION = 5


class UploadForm(SafeTextMixin, forms.Form):
    workbook = forms.FileField(label=gettext_lazy("Classeur d'import (.xlsx, 20 Mo au plus)"),
                               widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Choisissez un classeur Excel .xlsx."))
        if upload.size > MAX_BYTES:
            raise ValidationError(_("Fichier trop volumineux : 20 Mo au plus."))
        return upload


def _remember(request: HttpRequest, token: str, name: str, job: Job) -> None:
    pending = dict(request.session.get(SESSION_KEY, {}))
    while len(pending) >= PENDING_PER_SESSION:
        oldest = next(iter(pending))
        import_jobs.upload_path(oldest).unlink(missing_ok=True)
        del pending[oldest]
    pending[token] = {"name": name, "user": request.user.pk, "job": str(job.pk)}
    request.session[SESSION_KEY] = pending


def _pending(request: HttpRequest, token: str) -> dict | None:
    """The upload `token` of this session and user, still on disk and not yet confirmed; else None."""
    entry = request.session.get(SESSION_KEY, {}).get(token) if TOKEN.match(token or "") else None
    if entry is None or entry.get("user") != request.user.pk or not import_jobs.upload_path(token).exists():
        return None
    return entry


def _forget(request: HttpRequest, token: str) -> None:
    """The token is spent (the file itself is deleted by the job that writes it)."""
    pending = dict(request.session.get(SESSION_KEY, {}))
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending


@audited(READ, methods=("GET", "HEAD", "POST"), permission=access.IMPORT_DATA)
def import_upload(request: HttpRequest) -> HttpResponse:
    access.require_import(request.user)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        import_jobs.upload_sweep()
        upload = form.cleaned_data["workbook"]
        name = Path(upload.name).name
        token = import_jobs.upload_store(upload)
        job = jobs.job_start(user=request.user, kind=import_jobs.PREVIEW, task=import_jobs.import_job,
                             token=token, name=name, commit=False)
        _remember(request, token, name, job)
        return redirect("job_detail", job.pk)
    return render(request, "interchange/import_upload.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@audited(READ, permission=access.IMPORT_DATA)
def import_result(request: HttpRequest, job_id: str) -> HttpResponse:
    """The preview (what the import would create, or every error) or the outcome, once its job is done."""
    access.require_import(request.user)
    job = jobs.job_for(request.user, job_id, kinds=import_jobs.KINDS)
    if job is None:
        raise Http404
    if job.state != Job.State.DONE:
        return redirect("job_detail", job.pk)
    result = import_jobs.result_from_json(job.result)
    token = ""
    if job.kind == import_jobs.PREVIEW and result.ok:
        token = next((token for token, entry in request.session.get(SESSION_KEY, {}).items()
                      if entry.get("job") == str(job.pk) and _pending(request, token)), "")
    if result.applied:
        messages.success(request, _("Import de %(name)s terminé.") % {"name": result.source})
    return render(request, "interchange/import_preview.html", {"result": result, "token": token},
                  status=200 if result.ok else 400)


@not_audited("enqueues the confirmed import and redirects to its job page")
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    access.require_import(request.user)
    token = request.POST.get("token", "")
    entry = _pending(request, token)
    if entry is None:
        raise Http404(_("Aucun import en attente de confirmation sous cette référence."))
    _forget(request, token)
    job = jobs.job_start(user=request.user, kind=import_jobs.APPLY, task=import_jobs.import_job,
                         token=token, name=entry["name"], commit=True)
    return redirect("job_detail", job.pk)


@not_audited("the empty import template")
def import_template(request: HttpRequest) -> HttpResponse:
    access.require_import(request.user)
    buffer = io.BytesIO()
    importer.build_template(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="modele_import_v1.xlsx"'
    return response
