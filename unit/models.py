"""Organisation, facilities, eligibility profiles, staff memberships and reference lists."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from unit import labels

# Kinds that host children day and night: capacity in places applies and is enforced.
NON_RESIDENTIAL_KINDS = ("home_support", "consultation")


def vocabulary_choices(name: str) -> list[tuple[str, object]]:
    return labels.model_choices(name)


class TrackedModel(models.Model):
    """Versioned row: every save bumps `version` and writes a history row with user and reason."""

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(inherit=True, history_change_reason_field=models.TextField(null=True))

    class Meta:
        abstract = True


def one_subject_constraint(name: str, message) -> models.CheckConstraint:
    """A diagnosis or an assessment is about the child of the stay or one adult, never both, never none."""
    return models.CheckConstraint(
        condition=(Q(child__isnull=False) & Q(adult__isnull=True)) | (Q(child__isnull=True) & Q(adult__isnull=False)),
        name=name,
        violation_error_message=message,
    )


class ClinicalQuerySet(models.QuerySet):
    """Clinical rows change one at a time through a service: each write leaves a version, a user and a reason."""

    def delete(self):
        raise PermissionError("Clinical records are never deleted; mark them entered in error.")

    def update(self, **kwargs):
        raise PermissionError("Clinical records are changed through a service (history, version and reason), "
                              "never by a bulk update: use the record's `<entity>_update` service.")

    def _unchecked_update(self, **kwargs) -> int:
        """A bulk UPDATE that leaves no history, no version and no reason: the one escape hatch.

        Used only by bench/measure.py to time a bare UPDATE against the service. Product code never calls it.
        """
        return super().update(**kwargs)


class ClinicalRecord(TrackedModel):
    """A clinical row is never deleted; one entered in error is marked so and leaves the reports."""

    entered_in_error = models.BooleanField(_("saisi par erreur"), default=False)

    objects = ClinicalQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise PermissionError("Clinical records are never deleted; mark them entered in error.")


class Organisation(TrackedModel):
    name = models.CharField(_("nom"), max_length=200)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Facility(TrackedModel):
    class Kind(models.TextChoices):
        PARENT_BABY_UNIT = "parent_baby_unit", _("Unité parents-bébé")
        MATERNAL_CENTRE = "maternal_centre", _("Centre maternel")
        PARENTAL_CENTRE = "parental_centre", _("Centre parental")
        NURSERY = "nursery", _("Pouponnière à caractère social")
        CHILDRENS_HOME = "childrens_home", _("Maison d'enfants à caractère social (MECS)")
        FOSTER_CARE_SERVICE = "foster_care_service", _("Service de placement familial")
        PARENTAL_RESPITE = "parental_respite", _("Relais parental")
        HOME_SUPPORT = "home_support", _("Aide à domicile spécialisée")
        CONSULTATION = "consultation", _("Consultations psychologiques et thérapie")

    class Country(models.TextChoices):
        BE = "BE", _("Belgique")
        LU = "LU", _("Luxembourg")
        FR = "FR", _("France")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("organisation")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    country = models.CharField(_("pays"), max_length=2, choices=Country.choices)
    region = models.CharField(_("région"), max_length=10, blank=True, choices=vocabulary_choices("region"))
    capacity = models.PositiveIntegerField(
        _("capacité (places enfants)"), null=True, blank=True,
        help_text=_("Nombre de places pour enfants ; obligatoire pour un accueil résidentiel."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NON_RESIDENTIAL_KINDS) | Q(capacity__gte=1),
                name="facility_residential_has_capacity",
                violation_error_message=_("Une structure résidentielle doit avoir au moins une place."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_residential(self) -> bool:
        return self.kind not in NON_RESIDENTIAL_KINDS


class EligibilityCriterion(TrackedModel):
    """One line of a facility's eligibility profile; `rule` says how its answer is obtained."""

    class Role(models.TextChoices):
        INCLUSION = "inclusion", _("Critère d'inclusion")
        EXCLUSION = "exclusion", _("Critère d'exclusion")

    class Rule(models.TextChoices):
        MANUAL = "manual", _("Réponse du clinicien")
        CHILD_AGE_MONTHS = "child_age_months", _("Âge de l'enfant (mois), calculé")
        PREGNANCY_OR_CHILD = "pregnancy_or_child", _("Grossesse ou âge de l'enfant, calculé")
        AGE_YEARS = "age_years", _("Âge (années), calculé")

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="criteria",
                       verbose_name=_("structure"))
    code = models.SlugField(_("code"), max_length=60)
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices)
    rule = models.CharField(_("règle"), max_length=30, choices=Rule.choices, default=Rule.MANUAL)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    label_fr = models.CharField(_("libellé (fr)"), max_length=300)
    label_en = models.CharField(_("libellé (en)"), max_length=300)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("critère d'admission")
        verbose_name_plural = _("critères d'admission")
        ordering = ["facility", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "code"], name="criterion_unique_code_per_facility"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "fr").startswith("en") else self.label_fr


