"""What an instrument declares: its score fields, subject, age range, prematurity rule and pure scoring.

An instrument is a module of this package exposing `INSTRUMENT`; adding one needs no migration
(scores are stored as a JSON object keyed by field code). Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

CHILD, ADULT = "child", "adult"
Number = int | float | Decimal


@dataclass(frozen=True)
class ScoreField:
    code: str
    fr: str
    en: str
    minimum: Number
    maximum: Number
    group: str = ""  # code of the group on the paper form (see Instrument.groups)
    decimals: int = 0  # 0: whole numbers only
    required: bool = False
    # For an item entered as the answer ticked on a questionnaire: the score of the 1st, 2nd, … answer in
    # the questionnaire's order (its keying, reverse-keyed items included). Empty: the score is typed.
    answer_scores: tuple[int, ...] = ()

    def __post_init__(self):
        if len(set(self.answer_scores)) != len(self.answer_scores):
            raise ValueError(f"{self.code}: each answer must have its own score, to show the ticked answer back")

    def label(self, lang: str = "fr") -> str:
        return self.en if lang.lower().startswith("en") else self.fr

    def score_of_answer(self, answer: int) -> int:
        """The item score of the `answer`-th answer (1 = first); ValueError when there is no such answer."""
        if not 1 <= answer <= len(self.answer_scores):
            raise ValueError(f"{self.code}: no answer {answer}")
        return self.answer_scores[answer - 1]

    def answer_of_score(self, score: Number) -> int | None:
        """The answer (1 = first) that gives `score`, None when no answer gives it."""
        return self.answer_scores.index(score) + 1 if score in self.answer_scores else None


@dataclass(frozen=True)
class Band:
    """A labelled interval [low, high] of a score, both ends included."""

    code: str
    low: Number
    high: Number
    fr: str
    en: str
    severity: int = 0  # 0 typical … 3 most concerning: used to shade charts and order alerts

    def label(self, lang: str = "fr") -> str:
        return self.en if lang.lower().startswith("en") else self.fr

    def contains(self, value: Number) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Flag:
    """A finding of the scoring that the team must see; `alert` ones stay until acknowledged."""

    code: str
    fr: str
    en: str
    alert: bool = False

    def label(self, lang: str = "fr") -> str:
        return self.en if lang.lower().startswith("en") else self.fr


@dataclass(frozen=True)
class Result:
    """What scoring gives: derived scores, the band of each banded score, flags and warnings."""

    derived: dict[str, Number] = field(default_factory=dict)
    bands: dict[str, str] = field(default_factory=dict)  # score code -> band code
    flags: list[Flag] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # French sentences shown to the assessor


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    subject: str  # CHILD or ADULT
    fields: tuple[ScoreField, ...]
    score: Callable[[Mapping[str, Number]], Result]
    groups: tuple[tuple[str, str, str], ...] = ()  # (code, fr, en) in the order of the paper form
    # Age range on the age used for the norms (corrected age when the correction applies), in days.
    min_age_days: int | None = None
    max_age_days: int | None = None
    corrects_for_prematurity: bool = False
    # Scores that have bands, with their bands (charts shade them; the entry-vs-exit table uses them).
    bands: Mapping[str, tuple[Band, ...]] = field(default_factory=dict)
    # Scores shown on the trajectory chart and in the entry-versus-exit table.
    trajectory: tuple[str, ...] = ()
    source: str = ""  # where the ranges, bands and rules come from: the citations, titles as published
    source_lang: str = "en"  # the language of those titles (the page marks the citation with it)
    # What the product takes from those sources (ranges, thresholds, keying), said to the reader in each language.
    note_fr: str = ""
    note_en: str = ""
    # Every flag the scoring may raise, so that a stored flag code is shown by its label.
    flags: tuple[Flag, ...] = ()
    # Labels of derived scores that are not score fields (code -> (fr, en)), e.g. a computed total.
    derived_names: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def field(self, code: str) -> ScoreField:
        for score_field in self.fields:
            if score_field.code == code:
                return score_field
        raise KeyError(code)

    def score_label(self, code: str, lang: str = "fr") -> str:
        """The label of a score field or a derived score; the code only for a score this instrument never had."""
        if code in self.derived_names:
            fr, en = self.derived_names[code]
            return en if lang.lower().startswith("en") else fr
        try:
            return self.field(code).label(lang)
        except KeyError:
            return code

    def flag_label(self, code: str, lang: str = "fr") -> str:
        for flag in self.flags:
            if flag.code == code:
                return flag.label(lang)
        return code

    def note(self, lang: str = "fr") -> str:
        """What is taken from the sources, in the reader's language."""
        return self.note_en if lang.lower().startswith("en") else self.note_fr

    def reference(self, lang: str = "fr") -> str:
        """The sources, then what is taken from them in the reader's language."""
        note = self.note(lang)
        return f"{self.source} — {note}" if note else self.source

    def scores_from_answers(self, answers: Mapping[str, int]) -> dict[str, int]:
        """Item scores of the items entered as the answer ticked (code -> 1 for the first answer)."""
        return {code: self.field(code).score_of_answer(answer) for code, answer in answers.items()}

    def answers_from_scores(self, scores: Mapping[str, Number | None]) -> dict[str, int]:
        """The answer ticked for each stored item score of the items entered so, to show an entry back."""
        answers = {}
        for score_field in self.fields:
            if score_field.answer_scores and scores.get(score_field.code) is not None:
                answer = score_field.answer_of_score(scores[score_field.code])
                if answer is not None:
                    answers[score_field.code] = answer
        return answers

    def validate(self, scores: Mapping[str, object]) -> dict[str, str]:
        """field code -> French error for every value out of range, not a number, or missing when required."""
        errors: dict[str, str] = {}
        for score_field in self.fields:
            value = scores.get(score_field.code)
            if value is None or value == "":
                if score_field.required:
                    errors[score_field.code] = "Ce score est obligatoire."
                continue
            if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                errors[score_field.code] = "Ce score doit être un nombre."
                continue
            # Compare as decimals written out, so that 0.1 typed equals the limit 0.1 declared.
            exact = Decimal(str(value))
            if score_field.decimals == 0 and exact != exact.to_integral_value():
                errors[score_field.code] = "Ce score doit être un nombre entier."
                continue
            if -exact.normalize().as_tuple().exponent > score_field.decimals:
                errors[score_field.code] = f"Au plus {score_field.decimals} décimale(s)."
                continue
            if not Decimal(str(score_field.minimum)) <= exact <= Decimal(str(score_field.maximum)):
                errors[score_field.code] = (
                    f"Hors limites : {_fmt(score_field.minimum)} à {_fmt(score_field.maximum)} "
                    f"pour « {score_field.fr} »."
                )
        unknown = set(scores) - {f.code for f in self.fields}
        for code in sorted(unknown):
            errors[code] = "Score inconnu pour cet instrument."
        return errors

    def band_of(self, score_code: str, value: Number | None) -> Band | None:
        if value is None:
            return None
        for band in self.bands.get(score_code, ()):
            if band.contains(value):
                return band
        return None

    def in_age_range(self, age_days: int) -> bool:
        if self.min_age_days is not None and age_days < self.min_age_days:
            return False
        return not (self.max_age_days is not None and age_days > self.max_age_days)


def _fmt(value: Number) -> str:
    return str(value).rstrip("0").rstrip(".") if isinstance(value, float | Decimal) else str(value)


def present(scores: Mapping[str, Number | None], codes: tuple[str, ...] | list[str]) -> list[Number]:
    """The values of `codes` that were entered."""
    return [scores[c] for c in codes if scores.get(c) is not None]
