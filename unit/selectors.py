"""Reads of the unit app: the versions of a record as people read them, a facility's staff, a user's device."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django_otp.plugins.otp_totp.models import TOTPDevice

from unit import access
from unit.models import Facility, Membership


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str
    # A structured value (scores, answers to criteria) as rows (label, value) of a small table; "" in old/new.
    old_rows: tuple[tuple[str, str], ...] = ()
    new_rows: tuple[tuple[str, str], ...] = ()


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

Shown = str | list[tuple[str, str]]


def _person_name(user) -> str:
    """A user as colleagues know them: full name, the login only when no name was entered."""
    return (user.get_full_name() or user.get_username()) if user is not None else "système"


class _Reader:
    """Turns the stored values of one record's versions into what a person reads (related records fetched once)."""

    def __init__(self, obj: models.Model):
        self.obj = obj
        self.model = type(obj)
        self._related: dict[tuple[type, object], str] = {}

    def _related_name(self, field: models.ForeignKey, pk) -> str:
        target = field.related_model
        key = (target, pk)
        if key not in self._related:
            found = target._default_manager.filter(pk=pk).first()
            if found is None:
                self._related[key] = f"{target._meta.verbose_name} {pk}"
            elif isinstance(found, get_user_model()):
                self._related[key] = _person_name(found)
            else:
                self._related[key] = str(found)
        return self._related[key]

    def shown(self, field_name: str, value) -> Shown:
        if value is None or value == "" or value == [] or value == {}:
            return "—"
        try:
            field = self.model._meta.get_field(field_name)
        except Exception:  # noqa: BLE001 - a field dropped from the model still shows its raw value
            return str(value)
        # The model says how its coded or structured fields read (instrument names, scores, answers).
        own = getattr(self.obj, "history_value", None)
        if own is not None:
            said = own(field_name, value)
            if said is not None:
                return said
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field.many_to_one or field.one_to_one:
            return self._related_name(field, value)
        if isinstance(field, models.DateTimeField):
            return date_format(localtime(value), "d/m/Y H:i") if hasattr(value, "hour") else str(value)
        if isinstance(field, models.DateField):
            return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value)
        if isinstance(field, models.BooleanField):
            return "oui" if value else "non"
        if isinstance(value, dict):
            return [(str(key), _plain(item)) for key, item in value.items()]
        if isinstance(value, list):
            return ", ".join(_plain(item) for item in value)
        return str(value)

    def change(self, label: str, field_name: str, old, new) -> Change:
        before, after = self.shown(field_name, old), self.shown(field_name, new)
        return Change(label, before if isinstance(before, str) else "", after if isinstance(after, str) else "",
                      tuple(before) if isinstance(before, list) else (),
                      tuple(after) if isinstance(after, list) else ())


def _plain(value) -> str:
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, dict):
        return " · ".join(f"{key} : {_plain(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
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
    """Every version of `obj`, newest first, each with its field-by-field changes as people read them."""
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    model = type(obj)
    reader = _Reader(obj)
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
                    changes.append(reader.change(str(field.verbose_name), field.name, None, value))
        else:
            delta = record.diff_against(previous, excluded_fields=list(HIDDEN_FIELDS))
            for change in delta.changes:
                label = str(model._meta.get_field(change.field).verbose_name)
                changes.append(reader.change(label, change.field, change.old, change.new))
        versions.append(Version(number, record.history_date, _person_name(record.history_user),
                                record.history_change_reason or "", KINDS.get(record.history_type, record.history_type),
                                changes))
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
