"""The import page: upload a workbook, read what it would do (or every error), then confirm."""

from __future__ import annotations

import io
import re
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from admissions import importer
from unit import access
from unit.audit import READ, audited, not_audited
from unit.forms import SafeTextMixin
from unit.private_files import private_dir

MAX_BYTES = 20 * 1024 * 1024
SESSION_KEY = "admissions_imports"
TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEEP_SECONDS = 24 * 3600  # an upload never confirmed is deleted after a day
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


def _directory() -> Path:
    # Uploaded workbooks name children: a folder of the service account's only.
    return private_dir(Path(settings.VAR_DIR) / "imports")


def _path(token: str) -> Path:
    return _directory() / f"{token}.xlsx"


def _sweep() -> None:
    """Delete uploads older than a day (previews never confirmed)."""
    limit = time.time() - KEEP_SECONDS
    for old in _directory().glob("*.xlsx"):
        if old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)


def _store(upload) -> tuple[str, Path]:
    """Keep the file under a random name, bound to this user's session (never in the database)."""
    token = secrets.token_hex(16)
    path = _path(token)
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return token, path


def _remember(request: HttpRequest, token: str, name: str) -> None:
    pending = dict(request.session.get(SESSION_KEY, {}))
    while len(pending) >= PENDING_PER_SESSION:
        oldest = next(iter(pending))
        _path(oldest).unlink(missing_ok=True)
        del pending[oldest]
    pending[token] = {"name": name, "user": request.user.pk}
    request.session[SESSION_KEY] = pending


def _forget(request: HttpRequest, token: str) -> None:
    pending = dict(request.session.get(SESSION_KEY, {}))
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    _path(token).unlink(missing_ok=True)


@audited(READ, methods=("GET", "HEAD", "POST"), permission=access.IMPORT_DATA)
def import_upload(request: HttpRequest) -> HttpResponse:
    access.require_import(request.user)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        _sweep()
        upload = form.cleaned_data["workbook"]
        name = Path(upload.name).name
        token, path = _store(upload)
        result = importer.import_workbook(path, user=request.user, source_name=name, commit=False)
        if result.ok:
            _remember(request, token, name)
        else:
            path.unlink(missing_ok=True)
        return render(request, "admissions/import_preview.html",
                      {"result": result, "token": token if result.ok else ""},
                      status=200 if result.ok else 400)
    return render(request, "admissions/import_upload.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@audited(READ, methods=("POST",), permission=access.IMPORT_DATA)
def import_confirm(request: HttpRequest) -> HttpResponse:
    access.require_import(request.user)
    token = request.POST.get("token", "")
    entry = request.session.get(SESSION_KEY, {}).get(token) if TOKEN.match(token) else None
    if entry is None or entry.get("user") != request.user.pk or not _path(token).exists():
        raise Http404(_("Aucun import en attente de confirmation sous cette référence."))
    result = importer.import_workbook(_path(token), user=request.user, source_name=entry["name"], commit=True)
    _forget(request, token)
    if result.applied:
        messages.success(request, _("Import de %(name)s terminé.") % {"name": entry["name"]})
    return render(request, "admissions/import_preview.html", {"result": result, "token": ""},
                  status=200 if result.ok else 400)


@not_audited("the empty import template")
def import_template(request: HttpRequest) -> HttpResponse:
    access.require_import(request.user)
    buffer = io.BytesIO()
    importer.build_template(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="modele_import_v1.xlsx"'
    return response
