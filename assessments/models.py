"""Assessments (scores of an instrument at a date), the alerts they raise, and the expected ones."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from admissions.models import Adult, Child, Stay
from assessments import instruments
from unit.models import ClinicalRecord, Facility, TrackedModel, one_subject_constraint


class Assessment(ClinicalRecord):
    """Scores as read by the assessor; instrument rules live in code (assessments.instruments)."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("séjour"))
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="assessments",
                              verbose_name=_("enfant"))
    adult = models.ForeignKey(Adult, on_delete=models.PROTECT, null=True, blank=True, related_name="assessments",
                              verbose_name=_("adulte"))
    instrument = models.CharField(_("instrument"), max_length=30)
    assessed_on = models.DateField(_("date de passation"))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("évaluateur"))
    scores = models.JSONField(_("scores"), default=dict)
    derived = models.JSONField(_("scores dérivés"), default=dict, blank=True)
    bands = models.JSONField(_("catégories"), default=dict, blank=True)
    flags = models.JSONField(_("signaux"), default=list, blank=True)
    warnings = models.JSONField(_("avertissements"), default=list, blank=True)
    age_days = models.IntegerField(_("âge chronologique (jours)"), null=True, blank=True)
    corrected_age_days = models.IntegerField(_("âge corrigé (jours)"), null=True, blank=True)
    out_of_age_range_confirmed = models.BooleanField(_("hors tranche d'âge confirmé"), default=False)
    notes = models.TextField(_("remarques"), blank=True)

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        ordering = ["-assessed_on", "-pk"]
        constraints = [
            one_subject_constraint("assessment_one_subject",
                                   _("Une évaluation concerne soit l'enfant, soit un adulte.")),
        ]
        indexes = [
            models.Index(fields=["stay", "instrument", "assessed_on"]),
            models.Index(fields=["child", "instrument", "assessed_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_name} · {self.assessed_on:%d/%m/%Y}"

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        return Q(stay__facility_id__in=ids)

    def facility_ids(self) -> set[int]:
        return {self.stay.facility_id}

    @property
    def subject(self):
        return self.child or self.adult

    def _tool(self):
        return instruments.registry().get(self.instrument)

    def history_value(self, field_name: str, value) -> str | list[tuple[str, str]] | None:
        """The instrument by its name, scores by their labels, bands and flags by their labels (history page)."""
        tool = self._tool()
        if tool is None:
            return None
        lang = get_language() or "fr"
        if field_name == "instrument":
            return tool.name
        if field_name in ("scores", "derived") and isinstance(value, dict):
            return [(tool.score_label(code, lang), _number(score)) for code, score in value.items()]
        if field_name == "bands" and isinstance(value, dict):
            return [(tool.score_label(code, lang), _band_label(tool, code, band, lang)) for code, band in value.items()]
        if field_name == "flags" and isinstance(value, list):
            return " · ".join(tool.flag_label(code, lang) for code in value)
        if field_name == "warnings" and isinstance(value, list):
            return " ".join(str(item) for item in value)
        return None

    @property
    def instrument_name(self) -> str:
        """The instrument's name (« Bayley-4 »), never its code."""
        tool = self._tool()
        return tool.name if tool else self.instrument

    @property
    def flag_labels(self) -> list[str]:
        """The flags raised, by their label in the active language."""
        tool = self._tool()
        lang = get_language() or "fr"
        return [tool.flag_label(code, lang) if tool else code for code in self.flags]


def _number(value) -> str:
    return f"{value:g}".replace(".", ",") if isinstance(value, float) else str(value)


def _band_label(tool, score_code: str, band_code: str, lang: str) -> str:
    for band in tool.bands.get(score_code, ()):
        if band.code == band_code:
            return band.label(lang)
    return band_code


class Alert(TrackedModel):
    """A finding that must be seen (EPDS item 10 above 0): visible until a clinician acknowledges it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="alerts",
                       verbose_name=_("évaluation"))
    code = models.CharField(_("signal"), max_length=40)
    acknowledged_at = models.DateTimeField(_("pris en compte le"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("pris en compte par"))
    acknowledgement_note = models.TextField(_("note de prise en compte"), blank=True)

    class Meta:
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "code"], name="alert_once_per_assessment"),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | ~Q(acknowledgement_note=""),
                name="alert_acknowledged_with_note",
                violation_error_message=_("La prise en compte d'une alerte demande une note."),
            ),
        ]

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        return Q(assessment__stay__facility_id__in=ids)

    def facility_ids(self) -> set[int]:
        return {self.assessment.stay.facility_id}

    @property
    def label(self) -> str:
        """What the alert is about, in words (its code is for the database and the exports)."""
        tool = self.assessment._tool()
        return tool.flag_label(self.code, get_language() or "fr") if tool else self.code


class ExpectedAssessment(TrackedModel):
    """A facility's rule for assessments that are due (e.g. Bayley within 30 days of admission)."""

    class Anchor(models.TextChoices):
        ADMISSION = "admission", _("après l'admission")
        PLANNED_END = "planned_end", _("avant la fin prévue")

    class Subject(models.TextChoices):
        CHILD = "child", _("l'enfant")
        MOTHER = "mother", _("chaque mère admise")
        FATHER = "father", _("chaque père admis")

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="expected_assessments",
                       verbose_name=_("structure"))
    instrument = models.CharField(_("instrument"), max_length=30)
    subject = models.CharField(_("pour"), max_length=10, choices=Subject.choices, default=Subject.CHILD)
    anchor = models.CharField(_("repère"), max_length=20, choices=Anchor.choices)
    window_days = models.PositiveSmallIntegerField(_("fenêtre (jours)"), default=30)
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("évaluation attendue")
        verbose_name_plural = _("évaluations attendues")
        constraints = [
            models.UniqueConstraint(fields=["facility", "instrument", "subject", "anchor"],
                                    name="expected_assessment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.facility.code}: {self.instrument} {self.get_anchor_display()} ({self.window_days} j)"
