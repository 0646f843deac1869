"""Entry forms built from an instrument's declaration, grouped like the paper form."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from admissions.forms import DATE_WIDGET, _date
from assessments.instruments.base import ADULT, Instrument
from unit import fields
from unit.forms import SafeTextMixin
from unit.models import Membership


class AssessmentForm(SafeTextMixin, forms.Form):
    """Scores are typed as read on the sheet; ranges are checked by the instrument, in French."""

    assessed_on = _date(_("Date de passation"))
    assessor = fields.ModelChoiceField(label=_("Évaluateur"), queryset=None)
    notes = forms.CharField(label=_("Remarques"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm_out_of_age_range = forms.BooleanField(
        label=_("Je confirme la passation hors de la tranche d'âge de l'instrument"), required=False)

    def __init__(self, *args, instrument: Instrument, stay, adults=None, versioned: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        lang = get_language() or "fr"
        self.fields["assessed_on"].widget = DATE_WIDGET
        # The assessor is a therapist of the facility (or the user entering the scores).
        staff = Membership.objects.filter(facility_id=stay.facility_id, role=Membership.Role.THERAPIST,
                                          active=True).values("user_id")
        self.fields["assessor"].queryset = get_user_model().objects.filter(pk__in=staff).order_by("username")
        if instrument.subject == ADULT and not versioned:
            # The parent is chosen at entry; a correction keeps the same subject.
            self.fields["adult"] = fields.ModelChoiceField(label=_("Parent évalué"), queryset=adults)
        if versioned:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        for score in instrument.fields:
            step = "1" if score.decimals == 0 else str(10 ** -score.decimals)
            self.fields[f"s_{score.code}"] = forms.DecimalField(
                label=score.label(lang), required=False,
                widget=forms.NumberInput(attrs={"min": score.minimum, "max": score.maximum, "step": step,
                                                "inputmode": "decimal"}),
                error_messages={"invalid": _("Ce score doit être un nombre.")},
            )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.render_hidden_fields = True
        header = ["assessed_on", "assessor"] + (["adult"] if "adult" in self.fields else [])
        fieldsets = [Fieldset(_("Passation"), Div(*[Div(name, css_class="col-md-4") for name in header],
                                                  css_class="row"))]
        groups = instrument.groups or (("", "Scores", "Scores"),)
        for code, fr, en in groups:
            names = [f"s_{f.code}" for f in instrument.fields if f.group == code or (not instrument.groups)]
            if names:
                fieldsets.append(Fieldset(en if lang.startswith("en") else fr,
                                          Div(*[Div(n, css_class="col-6 col-md-3 col-xl-2") for n in names],
                                              css_class="row")))
        self.helper.layout = Layout(*fieldsets, "notes", "confirm_out_of_age_range")
        self.helper.add_input(Submit("submit", _("Enregistrer l'évaluation")))

    def clean(self):
        data = super().clean()
        scores = self.scores()
        for code, message in self.instrument.validate(scores).items():
            self.add_error(f"s_{code}" if f"s_{code}" in self.fields else None, message)
        return data

    def scores(self) -> dict:
        values = {}
        for score in self.instrument.fields:
            value = self.cleaned_data.get(f"s_{score.code}")
            if value is not None:
                values[score.code] = int(value) if value == value.to_integral_value() else value
        return values


class AcknowledgeForm(SafeTextMixin, forms.Form):
    note = forms.CharField(label=_("Ce qui a été fait"), widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Écrivez ce qui a été fait (note obligatoire).")})
