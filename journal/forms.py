"""Forms of the daily record: fields and messages; writes stay in services."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from admissions.forms import DATE_WIDGET, ServiceForm, VersionedForm
from journal import contacts
from journal.models import (
    MAX_CONTACT_MINUTES,
    CallerKind,
    Confidentiality,
    ContactOutcome,
    GoalDomain,
    GoalStatus,
    NoteKind,
)
from journal.services import Participation, Review
from unit import fields
from unit.forms import SafeTextMixin
from unit.labels import form_choices

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class _WrittenAt(forms.Form):
    """Date and time typed apart (the browsers' pickers), one aware datetime for the service."""

    written_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET,
                                 error_messages={"invalid": _("Date invalide (format attendu : AAAA-MM-JJ).")})
    written_time = forms.TimeField(label=_("Heure"), widget=TIME_WIDGET)

    def written_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.cleaned_data["written_on"],
                                                    self.cleaned_data["written_time"]))


class NoteForm(ServiceForm, _WrittenAt):
    submit_label = _("Enregistrer la note")
    field_order = ["kind", "written_on", "written_time", "confidentiality", "text"]
    kind = forms.ChoiceField(label=_("Type de note"), choices=NoteKind.choices)
    confidentiality = forms.ChoiceField(
        label=_("Confidentialité"), choices=Confidentiality.choices, initial=Confidentiality.TEAM,
        help_text=_("Restreinte : lue seulement par vous et les thérapeutes de la structure."))
    text = forms.CharField(label=_("Texte"), widget=forms.Textarea(attrs={"rows": 10}))


class FamilyNoteForm(NoteForm):
    field_order = ["facility", *NoteForm.field_order]
    facility = fields.ModelChoiceField(label=_("Structure"), queryset=None)

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities


class NoteCorrectionForm(VersionedForm, _WrittenAt):
    submit_label = _("Enregistrer la correction")
    field_order = ["kind", "written_on", "written_time", "confidentiality", "text", "reason"]
    kind = forms.ChoiceField(label=_("Type de note"), choices=NoteKind.choices)
    confidentiality = forms.ChoiceField(label=_("Confidentialité"), choices=Confidentiality.choices)
    text = forms.CharField(label=_("Texte"), widget=forms.Textarea(attrs={"rows": 10}))
    reason = forms.CharField(label=_("Motif de la correction"), max_length=300,
                             help_text=_("La version précédente reste lisible dans l'historique."))


class NoteSearchForm(forms.Form):
    q = forms.CharField(label=_("Texte"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", "—"), *NoteKind.choices])
    since = forms.DateField(label=_("Du"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=_("Au"), required=False, widget=DATE_WIDGET)


class NoteTemplateForm(ServiceForm):
    facility = fields.ModelChoiceField(label=_("Structure"), queryset=None)
    kind = forms.ChoiceField(label=_("Type de note"), choices=NoteKind.choices)
    title = forms.CharField(label=_("Titre"), max_length=100)
    sections = forms.CharField(label=_("Rubriques (une par ligne)"), widget=forms.Textarea(attrs={"rows": 6}))
    active = forms.BooleanField(label=_("Proposé aux équipes"), required=False, initial=True)

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities


class TodaySettingsForm(ServiceForm):
    submit_label = _("Enregistrer les réglages")
    facility = fields.ModelChoiceField(label=_("Structure"), queryset=None)
    meeting_every_weeks = forms.IntegerField(
        label=_("Une réunion de synthèse toutes les (semaines)"), min_value=1, max_value=26,
        help_text=_("L'usage : toutes les 4 à 6 semaines de séjour."),
        error_messages={"min_value": _("Au moins une semaine."), "max_value": _("Au plus 26 semaines."),
                        "invalid": _("Un nombre entier de semaines.")})
    alert_overdue_days = forms.IntegerField(
        label=_("Une alerte est en retard après (jours sans prise en compte)"), min_value=1, max_value=90,
        error_messages={"min_value": _("Au moins un jour."), "max_value": _("Au plus 90 jours."),
                        "invalid": _("Un nombre entier de jours.")})

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities


PROMPT = _("— à choisir —")


class ContactForm(ServiceForm):
    """A contact without a dossier: codes only. No field takes a name or a free text, on purpose."""

    submit_label = _("Enregistrer le contact")
    facility = fields.ModelChoiceField(label=_("Structure"), queryset=None)
    contacted_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET,
                                   error_messages={"invalid": _("Date invalide (format attendu : AAAA-MM-JJ).")})
    caller = forms.ChoiceField(label=_("Qui appelle"), choices=[("", PROMPT), *CallerKind.choices])
    referrer_category = forms.ChoiceField(
        label=_("Catégorie du professionnel"), required=False,
        choices=lambda: form_choices("referrer_category", blank="—"),
        help_text=_("Seulement quand un professionnel du réseau appelle."))
    topic = forms.ChoiceField(label=_("Objet"), choices=lambda: form_choices("reason", blank=PROMPT))
    duration_min = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=1, max_value=MAX_CONTACT_MINUTES,
        error_messages={"min_value": _("Au moins une minute."),
                        "max_value": _("Au plus %(limit_value)s minutes."),
                        "invalid": _("Un nombre entier de minutes.")})
    outcome = forms.ChoiceField(label=_("Suite donnée"), choices=[("", PROMPT), *ContactOutcome.choices])

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities

    def clean(self):
        data = super().clean()
        if data.get("caller") == contacts.PROFESSIONAL and not data.get("referrer_category"):
            self.add_error("referrer_category", _("Indiquez la catégorie du professionnel qui appelle."))
        elif data.get("caller") and data.get("caller") != contacts.PROFESSIONAL:
            data["referrer_category"] = ""  # a category chosen before the caller changed is not kept
        return data


class ContactPeriodForm(forms.Form):
    start = forms.DateField(label=_("Du"), widget=DATE_WIDGET,
                            error_messages={"invalid": _("Date invalide (format attendu : AAAA-MM-JJ).")})
    end = forms.DateField(label=_("Au"), widget=DATE_WIDGET,
                          error_messages={"invalid": _("Date invalide (format attendu : AAAA-MM-JJ).")})

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("La période commence après sa fin."))
        return data


