"""Every write of the daily record: atomic, validated, with history user and reason."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from admissions.models import Family, Stay
from journal.models import Note, NoteTemplate
from unit import access
from unit.history import record_save
from unit.models import Facility

User = AbstractBaseUser

# A note may be written a few minutes "ahead" when clocks differ; beyond that it is a typing error.
FUTURE_TOLERANCE = timedelta(minutes=5)


def _not_in_future(written_at: datetime) -> None:
    if written_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"written_at": _("Une note ne peut pas être datée dans le futur.")})


def _within_stay(stay: Stay | None, written_at: datetime) -> None:
    if stay is None:
        return
    day = timezone.localtime(written_at).date() if timezone.is_aware(written_at) else written_at.date()
    if day < stay.admitted_on:
        raise ValidationError({"written_at": _("Une note du séjour ne peut précéder l'admission.")})


@transaction.atomic
def note_write(*, user: User, kind: str, written_at: datetime, text: str, confidentiality: str,
               stay: Stay | None = None, family: Family | None = None, facility: Facility | None = None,
               reason: str = "Note du journal") -> Note:
    """A new note about a stay (its family and facility follow) or about a family in one facility."""
    if stay is not None:
        family, facility = stay.child.family, stay.facility
    if family is None or facility is None:
        raise ValidationError(_("Une note concerne un séjour, ou une famille dans une structure."))
    _not_in_future(written_at)
    _within_stay(stay, written_at)
    note = Note(facility=facility, family=family, stay=stay, kind=kind, written_at=written_at, author=user,
                text=text.strip(), confidentiality=confidentiality)
    return record_save(note, user=user, reason=reason)


CORRECTABLE = ("kind", "written_at", "text", "confidentiality")


@transaction.atomic
def note_correct(*, user: User, note: Note, expected_version: int, reason: str, **changes: object) -> Note:
    """A correction is a new version, by the note's author, with its reason; the earlier text stays in the history."""
    if note.author_id != user.pk:
        raise PermissionDenied
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de la correction.")})
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValueError(f"Not correctable: {sorted(unknown)}")
    if "text" in changes:
        changes["text"] = str(changes["text"]).strip()
    changed = {name: value for name, value in changes.items() if getattr(note, name) != value}
    if not changed:
        raise ValidationError(_("Rien n'a changé : la note reste telle quelle."))
    if "written_at" in changed:
        _not_in_future(changed["written_at"])
        _within_stay(note.stay, changed["written_at"])
    for name, value in changed.items():
        setattr(note, name, value)
    return record_save(note, user=user, reason=_("Correction : %(reason)s") % {"reason": reason.strip()},
                       expected_version=expected_version)


@transaction.atomic
def note_template_save(*, user: User | None, facility: Facility, kind: str, title: str, sections: str,
                       active: bool = True, template: NoteTemplate | None = None,
                       reason: str = "Modèle de note") -> NoteTemplate:
    """An administrator of the facility chooses its templates (`administer` there)."""
    if user is not None and not access.has_permission(user, access.ADMINISTER, facility):
        raise PermissionDenied
    template = template or NoteTemplate(facility=facility)
    if template.pk and template.facility_id != facility.pk:
        raise PermissionDenied
    template.kind, template.title, template.active = kind, title.strip(), active
    template.sections = "\n".join(line.strip() for line in sections.splitlines() if line.strip())
    if not template.sections:
        raise ValidationError({"sections": _("Un modèle a au moins une rubrique.")})
    return record_save(template, user=user, reason=reason)
