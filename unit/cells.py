"""Text from users written into spreadsheets and CSV files never becomes a formula."""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_text(value):
    """Strip control characters; text that a spreadsheet would read as a formula is quoted with '."""
    if not isinstance(value, str):
        return value
    if value.isprintable() and not value.startswith(FORMULA_START):
        return value  # the usual case, decided without the regular expression
    if value.startswith(FORMULA_START):
        value = "'" + value
    return CONTROL.sub("", value)