class Membership(TrackedModel):
    class Role(models.TextChoices):
        ADMISSIONS = "admissions", _("Admissions")
        THERAPIST = "therapist", _("Thérapeute")
        MANAGER = "manager", _("Direction")
        REPORTING = "reporting", _("Rapports")
        ADMIN = "admin", _("Administrateur")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
                       verbose_name=_("utilisateur"))
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="memberships",
                       verbose_name=_("structure"))
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("affectation")
        verbose_name_plural = _("affectations")
        constraints = [
            models.UniqueConstraint(fields=["user", "facility", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.facility} · {self.get_role_display()}"


class ReferenceItem(TrackedModel):
    """An entry of a reference list; codes come from DOMAIN.md and never change, labels may."""

    vocabulary = models.CharField(_("liste"), max_length=40)
    code = models.CharField(_("code"), max_length=40)
    label_fr = models.CharField(_("libellé (fr)"), max_length=200)
    label_en = models.CharField(_("libellé (en)"), max_length=200)
    group = models.CharField(_("groupe"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("élément de liste de référence")
        verbose_name_plural = _("listes de référence")
        ordering = ["vocabulary", "position"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="reference_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.vocabulary}:{self.code}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        labels.forget()


class AuditQuerySet(models.QuerySet):
    """The audit trail only grows: bulk changes and deletions are refused."""

    def update(self, **kwargs):
        raise PermissionError("Audit entries are never changed.")

    def delete(self):
        raise PermissionError("Audit entries are never deleted.")


class AuditEntry(models.Model):
    """Who read, searched or exported which record, when and from where (not a TrackedModel: never changes)."""

    class Action(models.TextChoices):
        READ = "read", _("Consultation")
        SEARCH = "search", _("Recherche")
        EXPORT = "export", _("Export")
        SUBJECT_ACCESS = "subject_access", _("Droit d'accès (RGPD art. 15)")

    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("utilisateur"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # A model label (admissions.stay) or, for pages without one record, the URL name.
    what = models.CharField(_("objet"), max_length=100)
    object_id = models.CharField(_("identifiant"), max_length=64, blank=True)
    # A plain integer, not a foreign key: the trail outlives any reorganisation of facilities.
    facility_id = models.BigIntegerField(_("structure (id)"), null=True, blank=True)
    path = models.CharField(_("chemin"), max_length=500)
    # Searches keep the names of the parameters used, never their values (a search term is personal data).
    query = models.CharField(_("paramètres"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    user_agent = models.CharField(_("navigateur"), max_length=200, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal d'accès")
        verbose_name_plural = _("journal d'accès")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["facility_id", "at"], name="audit_facility_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.what} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit entries are never changed.")
        # Always an INSERT, even with a primary key set by hand: an existing row is never overwritten.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries are never deleted.")


class EnrolmentLink(models.Model):
    """A single-use, expiring link with which an administrator registers their first second-factor device.

    Issued by another administrator (or by `manage.py otp_enrolment_link` for the very first one), so
    that whoever holds only the password cannot register their own phone. Only a hash of the token is
    kept: the link itself is shown once, to the issuer.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="otp_enrolment_links",
                             verbose_name=_("utilisateur"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("émis par"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("émis le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("lien d'inscription à la double authentification")
        verbose_name_plural = _("liens d'inscription à la double authentification")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class Job(models.Model):
    """A long import or export run by the background worker (unit/jobs.py): its owner, its state, its result.

    Not a TrackedModel: a job is the product's own bookkeeping, not a record; it is deleted when it expires.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échoué")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("type"), max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("lancé par"))
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.QUEUED)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"), db_index=True)
    # What the job's result page needs (an import's summary, an export's id): readable by its owner only.
    result = models.JSONField(_("résultat"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    next_url = models.CharField(_("page du résultat"), max_length=300, blank=True)
    task_id = models.CharField(_("tâche"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("tâche de fond")
        verbose_name_plural = _("tâches de fond")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.state})"
