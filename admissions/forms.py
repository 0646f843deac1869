"""Forms of the admissions pathway: fields, French messages, crispy layouts; writes stay in services."""

from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from admissions import selectors
from admissions.models import Family, ReferrerOrganisation, Stay
from admissions.services import referrer_organisation_get_or_create
from unit import fields
from unit.ages import birth_date_problem
from unit.forms import SafeTextMixin
from unit.labels import form_choices
from unit.labels import label as term_label

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label, *, required=True, initial=None):
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, initial=initial,
                           error_messages={"invalid": _("Date invalide (format attendu : AAAA-MM-JJ).")})


def _vocab(name, label, *, required=True, blank="—"):
    # A required list opens on a prompt that is refused, never on its first answer: a browser would send that
    # answer for whoever did not look, and the reports would count it.
    return forms.ChoiceField(label=label, required=required,
                             choices=lambda: form_choices(name, blank=blank if not required else _("— à choisir —"))
                             or [])


def _not_future(value: date | None, what: str) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("%(what)s ne peut pas être dans le futur.") % {"what": what})


def _plausible_birth_date(value: date | None) -> date | None:
    problem = value and birth_date_problem(value, timezone.localdate())
    if problem:
        raise forms.ValidationError(problem)
    return value


class ServiceForm(SafeTextMixin, forms.Form):
    """A form whose cleaned data feed a service; crispy renders it with one submit button."""

    submit_label = _("Enregistrer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.render_hidden_fields = True
        self.helper.add_input(Submit("submit", self.submit_label))


class VersionedForm(ServiceForm):
    """Carries the version the record was read at, so a save over a newer one is a conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if "version" in self.errors:
            # A hidden field's error is never shown beside it: say it where the reader looks.
            self.add_error(None, _("Le formulaire est incomplet : rechargez la page puis saisissez à nouveau."))
        return data

    def freeze(self, names) -> None:
        """Show `names` read-only: their posted values are ignored and the stored ones kept."""
        for name in names:
            if name in self.fields:
                self.fields[name].disabled = True


class FamilyForm(ServiceForm):
    facility = fields.ModelChoiceField(label=_("Structure"), queryset=None)
    reference = forms.CharField(label=_("Référence pseudonyme"), max_length=40,
                                help_text=_("Par ex. UPB-2026-017 : jamais le nom de la famille."))
    notes = forms.CharField(label=_("Remarques"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, facilities, reference_taken, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities
        self.reference_taken = reference_taken

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        # Only the dossiers the user can reach are asked (selectors.family_reference_taken): a reference
        # used only out of their reach gets the answer of a new one.
        if self.reference_taken(reference):
            raise forms.ValidationError(_("Cette référence existe déjà."))
        return reference


class ChildForm(ServiceForm):
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    sex = _vocab("sex", _("Sexe"))
    birth_date = _date(_("Date de naissance"))
    gestational_weeks = forms.IntegerField(label=_("Âge gestationnel (semaines)"), required=False, min_value=22,
                                           max_value=45)
    gestational_days = forms.IntegerField(label=_("+ jours"), required=False, min_value=0, max_value=6)
    birth_weight_g = forms.IntegerField(label=_("Poids de naissance (g)"), required=False, min_value=300,
                                        max_value=6500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Div(Div("first_name", css_class="col-md-4"), Div("last_name", css_class="col-md-4"),
                Div("sex", css_class="col-md-4"), css_class="row"),
            Div(Div("birth_date", css_class="col-md-3"), Div("gestational_weeks", css_class="col-md-3"),
                Div("gestational_days", css_class="col-md-3"), Div("birth_weight_g", css_class="col-md-3"),
                css_class="row"),
        )

    def clean_birth_date(self):
        return _plausible_birth_date(self.cleaned_data["birth_date"])

    def clean(self):
        data = super().clean()
        if data.get("gestational_days") is not None and data.get("gestational_weeks") is None:
            self.add_error("gestational_days", _("Indiquez d'abord les semaines."))
        return data


class ChildEditForm(ChildForm, VersionedForm):
    pass


class AdultForm(ServiceForm):
    role = _vocab("adult_role", _("Rôle"))
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    birth_date = _date(_("Date de naissance"), required=False)
    nationality = forms.RegexField(label=_("Nationalité (code ISO, ex. BE)"), regex=r"^[A-Za-z]{2}$",
                                   required=False, max_length=2,
                                   error_messages={"invalid": _("Code pays à deux lettres (ex. BE, FR, MA).")})
    region = _vocab("region", _("Région de résidence"), required=False)

    def clean_birth_date(self):
        return _plausible_birth_date(self.cleaned_data["birth_date"])

    def clean_nationality(self):
        return self.cleaned_data["nationality"].upper()


class AdultEditForm(AdultForm, VersionedForm):
    pass


class RequestForm(ServiceForm):
    facility = fields.ModelChoiceField(label=_("Structure"), queryset=None)
    received_on = _date(_("Date de réception"))
    requester = _vocab("requester", _("Demandeur"))
    referrer_category = _vocab("referrer_category", _("Réseau envoyeur"))
    referrer_name = forms.CharField(label=_("Organisme envoyeur"), required=False, max_length=200,
                                    widget=forms.TextInput(attrs={"list": "referrers", "autocomplete": "off"}),
                                    help_text=_("Choisi dans l'annuaire ou ajouté s'il est nouveau."))
    referrer_contact = forms.CharField(label=_("Contact"), required=False, max_length=200)
    reason = _vocab("reason", _("Motif principal"))
    mandate = _vocab("mandate", _("Mandat de protection"))
    children = fields.ModelMultipleChoiceField(label=_("Enfant(s) concerné(s)"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    expected_due_date = _date(_("Date prévue d'accouchement (demande prénatale)"), required=False)
    planned_admission_on = _date(_("Date d'admission envisagée"), required=False)

    def __init__(self, *args, facilities, family: Family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities
        self.fields["children"].queryset = selectors.family_children(family_id=family.pk)
        self.fields["mandate"].initial = "none"
        self.helper.layout = Layout(
            Fieldset(_("Demande"), Div(Div("facility", css_class="col-md-4"), Div("received_on", css_class="col-md-4"),
                                       Div("requester", css_class="col-md-4"), css_class="row")),
            Fieldset(_("Envoyeur"), Div(Div("referrer_category", css_class="col-md-4"),
                                        Div("referrer_name", css_class="col-md-4"),
                                        Div("referrer_contact", css_class="col-md-4"), css_class="row")),
            Fieldset(_("Situation"), Div(Div("reason", css_class="col-md-6"), Div("mandate", css_class="col-md-6"),
                                         css_class="row"),
                     "children", Div(Div("expected_due_date", css_class="col-md-6"),
                                     Div("planned_admission_on", css_class="col-md-6"), css_class="row")),
        )

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        _not_future(value, _("La date de réception"))
        return value

    def clean(self):
        data = super().clean()
        if not data.get("children") and not data.get("expected_due_date"):
            self.add_error("children", _("Indiquez le ou les enfants concernés, ou la date prévue d'accouchement."))
        return data

    def referrer(self, user) -> ReferrerOrganisation | None:
        name = self.cleaned_data.get("referrer_name", "").strip()
        if not name:
            return None
        return referrer_organisation_get_or_create(user=user, name=name,
                                                   category=self.cleaned_data["referrer_category"])


class EligibilityForm(VersionedForm):
    """One answer per manual criterion; computed criteria are shown, never typed."""

    submit_label = _("Enregistrer la vérification")
    planned_admission_on = _date(_("Date d'admission envisagée"), required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        answer_choices = form_choices("answer")
        for criterion in self.criteria:
            if criterion.rule == "manual":
                self.fields[f"c_{criterion.code}"] = forms.ChoiceField(
                    label=criterion.label, choices=answer_choices, widget=forms.RadioSelect, initial="unknown",
                )

    def answers(self) -> dict[str, str]:
        return {c.code: self.cleaned_data.get(f"c_{c.code}", "unknown") for c in self.criteria if c.rule == "manual"}


class DecisionForm(VersionedForm):
    submit_label = _("Enregistrer la décision")
    decision = _vocab("decision", _("Décision"))
    decided_on = _date(_("Date de décision"))
    refusal_reason = _vocab("refusal_reason", _("Motif de refus"), required=False)
    note = forms.CharField(label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    override_reason = forms.CharField(
        label=_("Motif pour aller à l'encontre du verdict"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour accepter une demande non éligible ou incomplète."),
    )

    def __init__(self, *args, full: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # A unit without a free place: accepting is still possible, once the warning is read and confirmed.
        self.full = full
        if full:
            self.fields["confirm_full"] = forms.BooleanField(label=_("Accepter malgré l'unité complète"),
                                                             required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refused" and not data.get("refusal_reason"):
            self.add_error("refusal_reason", _("Un refus doit avoir un motif."))
        if self.full and data.get("decision") == "accepted" and not data.get("confirm_full"):
            self.add_error("confirm_full", _("L'unité est complète : cochez cette case pour accepter tout de même, "
                                             "ou placez la demande sur la liste d'attente."))
        return data


class AdmitForm(ServiceForm):
    submit_label = _("Admettre")
    children = fields.ModelMultipleChoiceField(
        label=_("Enfant(s) admis"), queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text=_("Frères et sœurs admis le même jour : un séjour par enfant, tous admis ou aucun."))
    admitted_on = _date(_("Date d'admission"))
    parents = fields.ModelMultipleChoiceField(
        label=_("Parents admis avec l'enfant"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Leur présence commence le jour de l'admission ; une arrivée plus tard s'ajoute sur la page "
                    "du séjour."))
    without_parent = forms.BooleanField(label=_("L'enfant arrive sans parent"), required=False)
    planned_end_on = _date(_("Fin prévue"), required=False)
    residence_before = _vocab("residence_before", _("Lieu de vie avant le séjour"))
    mandate = _vocab("mandate", _("Mandat de protection"))
    override_reason = forms.CharField(
        label=_("Motif d'admission sans demande acceptée"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, children, adults, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = children
        self.fields["parents"].queryset = adults
        self.fields["parents"].label_from_instance = lambda adult: f"{adult.get_role_display()} — {adult}"

    def clean(self):
        data = super().clean()
        # Who arrives with the child feeds the admission-mode indicator: never assumed, always answered.
        if data.get("parents") and data.get("without_parent"):
            self.add_error("without_parent", _("Des parents sont cochés : décochez « sans parent » ou les parents."))
        elif not data.get("parents") and not data.get("without_parent"):
            self.add_error("parents", _("Indiquez les parents qui arrivent avec l'enfant, ou cochez « L'enfant "
                                        "arrive sans parent »."))
        return data


class AdmissionDateForm(VersionedForm):
    submit_label = _("Corriger la date d'admission")
    admitted_on = _date(_("Date d'admission"))
    reason = forms.CharField(label=_("Motif de la correction"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Enregistré dans l'historique du séjour."), error_messages={
                                 "required": _("Une correction de la date d'admission demande un motif.")})


class StayEditForm(VersionedForm):
    planned_end_on = _date(_("Fin prévue"), required=False)
    residence_before = _vocab("residence_before", _("Lieu de vie avant le séjour"))
    mandate = _vocab("mandate", _("Mandat de protection"))


class PresenceForm(ServiceForm):
    submit_label = _("Ajouter la présence")
    adult = fields.ModelChoiceField(label=_("Adulte"), queryset=None)
    start = _date(_("Du"))
    end = _date(_("Au (vide si en cours)"), required=False)

    def __init__(self, *args, stay: Stay, **kwargs):
        super().__init__(*args, **kwargs)
        adults = selectors.family_adults(family_id=stay.child.family_id)
        self.fields["adult"].queryset = adults
        # Usually the parent admitted with the child, from the admission day.
        present = selectors.stay_present_adult_ids(stay=stay)
        first_absent = next((a for a in adults if a.pk not in present), None)
        self.fields["adult"].initial = first_absent.pk if first_absent else None
        self.fields["start"].initial = stay.admitted_on if not present else timezone.localdate()


class PresenceEndForm(ServiceForm):
    submit_label = _("Clore la présence")
    end = _date(_("Fin de présence"))


class DiagnosisForm(ServiceForm):
    submit_label = _("Ajouter le diagnostic")
    subject = forms.ChoiceField(label=_("Pour"))
    timepoint = _vocab("diagnosis_timepoint", _("Moment"))
    classification = _vocab("diagnosis_classification", _("Classification"))
    code = forms.CharField(label=_("Code"), max_length=20,
                           widget=forms.TextInput(attrs={"list": "diagnosis-codes", "autocomplete": "off"}),
                           help_text=_("Un code de la liste de sa classification ; un code propre à la structure "
                                       "se saisit en classification « Locale », avec son libellé."))
    label = forms.CharField(label=_("Libellé"), required=False, max_length=300)
    primary = forms.BooleanField(label=_("Diagnostic principal"), required=False)
    made_on = _date(_("Date"), required=False)

    def __init__(self, *args, stay: Stay, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(f"child:{stay.child_id}", str(stay.child))]
        adults = selectors.stay_present_adults(stay=stay)
        choices += [(f"adult:{a.pk}", f"{a.get_role_display()} — {a}") for a in adults]
        self.fields["subject"].choices = choices
        self.stay = stay

    def clean(self):
        data = super().clean()
        classification, code = data.get("classification"), (data.get("code") or "").strip()
        if not classification or not code:
            return data
        if classification == "local":
            # A code the organisation invented means nothing to a reader without its wording.
            if not (data.get("label") or "").strip():
                self.add_error("label", _("Un code local doit avoir son libellé."))
        elif not selectors.diagnosis_code_known(classification=classification, code=code):
            # A mistyped code would count as a diagnosis of its own in the reports.
            self.add_error("code", _("Code inconnu de la liste %(classification)s. Choisissez un code de la liste, "
                                     "ou choisissez la classification « Locale » et donnez son libellé.") % {
                "classification": term_label("diagnosis_classification", classification)})
        return data

    def subject_kwargs(self) -> dict:
        kind, _sep, pk = self.cleaned_data["subject"].partition(":")
        return selectors.stay_subject(stay=self.stay, kind=kind, pk=int(pk))


class MeetingForm(ServiceForm):
    submit_label = _("Ajouter la réunion")
    held_on = _date(_("Date"))
    participants = forms.CharField(label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2}))
    evaluation = forms.CharField(label=_("Évaluation de l'évolution"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    adaptations = forms.CharField(label=_("Adaptations du projet de soin"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class InterventionForm(ServiceForm):
    submit_label = _("Ajouter l'intervention")
    kind = _vocab("intervention_kind", _("Type"))
    done_on = _date(_("Date"))
    duration_min = forms.IntegerField(label=_("Durée (minutes)"), required=False, min_value=1, max_value=1440)


class SignalementForm(ServiceForm):
    submit_label = _("Enregistrer le signalement")
    made_on = _date(_("Date"))
    addressee = forms.CharField(label=_("Destinataire"), max_length=200)


class DischargeForm(VersionedForm):
    submit_label = _("Enregistrer la sortie")
    discharged_on = _date(_("Date de sortie"))
    discharge_kind = _vocab("discharge_kind", _("Type de fin de séjour"))
    residence_after = _vocab("residence_after", _("Lieu de vie après le séjour"))
    confirm_without_exit_diagnosis = forms.BooleanField(
        label=_("Sortir sans diagnostic de sortie"), required=False,
        help_text=_("Cochez pour confirmer la sortie alors qu'aucun diagnostic de sortie n'est saisi."),
    )

    def __init__(self, *args, stay: Stay, **kwargs):
        super().__init__(*args, **kwargs)
        self.stay = stay
        self.helper.layout = Layout("discharged_on", "discharge_kind", "residence_after",
                                    "confirm_without_exit_diagnosis")

    def clean(self):
        data = super().clean()
        has_exit = selectors.stay_has_exit_diagnosis(stay=self.stay)
        if not has_exit and not data.get("confirm_without_exit_diagnosis"):
            self.add_error("confirm_without_exit_diagnosis", _(
                "Aucun diagnostic de sortie n'est saisi : ajoutez-le, ou cochez pour confirmer la sortie sans."
            ))
        return data
