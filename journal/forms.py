"""Forms of the daily record: fields and messages; writes stay in services."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from admissions.forms import DATE_WIDGET, ServiceForm, VersionedForm
from journal.models import Confidentiality, NoteKind
from unit import fields

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
