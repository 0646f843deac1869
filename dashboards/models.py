"""Funder profiles (what a funder's workbook holds) and the record of every workbook exported."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dashboards import tables as catalogue
from unit.models import Facility, TrackedModel


def new_pseudonym_secret() -> str:
    return secrets.token_hex(32)


class FunderProfile(TrackedModel):
    """A funder's workbook: which sheets, which small-cell threshold, and its own pseudonym key.

    The secret makes pseudonyms stable for one funder and unlinkable between two funders; it is
    never shown (not in lists, not in the admin form).
    """

    name = models.CharField(_("nom"), max_length=120, unique=True)
    sheets = models.JSONField(
        _("feuilles"), default=list, blank=True,
        help_text=_("Noms des tableaux à inclure, et « line_list » pour la liste pseudonymisée des séjours ; "
                    "vide = toutes les feuilles."),
    )
    small_cell_threshold = models.PositiveSmallIntegerField(
        _("seuil des petits effectifs (k)"), default=5, validators=[MinValueValidator(1)],
        help_text=_("Les effectifs de 1 à k−1 sont masqués ; k = 1 : aucun masquage."),
    )
    pseudonym_secret = models.CharField(_("clé des pseudonymes"), max_length=128, default=new_pseudonym_secret,
                                        editable=False)
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("profil de financeur")
        verbose_name_plural = _("profils de financeur")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(small_cell_threshold__gte=1), name="funder_profile_threshold_min_1",
                                   violation_error_message=_("Le seuil doit valoir au moins 1.")),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.sheets, list) or not all(isinstance(s, str) for s in self.sheets):
            raise ValidationError({"sheets": _("Donnez une liste de noms de feuilles.")})
        known = catalogue.sheet_names()
        unknown = [s for s in self.sheets if s not in known]
        if unknown:
            raise ValidationError({"sheets": _("Feuilles inconnues : %(names)s (possibles : %(known)s).") % {
                "names": ", ".join(unknown), "known": ", ".join(known)}})

    @property
    def sheet_names(self) -> list[str]:
        """The sheets of the workbook, in the workbook's order."""
        return [name for name in catalogue.sheet_names() if not self.sheets or name in self.sheets]


class ExportRecord(TrackedModel):
    """One workbook produced (page or command): who, when, what, and the checksums to prove it later.

    `generated_at` is the instant the report was read: `dashboards.asof` rebuilds the same report
    from the history tables as of that instant.
    """

    class Source(models.TextChoices):
        PAGE = "page", _("Page")
        COMMAND = "command", _("Commande")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("exporté par"))
    generated_at = models.DateTimeField(_("rapport lu le"))
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices)
    profile = models.ForeignKey(FunderProfile, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="exports", verbose_name=_("profil"))
    profile_name = models.CharField(_("profil (au moment de l'export)"), max_length=120)
    small_cell_threshold = models.PositiveSmallIntegerField(_("seuil appliqué"))
    sheets = models.JSONField(_("feuilles écrites"), default=list)
    facilities = models.ManyToManyField(Facility, related_name="+", verbose_name=_("structures"))
    facility_codes = models.JSONField(_("codes des structures"), default=list)
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))
    indicators_sha256 = models.CharField(_("empreinte des indicateurs (SHA-256)"), max_length=64)
    file_sha256 = models.CharField(_("empreinte du fichier (SHA-256)"), max_length=64)
    file_name = models.CharField(_("fichier conservé"), max_length=80, unique=True)
    file_size = models.PositiveBigIntegerField(_("taille (octets)"))
    line_list_rows = models.PositiveIntegerField(_("lignes de la liste des séjours"), default=0)

    class Meta:
        verbose_name = _("export de rapport")
        verbose_name_plural = _("exports de rapport")
        ordering = ["-generated_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="export_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{', '.join(self.facility_codes)} · {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d} · {self.profile_name}"
