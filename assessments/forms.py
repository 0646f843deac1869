"""Entry forms built from an instrument's declaration, grouped like the paper form."""

from __future__ import annotations

from collections.abc import Mapping

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from admissions.forms import DATE_WIDGET, _date
from assessments.instruments.base import ADULT, Instrument, ScoreField
from unit import fields
from unit import selectors as unit_selectors
from unit.forms import SafeTextMixin

ANSWER_LABELS = (_("1re réponse"), _("2e réponse"), _("3e réponse"), _("4e réponse"))


def _answer_label(position: int) -> str:
    """The answer's rank in the questionnaire's order ("1re réponse"), never its copyrighted wording."""
    if position <= len(ANSWER_LABELS):
        return ANSWER_LABELS[position - 1]
    return _("Réponse %(n)s") % {"n": position}


def field_name(score_field: ScoreField) -> str:
    """The form field of a score: `a_<code>` when the ticked answer is asked, `s_<code>` when typed."""
    return f"{'a' if score_field.answer_scores else 's'}_{score_field.code}"


def initial_scores(instrument: Instrument, scores: Mapping[str, object]) -> dict:
    """Initial values of the score fields for stored scores: the ticked answer back for answer items."""
    answers = instrument.answers_from_scores(scores)
    initial = {}
    for score_field in instrument.fields:
        if score_field.answer_scores:
            if score_field.code in answers:
                initial[field_name(score_field)] = str(answers[score_field.code])
        elif scores.get(score_field.code) is not None:
            initial[field_name(score_field)] = scores[score_field.code]
    return initial


class AssessmentForm(SafeTextMixin, forms.Form):
    """Scores are typed as read on the sheet, or the answer ticked is chosen and keyed by the instrument.

    Ranges are checked by the instrument, in French. An item asked as "which answer was ticked" offers the
    answers by rank only (their wordings are copyrighted) and none is preselected: a forgotten item is an
    error, never a silent score.
    """

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
        self.fields["assessor"].queryset = unit_selectors.facility_therapists(facility_id=stay.facility_id)
        self.fields["assessor"].label_from_instance = lambda user: user.get_full_name() or user.get_username()
        if instrument.subject == ADULT and not versioned:
            # The parent is chosen at entry; a correction keeps the same subject.
            self.fields["adult"] = fields.ModelChoiceField(label=_("Parent évalué"), queryset=adults)
        if versioned:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        for score in instrument.fields:
            if score.answer_scores:
                self.fields[field_name(score)] = forms.TypedChoiceField(
                    label=score.label(lang), required=score.required, coerce=int, empty_value=None,
                    choices=[(str(n), _answer_label(n)) for n in range(1, len(score.answer_scores) + 1)],
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Indiquez la réponse cochée pour cet item.")},
                )
                continue
            step = "1" if score.decimals == 0 else str(10 ** -score.decimals)
            self.fields[field_name(score)] = forms.DecimalField(
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
            group = [f for f in instrument.fields if f.group == code or (not instrument.groups)]
            cells = [Div(InlineRadios(field_name(f)), css_class="col-12 col-lg-6") if f.answer_scores
                     else Div(field_name(f), css_class="col-6 col-md-3 col-xl-2") for f in group]
            if cells:
                note = []
                if any(f.answer_scores for f in group):
                    note = [HTML(format_html('<p class="small" data-testid="answer-note">{}</p>', _(
                        "Pour chaque item, cochez la réponse choisie sur le questionnaire : 1re, 2e, 3e ou 4e "
                        "réponse, dans l'ordre où elles sont imprimées. La cotation du questionnaire (items "
                        "inversés compris) est appliquée par le logiciel.")))]
                fieldsets.append(Fieldset(en if lang.startswith("en") else fr, *note, Div(*cells, css_class="row")))
        self.helper.layout = Layout(*fieldsets, "notes", "confirm_out_of_age_range")
        self.helper.add_input(Submit("submit", _("Enregistrer l'évaluation")))

    @property
    def types_scores(self) -> bool:
        """Whether some score is typed as read (rather than the answer ticked being chosen)."""
        return any(not f.answer_scores for f in self.instrument.fields)

    def score_field_name(self, code: str) -> str | None:
        """The form field that holds score `code`, None when the form has none."""
        try:
            name = field_name(self.instrument.field(code))
        except KeyError:
            return None
        return name if name in self.fields else None

    def clean(self):
        data = super().clean()
        scores = self.scores()
        for code, message in self.instrument.validate(scores).items():
            name = self.score_field_name(code)
            if name is None or name not in self.errors:  # a missing answer already says so
                self.add_error(name, message)
        return data

    def scores(self) -> dict:
        """Item scores to store: typed scores as they are, ticked answers through the instrument's keying."""
        values, answers = {}, {}
        for score in self.instrument.fields:
            value = self.cleaned_data.get(field_name(score))
            if value is None:
                continue
            if score.answer_scores:
                answers[score.code] = value
            else:
                values[score.code] = int(value) if value == value.to_integral_value() else value
        return values | self.instrument.scores_from_answers(answers)


class AcknowledgeForm(SafeTextMixin, forms.Form):
    note = forms.CharField(label=_("Ce qui a été fait"), widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Écrivez ce qui a été fait (note obligatoire).")})
