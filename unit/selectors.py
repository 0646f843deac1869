"""Reads of the unit app: the versions of a record as people read them, a facility's staff, a user's device."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from unit import access
from unit.models import Facility, Membership


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Version:
    number: int
    when: datetime
    who: str
    why: str
    kind: str  # created, changed, deleted
    changes: list[Change]


# Bookkeeping, and secrets that no page shows (a funder's pseudonym key).
HIDDEN_FIELDS = {"version", "updated_at", "created_at", "pseudonym_secret"}
KINDS = {"+": "created", "~": "changed", "-": "deleted"}


def _display(model: type[models.Model], field_name: str, value) -> str:
    if value is None or value == "":
        return "—"
    try:
        field = model._meta.get_field(field_name)
    except Exception:  # noqa: BLE001 - a field dropped from the model still shows its raw value
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value)
    if isinstance(field, models.BooleanField):
        return "oui" if value else "non"
    return str(value)


def record_by_pk(*, model: type[models.Model], pk: int, entered_in_error: bool | None = None) -> models.Model | None:
    """The record `pk` of `model` (restricted to one « entered in error » state when given), or None.

    Access is the caller's to check (`unit.access`): a page answers the same for missing and unreachable."""
    rows = model._default_manager.filter(pk=pk)
    if entered_in_error is not None:
        rows = rows.filter(entered_in_error=entered_in_error)
    return rows.first()


def facility_codes(*, ids: set[int]) -> dict[int, str]:
    """The codes of the facilities `ids`, by id."""
    return dict(Facility.objects.filter(pk__in=ids).values_list("pk", "code"))


def history_of(*, obj: models.Model) -> list[Version]:
    """Every version of `obj`, newest first, each with its field-by-field changes."""
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    model = type(obj)
    versions: list[Version] = []
    previous = None
    for number, record in enumerate(records, start=1):
        changes: list[Change] = []
        if previous is None:
            for field in model._meta.concrete_fields:
                if field.name in HIDDEN_FIELDS or field.primary_key:
                    continue
                value = getattr(record, field.attname)
                if value not in (None, "", [], {}):
                    changes.append(Change(str(field.verbose_name), "—", _display(model, field.name, value)))
        else:
            delta = record.diff_against(previous, excluded_fields=list(HIDDEN_FIELDS))
            for change in delta.changes:
                label = str(model._meta.get_field(change.field).verbose_name)
                changes.append(Change(label, _display(model, change.field, change.old),
                                      _display(model, change.field, change.new)))
        who = record.history_user.get_username() if record.history_user else "système"
        versions.append(Version(number, record.history_date, who, record.history_change_reason or "",
                                KINDS.get(record.history_type, record.history_type), changes))
        previous = record
    versions.reverse()
    return versions


@dataclass(frozen=True)
class InError:
    app_label: str
    model_name: str
    kind: str
    pk: int
    marked_at: datetime


def records_in_error(*, user: AbstractBaseUser, labels: list[str], limit: int = 200) -> list[InError]:
    """Records marked « entered in error » in the facilities the user administers, latest first.

    Only the kind and the id: the list names no one, the history page (audited) says the rest."""
    rows: list[InError] = []
    for label in labels:
        model = apps.get_model(label)
        marked = access.scope(model._default_manager.filter(entered_in_error=True), user, access.ADMINISTER)
        rows.extend(InError(model._meta.app_label, model._meta.model_name, str(model._meta.verbose_name), pk, at)
                    for pk, at in marked.order_by("-updated_at").values_list("pk", "updated_at")[:limit])
    return sorted(rows, key=lambda row: row.marked_at, reverse=True)[:limit]


def facility_therapists(*, facility_id: int) -> QuerySet:
    """The users holding an active therapist role in the facility (who may be named as an assessor)."""
    staff = Membership.objects.filter(facility_id=facility_id, role=Membership.Role.THERAPIST,
                                      active=True).values("user_id")
    return get_user_model().objects.filter(pk__in=staff).order_by("username")


def totp_device_confirmed(*, user: AbstractBaseUser) -> TOTPDevice | None:
    """The user's first confirmed two-factor device, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
