"""The stay summary and the discharge letter: what a stay was, built from rows already loaded (no query here).

`journal.selectors.stay_summary` loads the stay with its relations, its care plan and the labels of the
diagnosis codes it uses in a fixed number of queries; this module turns them into plain values that the
HTML page and the PDF (journal/pdf.py) lay out. No journal note is read here: the summary is made of the
structured record (diagnoses, scores, goals, discharge), so a restricted note can never reach it.

The discharge letter is the same material cut for the services that take over (`letter_sections`): the
child's exit diagnoses, the latest band of each followed score, the goals' outcomes and the relay — not the
parents' own diagnoses and scales (their health data, shared only by them), the signalements, the meetings'
evaluations nor the detail of the scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessments import instruments
from journal.models import GoalDomain

TIMEPOINTS = ("entry", "during", "exit")


def number(value) -> str:
    """A score the French way: « 61,5 », never 61.5."""
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return str(value)


def _who(adult) -> str:
    return f"{adult.get_role_display()} ({adult.first_name})"


# ---------------------------------------------------------------- diagnoses


@dataclass(frozen=True)
class DiagnosisLine:
    code: str
    label: str
    classification: str
    primary: bool


@dataclass
class DiagnosisRow:
    """One person's diagnoses at each time point (entry, during, exit)."""

    subject: str
    child: bool
    by_timepoint: dict[str, list[DiagnosisLine]] = field(default_factory=lambda: {t: [] for t in TIMEPOINTS})


def diagnoses(stay, code_labels: Mapping[tuple[str, str], str]) -> list[DiagnosisRow]:
    """Per person (the child first, then each adult), the diagnoses at entry, during the stay and at exit,
    each code with its label (the label typed on the diagnosis, else the list's label of that code)."""
    rows: dict[tuple[int, int], DiagnosisRow] = {}
    for diagnosis in stay.diagnoses.all():
        if diagnosis.entered_in_error:
            continue
        if diagnosis.child_id:
            key, subject = (0, diagnosis.child_id), _("Enfant (%(name)s)") % {"name": diagnosis.child.first_name}
        else:
            key, subject = (1, diagnosis.adult_id), _who(diagnosis.adult)
        row = rows.setdefault(key, DiagnosisRow(subject=subject, child=bool(diagnosis.child_id)))
        label = diagnosis.label or code_labels.get((diagnosis.classification, diagnosis.code), "")
        line = DiagnosisLine(diagnosis.code, label, diagnosis.get_classification_display(), diagnosis.primary)
        row.by_timepoint.setdefault(diagnosis.timepoint, []).append(line)
    return [rows[key] for key in sorted(rows)]


# ---------------------------------------------------------------- assessments


@dataclass(frozen=True)
class ScoreRow:
    label: str
    entry: str
    entry_band: str
    exit: str
    exit_band: str
    change: str


@dataclass(frozen=True)
class AssessmentGroup:
    """One instrument for one person: the first and the last assessment of the stay, their key scores."""

    instrument: str
    subject: str
    child: bool
    entry_on: date
    exit_on: date | None
    count: int
    rows: tuple[ScoreRow, ...]
    flags: tuple[str, ...]  # the signals raised by the last assessment


def _score(instrument, values: Mapping, code: str, lang: str) -> tuple[str, str]:
    value = values.get(code)
    if value is None:
        return "—", ""
    band = instrument.band_of(code, value)
    return number(value), band.label(lang) if band else ""


def assessment_groups(assessments: Iterable) -> list[AssessmentGroup]:
    """Per instrument and person, the key scores (those its instrument follows over time) of the first
    assessment of the stay and of the last one, with their bands and the change."""
    lang = get_language() or "fr"
    by_key: dict[tuple, list] = {}
    for assessment in assessments:
        if assessment.entered_in_error:
            continue
        by_key.setdefault((assessment.adult_id is not None, assessment.adult_id or 0, assessment.instrument),
                          []).append(assessment)
    groups = []
    for key in sorted(by_key):
        rows = sorted(by_key[key], key=lambda a: (a.assessed_on, a.pk))
        first, last = rows[0], (rows[-1] if len(rows) > 1 else None)
        try:
            instrument = instruments.get(first.instrument)
        except KeyError:
            continue
        first_values = {**first.scores, **first.derived}
        last_values = {**last.scores, **last.derived} if last else {}
        scores = []
        for code in instrument.trajectory:
            if first_values.get(code) is None and last_values.get(code) is None:
                continue
            entry, entry_band = _score(instrument, first_values, code, lang)
            exit_, exit_band = _score(instrument, last_values, code, lang) if last else ("—", "")
            a, b = first_values.get(code), last_values.get(code)
            change = number(round(b - a, 2)) if a is not None and b is not None else ""
            if change and not change.startswith("-") and change != "0":
                change = "+" + change
            scores.append(ScoreRow(instrument.score_label(code, lang), entry, entry_band, exit_, exit_band,
                                   change.replace("-", "−")))
        latest = last or first
        groups.append(AssessmentGroup(
            instrument=instrument.name, subject=_who(first.adult) if first.adult_id else _("Enfant"),
            child=first.adult_id is None, entry_on=first.assessed_on, exit_on=last.assessed_on if last else None,
            count=len(rows), rows=tuple(scores),
            flags=tuple(instrument.flag_label(code, lang) for code in latest.flags)))
    return groups


