"""Forms of documents and consents: fields and messages; the checks of the content stay in the services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from admissions.forms import DATE_WIDGET, ServiceForm
from documents.models import ConsentScope, ConsentStatus, DocumentKind
from unit import fields


def _date(label, *, required=True):
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET,
                           error_messages={"invalid": _("Date invalide (format attendu : AAAA-MM-JJ).")})


class _Choice(fields.ModelChoiceField):
    def label_from_instance(self, obj):
        if hasattr(obj, "admitted_on"):
            return f"{obj.child.first_name} · {obj.facility.name} · {obj.admitted_on:%d/%m/%Y}"
        if hasattr(obj, "received_on"):
            return f"{obj.facility.name} · {obj.received_on:%d/%m/%Y}"
        return str(obj)


class UploadForm(ServiceForm):
    submit_label = _("Déposer le document")

    facility = fields.ModelChoiceField(label=_("Structure"), queryset=None)
    kind = forms.ChoiceField(label=_("Type de document"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Titre"), max_length=200,
                            help_text=_("Ce que le document est (pas le nom du fichier)."))
    document_date = _date(_("Date du document"))
    valid_until = _date(_("Valable jusqu'au"), required=False)
    stay = _Choice(label=_("Séjour"), queryset=None, required=False)
    request = _Choice(label=_("Demande"), queryset=None, required=False)
    video = forms.BooleanField(label=_("Enregistrement vidéo (vidéo-feedback)"), required=False,
                               help_text=_("Demande le consentement de la famille à l'enregistrement vidéo."))
    file = forms.FileField(label=_("Fichier"))

    def __init__(self, *args, facilities, stays, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities
        self.fields["stay"].queryset = stays
        self.fields["request"].queryset = requests
        self.fields["valid_until"].help_text = _("Pour une ordonnance ou un mandat : sa fin.")
        self.fields["file"].help_text = _("PDF, image PNG ou JPEG, document Word, Excel ou OpenDocument, vidéo ; "
                                          "au plus %(limit)s.") % {"limit": filesizeformat(settings.DOCUMENT_MAX_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before it is read: the service checks the same limit on the bytes.
        if upload.size > settings.DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse la taille permise (%(limit)s).") % {
                "limit": filesizeformat(settings.DOCUMENT_MAX_BYTES)})
        return upload


class ConsentForm(ServiceForm):
    adult = fields.ModelChoiceField(label=_("Adulte"), queryset=None)
    scope = forms.ChoiceField(label=_("Portée"), choices=ConsentScope.choices)
    status = forms.ChoiceField(label=_("Réponse"), choices=ConsentStatus.choices)
    decided_on = _date(_("Date"))
    valid_until = _date(_("Valable jusqu'au"), required=False)
    form = fields.ModelChoiceField(label=_("Formulaire signé"), queryset=None, required=False)
    facility = fields.ModelChoiceField(label=_("Structure"), queryset=None)
    reason = forms.CharField(label=_("Contexte"), max_length=500, required=False)

    def __init__(self, *args, adults, forms_, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adult"].queryset = adults
        self.fields["form"].queryset = forms_
        self.fields["facility"].queryset = facilities


class WithdrawForm(ServiceForm):
    submit_label = _("Enregistrer le retrait")

    withdrawn_on = _date(_("Date du retrait"))
    reason = forms.CharField(label=_("Contexte du retrait"), max_length=500)
    facility = fields.ModelChoiceField(label=_("Structure"), queryset=None)

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities


class AnonymiseForm(ServiceForm):
    submit_label = _("Anonymiser définitivement")

    reason = forms.CharField(label=_("Motif de la décision"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Par ex. : durée de conservation échue, revue annuelle 2026. N'écrivez "
                                         "aucun nom : ce motif est conservé."))
    confirm = forms.BooleanField(label=_("Je confirme : noms, textes libres et documents seront effacés, sans "
                                         "retour possible."))
