"""The dossier's papers (documents), the family's agreement (consents), and how long a dossier lives
(retention rules and the anonymisation decisions taken on them)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from admissions.models import AdmissionRequest, Adult, Family, Stay
from unit.models import ClinicalQuerySet, ClinicalRecord, Facility, TrackedModel


class DocumentKind(models.TextChoices):
    # DOMAIN.md, "The daily record": document kinds.
    COURT_ORDER = "court_order", _("Ordonnance ou jugement")
    MANDATE = "mandate", _("Mandat (SAJ, SPJ, ASE…)")
    REFERRAL_LETTER = "referral_letter", _("Courrier d'orientation")
    CONSENT_FORM = "consent_form", _("Formulaire de consentement")
    MEDICAL_REPORT = "medical_report", _("Rapport médical")
    ASSESSMENT_REPORT = "assessment_report", _("Compte rendu d'évaluation")
    DISCHARGE_LETTER = "discharge_letter", _("Lettre de sortie")
    INSURANCE = "insurance", _("Carte de mutuelle ou d'assurance")
    OTHER = "other", _("Autre")


# Only a court order or a mandate ends: its end date feeds "mandates ending soon".
KINDS_WITH_END = (DocumentKind.COURT_ORDER, DocumentKind.MANDATE)


class DocumentQuerySet(ClinicalQuerySet):
    def live(self) -> "DocumentQuerySet":
        return self.filter(entered_in_error=False)


class Document(ClinicalRecord):
    """A paper of the dossier, held by the facility that received it; its content lives in private storage.

    Never deleted: a document entered in error is marked so and kept. Only an anonymisation decision
    (documents.retention) erases its content, and says so in its history.
    """

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="documents",
                                 verbose_name=_("structure"))
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="documents",
                               verbose_name=_("famille"))
    request = models.ForeignKey(AdmissionRequest, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="documents", verbose_name=_("demande"))
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, null=True, blank=True, related_name="documents",
                             verbose_name=_("séjour"))
    kind = models.CharField(_("type de document"), max_length=30, choices=DocumentKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    document_date = models.DateField(_("date du document"))
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True,
                                   help_text=_("Fin d'une ordonnance ou d'un mandat."))
    video = models.BooleanField(_("enregistrement vidéo"), default=False)
    # The content: a name in the private storage (STORAGES["documents"]), what it is, and its fingerprint.
    stored_name = models.CharField(_("nom de stockage"), max_length=255, blank=True, editable=False)
    content_type = models.CharField(_("format"), max_length=100, editable=False)
    extension = models.CharField(_("extension"), max_length=10, editable=False)
    size = models.PositiveBigIntegerField(_("taille (octets)"), editable=False)
    # Blank once an anonymisation erased the content (a fingerprint could still confirm a known paper).
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("déposé par"))
    # Set when an anonymisation decision erased the content (the row stays, with no file behind it).
    content_erased = models.BooleanField(_("contenu effacé"), default=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-document_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(kind__in=[k.value for k in KINDS_WITH_END]),
                name="document_end_only_for_orders_and_mandates",
                violation_error_message=_("Seuls une ordonnance ou un mandat ont une date de fin."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("document_date")),
                name="document_end_after_its_date",
                violation_error_message=_("La fin ne peut précéder la date du document."),
            ),
        ]
        indexes = [models.Index(fields=["facility", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        # A document belongs to the facility that received it: a partner holding the same dossier does
        # not read it (docs/security.md, "Documents").
        return Q(facility_id__in=ids)

    def facility_ids(self) -> set[int]:
        return {self.facility_id}

    @property
    def download_name(self) -> str:
        """The name a download gets: the document's number and the extension of its content."""
        return f"document-{self.pk}.{self.extension}"


class ConsentScope(models.TextChoices):
    # DOMAIN.md, "The daily record": consent scopes.
    HEALTH_DATA = "health_data", _("Traitement des données de santé (RGPD art. 9)")
    NETWORK_SHARING = "network_sharing", _("Partage avec le réseau et les autres structures")
    VIDEO_RECORDING = "video_recording", _("Enregistrement vidéo des interactions (vidéo-feedback)")
    PHOTOS = "photos", _("Photos")
    RESEARCH = "research", _("Usage pseudonymisé pour la recherche")


class ConsentStatus(models.TextChoices):
    GIVEN = "given", _("Donné")
    REFUSED = "refused", _("Refusé")
    WITHDRAWN = "withdrawn", _("Retiré")


class Consent(ClinicalRecord):
    """What one adult of the family said for one scope: one row per (adult, scope), each change a new
    version of it (a withdrawal never erases the consent given before it: the history keeps it)."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="consents",
                               verbose_name=_("famille"))
    adult = models.ForeignKey(Adult, on_delete=models.PROTECT, related_name="consents", verbose_name=_("adulte"))
    scope = models.CharField(_("portée"), max_length=30, choices=ConsentScope.choices)
    status = models.CharField(_("statut"), max_length=20, choices=ConsentStatus.choices)
    decided_on = models.DateField(_("date"))
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    form = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="consents",
                             verbose_name=_("formulaire signé"))
    # The facility where it was recorded (its rights are needed to change it).
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="consents",
                                 verbose_name=_("structure"))

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["scope", "adult_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["adult", "scope"], condition=Q(entered_in_error=False),
                                    name="consent_one_live_row_per_adult_and_scope",
                                    violation_error_message=_("Ce consentement existe déjà : modifiez-le.")),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("decided_on")),
                name="consent_until_after_date",
                violation_error_message=_("L'échéance ne peut précéder la date du consentement."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} · {self.get_status_display()}"

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        # A consent is the family's: whoever reaches the family reads it (a partner must know what was agreed).
        return Q(family__in=Family.objects.filter(Family.facility_scope(ids)))

    def facility_ids(self) -> set[int]:
        return self.family.facility_ids()


class RetentionRule(TrackedModel):
    """How long a facility keeps a closed dossier (DOMAIN.md "Retention"; the defaults by country are in
    documents/retention.py)."""

    facility = models.OneToOneField(Facility, on_delete=models.PROTECT, related_name="retention_rule",
                                    verbose_name=_("structure"))
    years_after_last_contact = models.PositiveSmallIntegerField(_("années après le dernier contact"))
    until_child_age = models.PositiveSmallIntegerField(
        _("ou jusqu'à l'âge de l'enfant (ans), si plus tard"), null=True, blank=True)
    at_most_years = models.PositiveSmallIntegerField(_("au plus (années après le dernier contact)"),
                                                     null=True, blank=True)

    class Meta:
        verbose_name = _("règle de conservation")
        verbose_name_plural = _("règles de conservation")

    def __str__(self) -> str:
        return f"{self.facility} · {self.years_after_last_contact}"


class Anonymisation(TrackedModel):
    """An administrator's decision to anonymise a dossier past its retention: who, when, why, and what the
    clock said. Kept for ever; it names the dossier by its number only (its reference is gone)."""

    family = models.OneToOneField(Family, on_delete=models.PROTECT, related_name="anonymisation",
                                  verbose_name=_("famille"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("décidé par"))
    decided_at = models.DateTimeField(_("décidé le"), auto_now_add=True)
    reason = models.TextField(_("motif"))
    last_contact = models.DateField(_("dernier contact"))
    retention_end = models.DateField(_("fin de conservation"))
    facilities = models.JSONField(_("structures du dossier (ids)"), default=list)
    summary = models.JSONField(_("ce qui a été anonymisé"), default=dict)

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.family_id} · {self.decided_at:%Y-%m-%d}"
