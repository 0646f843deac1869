"""One timeline of a stay, or of a family across its stays: what happened, in date order, from every record
of it (plain values out).

The events are built from rows already loaded (`journal.selectors.chronology`, `family_chronology`): no query
here. Each event has a kind among `KINDS`, the filter of the page; a family's events also say which stay
they belong to (`context`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from assessments import instruments

KINDS: dict[str, object] = {
    "stay": gettext_lazy("Admission et sortie"),
    "decision": gettext_lazy("Demande et décision"),
    "presence": gettext_lazy("Présence des parents"),
    "diagnosis": gettext_lazy("Diagnostics"),
    "assessment": gettext_lazy("Évaluations"),
    "alert": gettext_lazy("Alertes"),
    "meeting": gettext_lazy("Réunions de synthèse"),
    "intervention": gettext_lazy("Interventions"),
    "signalement": gettext_lazy("Signalements"),
    "note": gettext_lazy("Notes du journal"),
    "document": gettext_lazy("Documents"),
}
# Within a day: the stay opens first and closes last; notes keep their time.
_ORDER = {"decision": 0, "stay": 1, "presence": 2, "diagnosis": 3, "assessment": 4, "alert": 5, "meeting": 6,
          "intervention": 6, "signalement": 6, "document": 6, "note": 7}


@dataclass(frozen=True)
class Event:
    day: date
    kind: str
    title: str
    detail: str = ""
    at: datetime | None = None  # the time of a note
    url: str = ""
    badge: str = ""  # "restricted", "warning", "closing"…
    context: str = ""  # on a family's timeline: the stay (child, facility, admission) or the family

    @property
    def sort_key(self):
        closing = self.kind == "stay" and self.badge == "closing"
        return (self.day, 9 if closing else _ORDER[self.kind], (self.at.hour, self.at.minute) if self.at else (0, 0))


def key_scores(assessment) -> str:
    """The assessment's key scores (those its instrument follows over time) with their bands."""
    try:
        instrument = instruments.get(assessment.instrument)
    except KeyError:
        return ""
    lang = get_language() or "fr"
    values = {**assessment.scores, **assessment.derived}
    parts = []
    for code in instrument.trajectory:
        value = values.get(code)
        if value is None:
            continue
        band = instrument.band_of(code, value)
        parts.append(f"{instrument.score_label(code, lang)} {value}" + (f" ({band.label(lang)})" if band else ""))
    return " · ".join(parts)


def _who(adult) -> str:
    return f"{adult.get_role_display()} ({adult.first_name})"


def events_of_stay(stay, *, alerts=(), notes=()) -> list[Event]:
    """Every event of the stay, in date order; `stay` comes with its relations prefetched (its documents too)."""
    events: list[Event] = []
    if stay.request is not None:
        events.extend(_request_events(stay.request, ""))
    events.append(Event(stay.admitted_on, "stay", _("Admission"), stay.get_residence_before_display()))
    for period in stay.presence_periods.all():
        events.append(Event(period.start, "presence", _("Arrivée : %(who)s") % {"who": _who(period.adult)}))
        if period.end:
            events.append(Event(period.end, "presence", _("Départ : %(who)s") % {"who": _who(period.adult)}))
    for diagnosis in stay.diagnoses.all():
        if diagnosis.entered_in_error:
            continue
        subject = _("enfant") if diagnosis.child_id else diagnosis.adult.get_role_display()
        day = diagnosis.made_on or (stay.discharged_on if diagnosis.timepoint == "exit" else stay.admitted_on)
        events.append(Event(day or stay.admitted_on, "diagnosis",
                            _("Diagnostic (%(when)s, %(who)s)") % {"when": diagnosis.get_timepoint_display(),
                                                                   "who": subject},
                            f"{diagnosis.code} {diagnosis.label}".strip(),
                            badge="primary" if diagnosis.primary else ""))
    for assessment in stay.assessments.all():
        subject = _who(assessment.adult) if assessment.adult_id else _("enfant")
        events.append(Event(assessment.assessed_on, "assessment",
                            _("Évaluation %(instrument)s (%(who)s)") % {"instrument": assessment.instrument_name,
                                                                         "who": subject},
                            key_scores(assessment), url=reverse("assessments:assessment_detail",
                                                                args=[assessment.pk]),
                            badge="warning" if assessment.flags else ""))
    for alert in alerts:
        state = (_("prise en compte le %(day)s") % {"day": timezone.localtime(alert.acknowledged_at)
                                                     .strftime("%d/%m/%Y")} if alert.acknowledged_at
                 else _("non prise en compte"))
        events.append(Event(timezone.localtime(alert.created_at).date(), "alert",
                            _("Alerte : %(code)s") % {"code": alert.label}, state,
                            badge="" if alert.acknowledged_at else "warning"))
    for meeting in stay.meetings.all():
        if not meeting.entered_in_error:
            events.append(Event(meeting.held_on, "meeting", _("Réunion de synthèse"),
                                " — ".join(t for t in (meeting.participants, meeting.evaluation) if t)))
    for intervention in stay.interventions.all():
        if not intervention.entered_in_error:
            minutes = f" ({intervention.duration_min} min)" if intervention.duration_min else ""
            events.append(Event(intervention.done_on, "intervention",
                                _("Intervention : %(kind)s") % {"kind": intervention.get_kind_display()} + minutes))
    for signalement in stay.signalements.all():
        if not signalement.entered_in_error:
            events.append(Event(signalement.made_on, "signalement", _("Signalement"), signalement.addressee,
                                badge="warning"))
    events.extend(_note_event(note) for note in notes)
    events.extend(_document_event(document) for document in stay.documents.all())
    if stay.discharged_on:
        events.append(Event(stay.discharged_on, "stay", _("Sortie"),
                            f"{stay.get_discharge_kind_display()} · {stay.get_residence_after_display()}",
                            badge="closing"))
    return sorted(events, key=lambda e: e.sort_key)


