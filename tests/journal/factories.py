"""Small factories of the daily record: notes written through the service, as the product writes them."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from journal import services

WRITTEN_AT = timezone.make_aware(datetime(2025, 9, 15, 21, 30))  # noqa: DTZ001 - made aware at once


def note(*, author, stay=None, family=None, facility=None, kind: str = "observation", text: str = "Note d'équipe",
         confidentiality: str = "team", written_at: datetime = WRITTEN_AT):
    return services.note_write(user=author, stay=stay, family=family, facility=facility, kind=kind,
                               written_at=written_at, text=text, confidentiality=confidentiality)
