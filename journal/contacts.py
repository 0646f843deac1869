"""Contacts without a dossier: the codes of who called and what came of it, and their count (pure).

The same count feeds the contacts page of a facility and the report's `contacts_without_file`
(DOMAIN.md, "Indicator codes"); no name, no free text is ever kept about the caller.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

PARENT, RELATIVE, PROFESSIONAL = "parent", "relative", "professional"
CALLERS = (PARENT, RELATIVE, PROFESSIONAL)
ADVICE, ORIENTED, REQUEST_OPENED = "advice", "oriented", "request_opened"
OUTCOMES = (ADVICE, ORIENTED, REQUEST_OPENED)


def tally(rows: Iterable[tuple[str, str]]) -> dict:
    """`{"n", "by_caller", "by_outcome"}` of (caller, outcome) pairs, every code present (0 when none)."""
    rows = list(rows)
    callers = Counter(caller for caller, _outcome in rows)
    outcomes = Counter(outcome for _caller, outcome in rows)
    return {"n": len(rows),
            "by_caller": {code: callers.get(code, 0) for code in CALLERS},
            "by_outcome": {code: outcomes.get(code, 0) for code in OUTCOMES}}
