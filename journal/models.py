"""The unit's daily record: journal notes of a stay or a family, and the note templates of each facility."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from admissions.models import Family, Stay
from journal import confidentiality
from unit import access
from unit.models import ClinicalRecord, Facility, TrackedModel


class NoteKind(models.TextChoices):
    OBSERVATION = "observation", _("Observation clinique")
    PARENT_INTERVIEW = "parent_interview", _("Entretien parental")
    CHILD_SESSION = "child_session", _("Séance avec l'enfant")
    FAMILY_SESSION = "family_session", _("Séance familiale")
    TEAM_HANDOVER = "team_handover", _("Transmission d'équipe")
    PHONE_CALL = "phone_call", _("Appel téléphonique")
    NETWORK_CONTACT = "network_contact", _("Contact avec le réseau")
    INCIDENT = "incident", _("Incident")
    OTHER = "other", _("Autre")


class Confidentiality(models.TextChoices):
    TEAM = confidentiality.TEAM, _("Équipe")
    RESTRICTED = confidentiality.RESTRICTED, _("Restreinte (auteur et thérapeutes)")


class Note(ClinicalRecord):
    """One entry of the journal, about a stay (and so its family) or about a family as a whole.

    Never edited silently: a correction is a new version with its reason (`journal.services.note_correct`).
    """

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="journal_notes",
                                 verbose_name=_("structure"))
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="journal_notes",
                               verbose_name=_("famille"))
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, null=True, blank=True, related_name="journal_notes",
                             verbose_name=_("séjour"))
    kind = models.CharField(_("type de note"), max_length=20, choices=NoteKind.choices)
    written_at = models.DateTimeField(_("date et heure"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("auteur"))
    text = models.TextField(_("texte"))
    confidentiality = models.CharField(_("confidentialité"), max_length=12, choices=Confidentiality.choices,
                                       default=Confidentiality.TEAM)

    class Meta:
        verbose_name = _("note du journal")
        verbose_name_plural = _("notes du journal")
        ordering = ["-written_at", "-pk"]
        indexes = [
            models.Index(fields=["facility", "written_at"], name="note_facility_written"),
            models.Index(fields=["stay", "written_at"], name="note_stay_written"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.written_at:%d/%m/%Y %H:%M}"

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        return Q(facility_id__in=ids)

    def facility_ids(self) -> set[int]:
        return {self.facility_id}

    def readable_by(self, user) -> bool:
        """Read by `unit.access.can_reach` (history page, « entered in error »): a restricted note stays
        hidden from whoever may not read it, even on the pages of the foundation."""
        return confidentiality.may_read(
            confidentiality=self.confidentiality, author_id=self.author_id, facility_id=self.facility_id,
            user_id=user.pk if user.is_authenticated else None,
            restricted_facility_ids=access.facility_ids(user, access.READ_RESTRICTED))


class NoteTemplate(TrackedModel):
    """A facility's template for one kind of note: the headings the writer fills in (one per line)."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="note_templates",
                                 verbose_name=_("structure"))
    kind = models.CharField(_("type de note"), max_length=20, choices=NoteKind.choices)
    title = models.CharField(_("titre"), max_length=100)
    sections = models.TextField(_("rubriques (une par ligne)"))
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("modèle de note")
        verbose_name_plural = _("modèles de note")
        ordering = ["facility", "kind", "title"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "title"], name="note_template_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        return Q(facility_id__in=ids)

    def headings(self) -> list[str]:
        return [line.strip() for line in self.sections.splitlines() if line.strip()]