# ---------------------------------------------------------------- care plan

NEW_GOAL_ROWS = 2


class GoalForm(ServiceForm):
    submit_label = _("Enregistrer l'objectif")
    domain = forms.ChoiceField(label=_("Domaine"), choices=GoalDomain.choices)
    title = forms.CharField(label=_("Objectif"), max_length=300)
    actions = forms.CharField(label=_("Actions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    responsible = fields.ModelChoiceField(label=_("Professionnel responsable"), queryset=None, required=False)
    target_on = forms.DateField(label=_("Échéance"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = staff


class GoalEditForm(GoalForm, VersionedForm):
    submit_label = _("Enregistrer")
    reason = forms.CharField(label=_("Motif de la modification"), max_length=300)


class MeetingReviewForm(SafeTextMixin, forms.Form):
    """One synthesis meeting's review of the plan: each open goal, the parents, new goals (rows left empty
    are ignored)."""

    def __init__(self, *args, goals, parents, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals, self.parents = list(goals), list(parents)
        for goal in self.goals:
            self.fields[f"status_{goal.pk}"] = forms.ChoiceField(label=_("Statut"), choices=GoalStatus.choices,
                                                                 initial=goal.status)
            self.fields[f"evaluation_{goal.pk}"] = forms.CharField(
                label=_("Évaluation"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
        for adult in self.parents:
            self.fields[f"present_{adult.pk}"] = forms.BooleanField(label=_("Présent"), required=False)
            self.fields[f"agreed_{adult.pk}"] = forms.BooleanField(label=_("D'accord"), required=False)
            self.fields[f"comments_{adult.pk}"] = forms.CharField(label=_("Commentaires"), required=False)
        for n in range(NEW_GOAL_ROWS):
            self.fields[f"new{n}_domain"] = forms.ChoiceField(label=_("Domaine"), required=False,
                                                              choices=[("", "—"), *GoalDomain.choices])
            self.fields[f"new{n}_title"] = forms.CharField(label=_("Objectif"), required=False, max_length=300)
            self.fields[f"new{n}_actions"] = forms.CharField(label=_("Actions"), required=False)
            self.fields[f"new{n}_responsible"] = fields.ModelChoiceField(label=_("Responsable"), queryset=staff,
                                                                         required=False)
            self.fields[f"new{n}_target_on"] = forms.DateField(label=_("Échéance"), required=False,
                                                               widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        for n in range(NEW_GOAL_ROWS):
            if data.get(f"new{n}_title") and not data.get(f"new{n}_domain"):
                self.add_error(f"new{n}_domain", _("Choisissez le domaine du nouvel objectif."))
        return data

    def rows(self):
        return {
            "goals": [(goal, self[f"status_{goal.pk}"], self[f"evaluation_{goal.pk}"]) for goal in self.goals],
            "parents": [(adult, self[f"present_{adult.pk}"], self[f"agreed_{adult.pk}"],
                         self[f"comments_{adult.pk}"]) for adult in self.parents],
            "new": [[self[f"new{n}_{name}"] for name in ("domain", "title", "actions", "responsible", "target_on")]
                    for n in range(NEW_GOAL_ROWS)],
        }

    def reviews(self) -> dict[int, Review]:
        d = self.cleaned_data
        return {goal.pk: Review(d[f"status_{goal.pk}"], d[f"evaluation_{goal.pk}"]) for goal in self.goals}

    def participation(self) -> list[Participation]:
        d = self.cleaned_data
        return [Participation(adult, d[f"present_{adult.pk}"], d[f"agreed_{adult.pk}"], d[f"comments_{adult.pk}"])
                for adult in self.parents]

    def new_goals(self) -> list[dict]:
        d = self.cleaned_data
        return [{name: d[f"new{n}_{name}"] for name in ("domain", "title", "actions", "responsible", "target_on")}
                for n in range(NEW_GOAL_ROWS) if d.get(f"new{n}_title")]
