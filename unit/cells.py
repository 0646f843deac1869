"""Text from users written into spreadsheets and CSV files never becomes a formula.

The order matters: the text is normalised first (control characters removed), then its first
visible character is looked at, skipping every kind of Unicode space and invisible format character
(no-break space, ideographic space, U+2000…U+200A, byte-order mark…). Checking before normalising
let "\\x01=cmd|…" through: Excel drops the control character and runs the formula.
"""

import re
import unicodedata

# What a spreadsheet reads as the start of a formula (OWASP "CSV injection"), with the full-width forms.
FORMULA_CHARS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# Tab and line breaks are text (a multi-line note) but a cell that starts with one is quoted as well.
BREAK_START = ("\t", "\r", "\n")
# C0 and C1 control characters and DEL, but tab and line breaks; openpyxl refuses most of them anyway.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
QUOTE = "'"


def without_control_characters(value: str) -> str:
    return CONTROL.sub("", value)


def _invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cf", "Zs", "Zl", "Zp")


def first_visible(value: str) -> str:
    """The first character a reader sees, or "" when there is none."""
    for char in value:
        if not _invisible(char):
            return char
    return ""


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet could read `value` (already without control characters) as a formula."""
    return first_visible(value) in FORMULA_CHARS or value.startswith(BREAK_START)


def safe_text(value):
    """Control characters removed, then text that a spreadsheet would read as a formula quoted with '."""
    if not isinstance(value, str):
        return value
    if value.isprintable() and value[:1] not in FORMULA_CHARS and value[:1] != " ":
        return value  # the usual case: no control or invisible character, a visible first character
    value = without_control_characters(value)
    return QUOTE + value if looks_like_formula(value) else value


def trimmed(value: str) -> str:
    """`value` without the spaces and invisible characters at either end (str.strip keeps U+FEFF, U+200B…)."""
    start, end = 0, len(value)
    while start < end and _invisible(value[start]):
        start += 1
    while end > start and _invisible(value[end - 1]):
        end -= 1
    return value[start:end]


def starts_a_formula(value: str) -> bool:
    """What a spreadsheet runs: "=" as the first visible character (the import refuses it)."""
    return first_visible(value) in ("=", "\uff1d")