def _note_event(note, context: str = "") -> Event:
    local = timezone.localtime(note.written_at)
    return Event(local.date(), "note", note.get_kind_display(), note.text, at=local.replace(tzinfo=None),
                 badge=note.confidentiality if note.confidentiality == "restricted" else "", context=context)


def _document_event(document, context: str = "") -> Event:
    return Event(document.document_date, "document", _("Document : %(kind)s") % {"kind": document.get_kind_display()},
                 document.title, url=reverse("documents:download", args=[document.pk]), context=context)


def _request_events(request, context: str) -> list[Event]:
    events = [Event(request.received_on, "decision", _("Demande reçue"),
                    f"{request.get_referrer_category_display()} · {request.get_reason_display()}",
                    url=reverse("admissions:request_detail", args=[request.pk]), context=context)]
    if request.decided_on:
        events.append(Event(request.decided_on, "decision", _("Décision : %(d)s") % {
            "d": request.get_decision_display()}, request.get_refusal_reason_display() or "", context=context))
    return events


def stay_context(stay) -> str:
    return f"{stay.child.first_name} · {stay.facility.name} · {stay.admitted_on:%d/%m/%Y}"


def events_of_family(family, *, stays, requests=(), alerts=(), notes=(), documents=()) -> list[Event]:
    """Every event of the family, in date order: each stay's timeline (its notes, alerts and documents among
    them), the requests that led to no stay the reader sees, and the notes and documents of the family as a
    whole. Rows come loaded and already scoped to the reader (restricted notes only for their readers)."""
    family_context = _("Famille %(reference)s") % {"reference": family.reference}
    events: list[Event] = []
    stay_requests = set()
    for stay in stays:
        context = stay_context(stay)
        stay_requests.add(stay.request_id)
        stay_events = events_of_stay(stay, alerts=[a for a in alerts if a.assessment.stay_id == stay.pk],
                                     notes=[n for n in notes if n.stay_id == stay.pk])
        events.extend(replace(event, context=context) for event in stay_events)
    for request in requests:
        if request.pk not in stay_requests:
            events.extend(_request_events(request, f"{family_context} · {request.facility.name}"))
    events.extend(_note_event(note, family_context) for note in notes if note.stay_id is None)
    events.extend(_document_event(document, family_context) for document in documents if document.stay_id is None)
    return sorted(events, key=lambda e: e.sort_key)


def chosen_kinds(values: list[str]) -> list[str]:
    """The kinds a filter asks for (all when none, unknown ones ignored)."""
    chosen = [kind for kind in KINDS if kind in values]
    return chosen or list(KINDS)
