"""Who reads a journal note: the rule of a restricted note, once, as a pure function and in SQL.

A `team` note is read by everyone who reads the facility's records; a `restricted` note (psychotherapy
content) only by its author and by the therapists of its facility (`unit.access.READ_RESTRICTED`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

TEAM = "team"
RESTRICTED = "restricted"


def may_read(*, confidentiality: str, author_id: int | None, facility_id: int, user_id: int | None,
             restricted_facility_ids: Iterable[int]) -> bool:
    """Whether a reader of the note's facility may read this note too."""
    if confidentiality == TEAM:
        return True
    return (user_id is not None and author_id == user_id) or facility_id in set(restricted_facility_ids)


def readable_q(*, user_id: int | None, restricted_facility_ids: Iterable[int], prefix: str = "") -> Q:
    """`may_read` in SQL, over notes already restricted to the reader's facilities."""
    readable = Q(**{f"{prefix}confidentiality": TEAM}) | Q(
        **{f"{prefix}facility_id__in": list(restricted_facility_ids)})
    if user_id is not None:
        readable |= Q(**{f"{prefix}author_id": user_id})
    return readable
