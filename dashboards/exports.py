"""Exports of the report workbook: build it, keep the file, record who, when, what, and its checksums."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from dashboards import engine, linelist, workbook
from dashboards.engine import Period
from dashboards.models import ExportRecord, FunderProfile
from dashboards.tables import LINE_LIST, build_tables, table_names
from unit import access
from unit.history import record_save
from unit.models import Facility
from unit.private_files import private_dir

EXPORT_REASON = "Export du classeur"


@dataclass(frozen=True)
class InternalProfile:
    """Used when no funder profile is named: every table, default threshold, no line list."""

    name: str = "Interne (sans profil)"
    small_cell_threshold: int = 5
    pseudonym_secret: str = ""
    pk: None = None

    @property
    def sheet_names(self) -> list[str]:
        return list(table_names())


def indicators_sha256(indicators: dict) -> str:
    """SHA-256 of the canonical JSON of the indicators (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(indicators, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def exports_dir() -> Path:
    # Workbooks of health data: a folder of the service account's only.
    return private_dir(Path(settings.VAR_DIR) / "exports")


def export_path(record: ExportRecord) -> Path:
    return exports_dir() / record.file_name


def export_create(*, user: AbstractBaseUser | None, facilities: Sequence[Facility], period: Period,
                  profile: FunderProfile | None, source: str, at: datetime | None = None,
                  progress: Callable[[int], None] | None = None) -> ExportRecord:
    """Build the report, write its workbook under VAR_DIR/exports (random name) and record the export.

    `at` is the instant recorded as the moment the report was read (now by default): the frozen
    report is rebuilt from the history as of that instant.
    """
    chosen = profile or InternalProfile()
    at = at or timezone.now()
    report = engine.build(list(facilities), period)
    with translation.override("fr"):
        tables = build_tables(report)
    sheets = chosen.sheet_names
    checksum = indicators_sha256(report.indicators)
    name = f"{secrets.token_hex(16)}.xlsx"
    path = exports_dir() / name
    rows = None
    if LINE_LIST in sheets:
        rows = linelist.rows(facilities, period, chosen.pseudonym_secret, progress=progress)
    info = workbook.CoverInfo(
        generated_at=at, generated_by=_who(user),
        profile_name=chosen.name, threshold=chosen.small_cell_threshold, sheets=sheets, indicators_sha256=checksum)
    try:
        path.touch(mode=0o600)  # created private, before any named cell is written into it
        written = workbook.write(path, report, tables, info=info, line_list=rows)
        path.chmod(0o600)  # named data, possibly a line list: the service's account alone reads it
        with transaction.atomic():
            record = record_save(ExportRecord(
                created_by=user, generated_at=at, source=source, profile=profile, profile_name=chosen.name,
                small_cell_threshold=chosen.small_cell_threshold, sheets=list(sheets),
                facility_codes=sorted(f.code for f in facilities), start=period.start, end=period.end,
                indicators_sha256=checksum, file_sha256=file_sha256(path), file_name=name,
                file_size=path.stat().st_size, line_list_rows=written,
            ), user=user, reason=EXPORT_REASON)
            record.facilities.set(facilities)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return record


def exports_visible_to(user: AbstractBaseUser) -> QuerySet[ExportRecord]:
    """Exports whose every facility is one where the user may export."""
    ids = access.facility_ids(user, access.EXPORT_REPORTS)
    if not ids:
        return ExportRecord.objects.none()
    return ExportRecord.objects.filter(facilities__in=ids).exclude(
        facilities__in=Facility.objects.exclude(pk__in=ids)).distinct().select_related("created_by", "profile")


def export_period(record: ExportRecord) -> Period:
    return Period(record.start, record.end)


def _who(user) -> str:
    """Who generated a workbook, as the cover and the page footers say it: full name and login."""
    if user is None:
        return "commande (sans utilisateur)"
    full = user.get_full_name().strip()
    return f"{full} ({user.get_username()})" if full else user.get_username()
