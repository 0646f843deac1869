"""Writes that leave a trace: every clinical save records who, when and why."""

from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from unit import access
from unit.registry import registry

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


# ---------------------------------------------------------------- entered in error
# Any model registered with `unit.registry.registry.entered_in_error` (its `entered_in_error` field):
# who may mark or restore a record is decided by the history page's views (unit/views.py).


@transaction.atomic
def record_mark_in_error(*, user: AbstractBaseUser | None, obj: M, reason: str) -> M:
    """A record entered in error stays in the history and drops out of lists and reports.

    A dossier several facilities hold is hidden only by someone with the rights in each of them: a
    facility never hides what another one holds (no user: the product itself, e.g. an import's undo)."""
    if user is not None:
        permission = registry.error_permission(obj._meta.label_lower)
        if permission is None or not access.can_reach(user, obj, permission):
            raise PermissionDenied
        if not access.can_act_in_every_holder(user, obj, permission):
            raise ValidationError(_("D'autres structures suivent aussi ce dossier : seul un utilisateur ayant les "
                                    "droits dans chacune d'elles peut le marquer « saisi par erreur »."))
    if not reason or not reason.strip():
        raise ValidationError(_("Indiquez pourquoi cette saisie est une erreur."))
    obj.entered_in_error = True
    return record_save(obj, user=user, reason=reason)


def may_restore(user: AbstractBaseUser, obj: models.Model) -> bool:
    """An administrator of a facility that holds the record: the facility a partner hid it from gets it back."""
    return (registry.error_permission(obj._meta.label_lower) is not None
            and access.can_reach(user, obj, access.ADMINISTER))


@transaction.atomic
def record_restore(*, user: AbstractBaseUser | None, obj: M, reason: str) -> M:
    """Undo « entered in error »: the record is back in lists and reports, with a version saying who and why."""
    if user is not None and not may_restore(user, obj):
        raise PermissionDenied
    if not reason or not reason.strip():
        raise ValidationError(_("Indiquez pourquoi cette saisie est rétablie."))
    if not obj.entered_in_error:
        raise ValidationError(_("Cette saisie n'est pas marquée « saisie par erreur »."))
    obj.entered_in_error = False
    return record_save(obj, user=user, reason=_("Saisie rétablie : %(reason)s") % {"reason": reason.strip()})