# ---------------------------------------------------------------- care plan and relay


def goals_by_domain(goals: Iterable) -> list[tuple[str, list]]:
    """The care plan's goals under their domain's label, in the domains' order."""
    labels = dict(GoalDomain.choices)
    by_domain: dict[str, list] = {}
    for goal in goals:
        by_domain.setdefault(goal.domain, []).append(goal)
    return [(str(labels[code]), by_domain[code]) for code in GoalDomain.values if code in by_domain]


def relay(stay, goals: Iterable) -> dict:
    """Who takes over after the stay: where the child lives, the protection mandate that goes on, the goals
    of the domain « relais après la sortie » (their actions name the services) and the network meetings."""
    network_goals = [goal for goal in goals if goal.domain == GoalDomain.NETWORK]
    meetings = [i for i in stay.interventions.all() if not i.entered_in_error and i.kind == "network_meeting"]
    return {
        "residence_after": stay.get_residence_after_display() if stay.residence_after else "",
        "discharge_kind": stay.get_discharge_kind_display() if stay.discharge_kind else "",
        "mandate": stay.get_mandate_display() if stay.mandate and stay.mandate != "none" else "",
        "goals": network_goals,
        "network_meetings": [m.done_on for m in meetings],
    }


def interventions_by_kind(stay) -> list[tuple[str, int, int]]:
    """(kind, number, minutes) of the stay's interventions, most frequent first."""
    counts: dict[str, list] = {}
    for intervention in stay.interventions.all():
        if intervention.entered_in_error:
            continue
        entry = counts.setdefault(intervention.get_kind_display(), [0, 0])
        entry[0] += 1
        entry[1] += intervention.duration_min or 0
    return sorted(((kind, n, minutes) for kind, (n, minutes) in counts.items()), key=lambda r: (-r[1], r[0]))


def parents(stay) -> list[tuple[str, date, date | None]]:
    """Who was admitted with the child, from when to when."""
    return [(_who(p.adult), p.start, p.end) for p in stay.presence_periods.all() if not p.entered_in_error]


def length_of_stay(stay, today: date) -> int:
    return ((stay.discharged_on or today) - stay.admitted_on).days


# ---------------------------------------------------------------- the two documents


def summary_sections(stay, *, goals: list, meetings: list, code_labels: Mapping, today: date) -> dict:
    """Everything the stay summary shows (the team's document: every structured record of the stay)."""
    return {
        "parents": parents(stay),
        "length_days": length_of_stay(stay, today),
        "diagnoses": diagnoses(stay, code_labels),
        "assessments": assessment_groups(stay.assessments.all()),
        "goals_by_domain": goals_by_domain(goals),
        "meetings": meetings,
        "interventions": interventions_by_kind(stay),
        "signalements": [s for s in stay.signalements.all() if not s.entered_in_error],
        "relay": relay(stay, goals),
    }


def letter_sections(stay, *, goals: list, code_labels: Mapping, today: date) -> dict:
    """What the discharge letter tells the services taking over: the child's diagnoses at exit (at entry when
    none was recorded at exit), the child's followed scores at the last assessment with their band, the
    goals' outcomes and the relay. The parents' own diagnoses and scales, signalements and the meetings'
    evaluations stay in the unit (see the module's docstring)."""
    child_rows = [row for row in diagnoses(stay, code_labels) if row.child]
    child_diagnoses = []
    for row in child_rows:
        child_diagnoses.extend(row.by_timepoint.get("exit") or row.by_timepoint.get("entry") or [])
    child_scores = [group for group in assessment_groups(stay.assessments.all()) if group.child]
    return {
        "parents": parents(stay),
        "length_days": length_of_stay(stay, today),
        "child_diagnoses": child_diagnoses,
        "child_scores": child_scores,
        "goals_by_domain": goals_by_domain(goal for goal in goals if goal.domain != GoalDomain.NETWORK),
        "relay": relay(stay, goals),
    }
