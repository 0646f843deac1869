"""Hostile text for exports: every control character and every Unicode space in front of a formula.

`is_inert` is the rule written independently of `unit.cells`: a text is inert in a spreadsheet when it
holds no control character (tab and line breaks aside) and, once every invisible character in front is
skipped, it does not start like a formula — unless it starts with the quote that spreadsheets read as
"text".
"""

from __future__ import annotations

import unicodedata

FORMULA_STARTS = "=+-@"
PAYLOAD = "cmd|'/C calc'!A0"
CONTROL_PREFIXES = [chr(code) for code in range(0x20)] + ["\x7f", "\x85", "\x9f"]
UNICODE_SPACES = [
    "\u00a0", "\u1680", *(chr(code) for code in range(0x2000, 0x200B)), "\u2028", "\u2029", "\u202f",
    "\u205f", "\u3000", "\ufeff", "\u200b", "\u2060", "\u180e",
]
PREFIXES = CONTROL_PREFIXES + UNICODE_SPACES + [" \x01\u00a0\t", "\u3000\ufeff\x1f"]


def every_hostile_text() -> list[str]:
    """Each prefix in front of each formula start: the pure tests try them all."""
    return [prefix + start + PAYLOAD for prefix in PREFIXES for start in FORMULA_STARTS]


def hostile_texts(payload: str = PAYLOAD) -> list[str]:
    """Each prefix once, the formula start turning round (the exports try these, one record each)."""
    return [prefix + FORMULA_STARTS[i % len(FORMULA_STARTS)] + payload for i, prefix in enumerate(PREFIXES)]


def _invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def is_inert(text: str) -> bool:
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text):
        return False
    if text.startswith("'"):
        return True
    visible = text.lstrip("".join(c for c in set(text) if _invisible(c)))
    return not visible.startswith(tuple(FORMULA_STARTS + "\uff1d\uff0b\uff0d\uff20"))


def storable(texts: list[str]) -> list[str]:
    """The texts the database can hold: PostgreSQL refuses NUL in text (the pure tests still try it)."""
    from django.db import connection

    return [text for text in texts if connection.vendor != "postgresql" or "\x00" not in text]
