"""The right of access (GDPR art. 15): everything recorded about one child or one adult, as a workbook.

The records are those about the person: their own, their family's, the requests and stays that
concern them and what was recorded during those stays. Diagnoses and assessments are only the
person's own: a child's export never discloses a parent's health data, and the other way round.
Every record comes with every one of its versions (who, when, why, which fields changed).

A facility answers for its own records only: the export holds the records of the facilities the
requester administers, and says, without naming them, that other facilities hold more.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from admissions.models import (
    AdmissionRequest,
    Adult,
    Child,
    Diagnosis,
    Intervention,
    PresencePeriod,
    Signalement,
    Stay,
    SynthesisMeeting,
)
from assessments.models import Alert, Assessment
from documents.models import Consent, Document
from journal.models import Confidentiality, Note
from unit import access
from unit.cells import safe_text
from unit.models import Facility
from unit.selectors import history_of

Person = Child | Adult
SUBJECT_MODELS: dict[str, type[models.Model]] = {"child": Child, "adult": Adult}


@dataclass(frozen=True)
class Section:
    """One sheet: a title and the records of one model."""

    title: str
    model: type[models.Model]
    records: list[models.Model]


@dataclass(frozen=True)
class SubjectAccess:
    """What one requester may hand over about one person."""

    person: Person
    sections: list[Section]
    facilities: list[Facility]  # the requester's facilities whose records are included
    others_hold_records: bool  # facilities outside the requester's administration hold records too


def _querysets(person: Person) -> list[tuple[str, type[models.Model], models.QuerySet]]:
    """Every record about `person` in every facility, one queryset per kind of record, in sheet order."""
    family = person.family
    if isinstance(person, Child):
        requests = AdmissionRequest.objects.filter(children=person)
        stays = Stay.objects.filter(child=person)
        presence = PresencePeriod.objects.filter(stay__in=stays)
        subject = Q(child=person)
    else:
        # Requests name children, not adults: an adult's requests are those of the family.
        requests = AdmissionRequest.objects.filter(family=family)
        stays = Stay.objects.filter(presence_periods__adult=person).distinct()
        presence = PresencePeriod.objects.filter(adult=person)
        subject = Q(adult=person)
    assessments = Assessment.objects.filter(subject)
    # Family-level records (no stay) concern every member of the family.
    of_stays = Q(stay__in=stays) | Q(stay__isnull=True, family=family)
    return [
        (_("Demandes"), AdmissionRequest, requests.order_by("received_on", "pk")),
        (_("Séjours"), Stay, stays.order_by("admitted_on", "pk")),
        (_("Présences"), PresencePeriod, presence.order_by("start", "pk")),
        (_("Diagnostics"), Diagnosis, Diagnosis.objects.filter(subject).order_by("made_on", "pk")),
        (_("Évaluations"), Assessment, assessments.order_by("assessed_on", "pk")),
        (_("Alertes"), Alert, Alert.objects.filter(assessment__in=assessments).order_by("created_at", "pk")),
        (_("Réunions"), SynthesisMeeting, SynthesisMeeting.objects.filter(stay__in=stays).order_by("held_on", "pk")),
        (_("Interventions"), Intervention, Intervention.objects.filter(of_stays).order_by("done_on", "pk")),
        (_("Signalements"), Signalement, Signalement.objects.filter(of_stays).order_by("made_on", "pk")),
        # The papers' descriptions (kind, title, dates, who filed them), not their contents: those are
        # handed over from the dossier's page, each download audited.
        (_("Documents"), Document, Document.objects.filter(of_stays).order_by("document_date", "pk")),
        # An adult's own consents; a child's data are governed by what the family's adults agreed to.
        (_("Consentements"), Consent, (Consent.objects.filter(adult=person) if isinstance(person, Adult)
                                       else Consent.objects.filter(family=family)).order_by("scope", "pk")),
        # Restricted notes (psychotherapy content) are read by their author and the therapists only: the
        # administrator who answers the request never reads them, so they never leave in this export.
        (_("Journal"), Note, Note.objects.filter(of_stays, confidentiality=Confidentiality.TEAM)
         .order_by("written_at", "pk")),
    ]


def subject_access_for(person: Person, facility_ids: set[int]) -> SubjectAccess:
    """The records about `person` held by the facilities `facility_ids` (those the requester administers).

    The person and the family dossier are shared by every facility that follows the family, so they
    are always included; every other record is included only when it belongs to one of those facilities.
    """
    family = person.family
    sections = [Section(str(_("Personne")), type(person), [person]),
                Section(str(_("Famille")), type(family), [family])]
    others = family.facility_id not in facility_ids
    for title, model, records in _querysets(person):
        inside = access.facility_q(model, facility_ids)
        sections.append(Section(str(title), model, list(records.filter(inside))))
        others = others or records.exclude(inside).exists()
    facilities = list(Facility.objects.filter(pk__in=facility_ids).order_by("name"))
    return SubjectAccess(person, sections, facilities, others)


def _columns(model: type[models.Model]) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def _cell(obj: models.Model, field: models.Field):
    """The value of `field` as a person reads it; text is made safe for a spreadsheet."""
    value = getattr(obj, field.attname)
    if value is None:
        return None
    if field.is_relation:
        related = field.related_model
        if related is Facility:
            return safe_text(str(getattr(obj, field.name)))
        if related is get_user_model():
            return safe_text(getattr(obj, field.name).get_username())
        return value  # the id of the related record, which has its own sheet
    if field.choices:
        return safe_text(str(dict(field.flatchoices).get(value, value)))
    if isinstance(field, models.JSONField):
        return safe_text(json.dumps(value, ensure_ascii=False, sort_keys=True))
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date | bool | int | float):
        return value
    return safe_text(str(value))


def _header(ws, titles: list[str]) -> None:
    ws.append([safe_text(str(title)) for title in titles])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]


OTHERS_HOLD_RECORDS = _lazy(
    "D'autres structures détiennent des données de cette personne : adressez-vous à elles.")


def subject_access_workbook(person: Person, facility_ids: set[int]) -> bytes:
    """The .xlsx workbook of what `facility_ids` recorded about `person`, current values and full history."""
    answer = subject_access_for(person, facility_ids)
    sections = answer.sections
    workbook = Workbook()
    workbook.remove(workbook.active)
    ws = workbook.create_sheet(_sheet_title(_("Périmètre")))
    _header(ws, [_("Périmètre de cet export")])
    ws.append([safe_text(_("Données enregistrées par : %(facilities)s") % {
        "facilities": ", ".join(facility.name for facility in answer.facilities)})])
    if answer.others_hold_records:
        ws.append([safe_text(str(OTHERS_HOLD_RECORDS))])
    for section in sections:
        ws = workbook.create_sheet(_sheet_title(section.title))
        columns = _columns(section.model)
        _header(ws, [field.verbose_name for field in columns])
        for obj in section.records:
            ws.append([_cell(obj, field) for field in columns])

    ws = workbook.create_sheet(_sheet_title(_("Historique")))
    _header(ws, [_("Type de dossier"), _("Identifiant"), _("Version"), _("Date"), _("Utilisateur"), _("Motif"),
                 _("Nature"), _("Champ"), _("Ancienne valeur"), _("Nouvelle valeur")])
    seen: set[tuple[str, object]] = set()
    for section in sections:
        for obj in section.records:
            key = (obj._meta.label_lower, obj.pk)
            if key in seen:
                continue
            seen.add(key)
            for version in reversed(history_of(obj=obj)):  # oldest first, as the record grew
                when = timezone.localtime(version.when).replace(tzinfo=None)
                head = [safe_text(str(obj._meta.verbose_name)), obj.pk, version.number, when,
                        safe_text(version.who), safe_text(version.why), safe_text(version.kind)]
                if not version.changes:
                    ws.append(head)
                for change in version.changes:
                    ws.append(head + [safe_text(change.field), safe_text(change.old), safe_text(change.new)])

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
