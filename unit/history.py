"""Writes that leave a trace: every clinical save records who, when and why."""

from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


class ConflictError(ValidationError):
    """The record changed since the user read it; saving would overwrite someone's work."""

    def __init__(self, current: models.Model, expected_version: int):
        self.current = current
        self.expected_version = expected_version
        super().__init__(
            _(
                "Ce dossier a été modifié par quelqu'un d'autre pendant votre saisie "
                "(version %(expected)s lue, version %(current)s enregistrée). "
                "Vérifiez les valeurs actuelles avant d'enregistrer à nouveau."
            ) % {"expected": expected_version, "current": current.version},
            code="conflict",
        )


def record_save(
    obj: M,
    *,
    user: AbstractBaseUser | None,
    reason: str,
    expected_version: int | None = None,
    exclude_validation: list[str] | None = None,
) -> M:
    """Validate and save `obj` with its history user and reason; call inside a transaction.

    With `expected_version`, the row is locked and the save refused (ConflictError) when someone
    saved a newer version since it was read: no update is ever lost.
    """
    if not reason or not reason.strip():
        raise ValueError("A history reason is required for every clinical change.")
    if obj.pk is not None and hasattr(obj, "version"):
        current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        if expected_version is not None and current.version != expected_version:
            raise ConflictError(current, expected_version)
        obj.version = current.version + 1
    obj.full_clean(exclude=exclude_validation)
    obj._history_user = user
    obj._change_reason = reason.strip()
    obj.save()
    return obj
