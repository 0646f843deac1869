"""Labels of reference-list codes in the active language, as administrators last edited them.

Codes and default labels come from `vocabularies`; the `ReferenceItem` table holds the edited
labels and the active flag. The table is read once per process and re-read after a minute or
when an item is saved, so a page never costs a query per label.
"""

from __future__ import annotations

import time

from django.db import DatabaseError
from django.utils.functional import lazy
from django.utils.translation import get_language

from unit import vocabularies

_TTL_SECONDS = 60
_cache: dict[str, object] = {"at": 0.0, "rows": None}


def forget() -> None:
    _cache["at"] = 0.0
    _cache["rows"] = None


def _rows() -> dict[tuple[str, str], tuple[str, str, bool]]:
    rows = _cache["rows"]
    if rows is not None and time.monotonic() - _cache["at"] < _TTL_SECONDS:
        return rows  # type: ignore[return-value]
    from unit.models import ReferenceItem  # noqa: PLC0415 - unit.models imports this module (a cycle)

    try:
        loaded = {
            (vocabulary, code): (fr, en, active)
            for vocabulary, code, fr, en, active in ReferenceItem.objects.values_list(
                "vocabulary", "code", "label_fr", "label_en", "active"
            )
        }
    except DatabaseError:
        loaded = {}  # before the first migration: the defaults of DOMAIN.md
    _cache["rows"] = loaded
    _cache["at"] = time.monotonic()
    return loaded


def _english(lang: str | None) -> bool:
    return (lang or get_language() or "fr").lower().startswith("en")


def label(vocabulary: str, code: str, lang: str | None = None) -> str:
    row = _rows().get((vocabulary, code))
    if row is None:
        return vocabularies.label(vocabulary, code, "en" if _english(lang) else "fr")
    return row[1] if _english(lang) else row[0]


lazy_label = lazy(label, str)


def model_choices(vocabulary: str) -> list[tuple[str, object]]:
    """Choices for a model field: every code, its label resolved when displayed."""
    return [(term.code, lazy_label(vocabulary, term.code)) for term in vocabularies.terms(vocabulary)]


def form_choices(vocabulary: str, *, blank: str | None = None) -> list[tuple[str, str]]:
    """Choices for a form: active codes only, labels in the active language, grouped when the list has groups."""
    rows = _rows()
    terms = [t for t in vocabularies.terms(vocabulary) if rows.get((vocabulary, t.code), (0, 0, True))[2]]
    groups = vocabularies.GROUPS.get(vocabulary)
    choices: list = [("", blank)] if blank is not None else []
    if not groups:
        return choices + [(t.code, label(vocabulary, t.code)) for t in terms]
    english = _english(None)
    for group_code, (fr, en) in groups.items():
        members = [(t.code, label(vocabulary, t.code)) for t in terms if t.group == group_code]
        if members:
            choices.append((en if english else fr, members))
    choices += [(t.code, label(vocabulary, t.code)) for t in terms if not t.group]
    return choices


# Abbreviated month names as the CLDR writes them (French: « janv. », « mai », « juil. »), the same as the
# charts' plotly locale (static/js/plotly-locale-fr.js) so that a table and its chart read alike.
_MONTHS_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(year: int, month: int, lang: str | None = None) -> str:
    """A month of a year as a reader writes it: « janv. 2025 » (French), "Jan 2025" (English)."""
    return f"{(_MONTHS_EN if _english(lang) else _MONTHS_FR)[month - 1]} {year}"
