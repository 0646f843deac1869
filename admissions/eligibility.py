"""Eligibility of a request against a facility's profile: pure rules over plain values.

Each criterion is worded as a condition to satisfy (exclusions as "no ..."), so an answer of
`not_met` always makes the request not eligible and `unknown` makes it incomplete. Age rules
are computed from the birth date (or the due date) at the planned admission date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from unit.ages import age_in_months, age_in_years, pregnancy_weeks_on

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
ELIGIBLE, NOT_ELIGIBLE, INCOMPLETE = "eligible", "not_eligible", "incomplete"
COMPUTED_RULES = {"child_age_months", "pregnancy_or_child", "age_years"}


@dataclass(frozen=True)
class Criterion:
    code: str
    role: str
    rule: str = "manual"
    params: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""


@dataclass(frozen=True)
class Verdict:
    verdict: str
    answers: dict[str, str]
    failing: list[str]
    missing: list[str]
    computed: dict[str, str]  # criterion code -> why the computed answer is what it is

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "answers": self.answers,
            "failing": self.failing,
            "missing": self.missing,
            "computed": self.computed,
        }


def evaluate(
    criteria: Iterable[Criterion],
    answers: Mapping[str, str],
    *,
    birth_dates: Iterable[date | None] = (),
    due_date: date | None = None,
    on: date | None,
) -> Verdict:
    """Verdict of a request: not eligible if any criterion fails, else incomplete if any is unknown."""
    births = [b for b in birth_dates if b is not None]
    final: dict[str, str] = {}
    computed: dict[str, str] = {}
    for criterion in criteria:
        if criterion.rule in COMPUTED_RULES:
            answer, why = _computed_answer(criterion, births, due_date, on)
            computed[criterion.code] = why
        else:
            answer = answers.get(criterion.code, UNKNOWN)
            if answer not in (MET, NOT_MET, UNKNOWN):
                answer = UNKNOWN
        final[criterion.code] = answer
    failing = [code for code, answer in final.items() if answer == NOT_MET]
    missing = [code for code, answer in final.items() if answer == UNKNOWN]
    if failing:
        verdict = NOT_ELIGIBLE
    elif missing:
        verdict = INCOMPLETE
    else:
        verdict = ELIGIBLE
    return Verdict(verdict, final, failing, missing, computed)


def _computed_answer(
    criterion: Criterion, births: list[date], due_date: date | None, on: date | None
) -> tuple[str, str]:
    if on is None:
        return UNKNOWN, "no_admission_date"
    params = criterion.params
    if criterion.rule == "child_age_months":
        if not births:
            return UNKNOWN, "no_birth_date"
        return _all_children_within(births, on, params.get("min_months", 0), params["max_months"],
                                    params.get("max_inclusive", False))
    if criterion.rule == "age_years":
        if not births:
            return UNKNOWN, "no_birth_date"
        ages = [age_in_years(b, on) for b in births]
        ok = all(0 <= a < params["max_years"] for a in ages)
        return (MET if ok else NOT_MET), "age_years:" + ",".join(str(a) for a in ages)
    if criterion.rule == "pregnancy_or_child":
        if births:
            return _all_children_within(births, on, 0, params["max_months"], False)
        if due_date is not None:
            weeks = pregnancy_weeks_on(due_date, on)
            ok = params.get("min_pregnancy_weeks", 0) <= weeks <= 44
            return (MET if ok else NOT_MET), f"pregnancy_weeks:{weeks}"
        return UNKNOWN, "no_birth_or_due_date"
    raise ValueError(f"unknown computed rule {criterion.rule}")


def _all_children_within(
    births: list[date], on: date, min_months: int, max_months: int, max_inclusive: bool
) -> tuple[str, str]:
    ages = [age_in_months(b, on) for b in births]
    within = all(
        min_months <= a and (a <= max_months if max_inclusive else a < max_months) for a in ages
    )
    return (MET if within else NOT_MET), "age_months:" + ",".join(str(a) for a in ages)


def explain(why: str | None) -> str:
    """Say in words how a computed criterion got its answer."""
    if not why:
        return _("pas encore vérifié")
    kind, _sep, values = why.partition(":")
    if kind == "age_months":
        return _("âge à l'admission : %(v)s mois") % {"v": values}
    if kind == "age_years":
        return _("âge à l'admission : %(v)s ans") % {"v": values}
    if kind == "pregnancy_weeks":
        return _("grossesse de %(v)s semaines à l'admission") % {"v": values}
    return {"no_birth_date": _("date de naissance manquante"),
            "no_birth_or_due_date": _("ni date de naissance ni date prévue d'accouchement"),
            "no_admission_date": _("date d'admission envisagée manquante")}.get(kind, why)
