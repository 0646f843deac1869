"""The state of one demo build (random source, users, counts, running shares) and its small helpers."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from admissions.models import Adult, Stay

Weighted = Sequence[tuple[Any, float]]

COUNT_KEYS = (
    "User", "Organisation", "Facility", "EligibilityCriterion", "Membership", "ReferrerOrganisation",
    "Family", "Child", "Adult", "AdmissionRequest", "Stay", "PresencePeriod", "Diagnosis",
    "SynthesisMeeting", "Intervention", "Signalement", "Assessment", "Alert",
)


def pick(rng: random.Random, table: Weighted) -> Any:
    return rng.choices([value for value, _w in table], [weight for _v, weight in table])[0]


def in_days(n: int) -> timedelta:
    return timedelta(days=n)


@dataclass
class Context:
    rng: random.Random
    today: date
    users: dict[str, AbstractBaseUser]
    counts: dict[str, int]
    manual_criteria: dict[int, list[str]] = field(default_factory=dict)
    referrers: dict[tuple[str, str], Any] = field(default_factory=dict)
    sequences: dict[tuple[str, int], int] = field(default_factory=dict)
    open_alerts: int = 0  # alerts left unacknowledged on current stays
    # EPDS self-harm answers: expected so far (sum of their probabilities) and drawn, to keep the share steady.
    harm_expected: float = 0.0
    harm_drawn: int = 0
    # Bayley gain (scaled points) expected minus drawn so far: the entry-to-exit change stays modest but sure.
    gain_deficit: float = 0.0
    # (stay, mother, last EPDS date, its total) on current stays: where an open alert can be shown at the end.
    current_epds: list[tuple[Stay, Adult, date, int]] = field(default_factory=list)

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] += n


def between(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return last
    return first + in_days(rng.randint(0, (last - first).days))
