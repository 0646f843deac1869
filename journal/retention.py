"""What the journal adds to the end of a dossier's life (documents/hooks.py): its notes are contacts that
start the retention clock, and an anonymisation removes their texts (kinds, dates and authors kept)."""

from __future__ import annotations

from datetime import date

from django.db.models import Max

from admissions.models import Family
from journal.models import Note


def last_note_day(family: Family) -> date | None:
    written = Note.objects.filter(family=family, entered_in_error=False).aggregate(last=Max("written_at"))["last"]
    return written.date() if written else None


def notes_to_anonymise(family: Family) -> list[tuple]:
    return [(Note, Note.objects.filter(family=family), lambda note: {"text": "—"})]
