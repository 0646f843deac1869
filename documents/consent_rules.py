"""When a family's consent for a scope holds on a day (pure: plain values, no ORM).

The rule (docs/security.md, "Consent"): at least one adult of the family has given it, valid on that day
(given on or before it, not expired), and no adult has refused or withdrawn it on or before that day. One
parent's refusal is enough to stop what the other agreed to: filming, sharing and research need both
parents' agreement when both speak. `documents.selectors.families_with_consent` is the same rule in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

GIVEN, REFUSED, WITHDRAWN = "given", "refused", "withdrawn"


@dataclass(frozen=True)
class Statement:
    """What one adult last said for the scope."""

    status: str
    decided_on: date
    valid_until: date | None = None


def is_valid_given(statement: Statement, on: date) -> bool:
    return (statement.status == GIVEN and statement.decided_on <= on
            and (statement.valid_until is None or statement.valid_until >= on))


def is_objection(statement: Statement, on: date) -> bool:
    return statement.status in (REFUSED, WITHDRAWN) and statement.decided_on <= on


def holds(statements: Iterable[Statement], on: date) -> bool:
    statements = list(statements)
    return (any(is_valid_given(s, on) for s in statements)
            and not any(is_objection(s, on) for s in statements))
