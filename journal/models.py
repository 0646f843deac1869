"""The unit's daily record: journal notes of a stay or a family, and the note templates of each facility."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from admissions.models import Family, Stay
from journal import confidentiality, contacts
from unit import access
from unit.models import ClinicalRecord, Facility, TrackedModel, vocabulary_choices


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


# ---------------------------------------------------------------- care plan (projet de soin individualisé)


class GoalDomain(models.TextChoices):
    CHILD_DEVELOPMENT = "child_development", _("Développement de l'enfant")
    PARENT_CHILD_RELATIONSHIP = "parent_child_relationship", _("Lien parent-enfant")
    PARENTAL_HEALTH = "parental_health", _("Santé des parents")
    PARENTING_SKILLS = "parenting_skills", _("Compétences parentales")
    SOCIAL_HOUSING = "social_housing", _("Logement, ressources et droits")
    PROTECTION = "protection", _("Sécurité de l'enfant et mandat")
    NETWORK = "network", _("Relais après la sortie")


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    IN_PROGRESS = "in_progress", _("En cours")
    ACHIEVED = "achieved", _("Atteint")
    PARTLY_ACHIEVED = "partly_achieved", _("Partiellement atteint")
    NOT_ACHIEVED = "not_achieved", _("Non atteint")
    ABANDONED = "abandoned", _("Abandonné")


# A goal is open while it is planned or in progress: each synthesis meeting reviews the open goals.
OPEN_STATUSES = (GoalStatus.PLANNED, GoalStatus.IN_PROGRESS)


class CareGoal(ClinicalRecord):
    """A goal of the stay's care plan: its domain, the actions, who carries it and by when; its status and
    latest evaluation as the last synthesis meeting left them (each review is a `GoalReview`)."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="care_goals", verbose_name=_("séjour"))
    domain = models.CharField(_("domaine"), max_length=30, choices=GoalDomain.choices)
    title = models.CharField(_("objectif"), max_length=300)
    actions = models.TextField(_("actions"), blank=True)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("professionnel responsable"))
    target_on = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.PLANNED)
    evaluation = models.TextField(_("dernière évaluation"), blank=True)
    # The synthesis meeting that set the goal, when it was set at one.
    set_at = models.ForeignKey("admissions.SynthesisMeeting", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="goals_set", verbose_name=_("fixé en réunion"))

    class Meta:
        verbose_name = _("objectif du projet de soin")
        verbose_name_plural = _("objectifs du projet de soin")
        ordering = ["domain", "pk"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        return Q(stay__facility_id__in=ids)

    def facility_ids(self) -> set[int]:
        return {self.stay.facility_id}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class GoalReview(ClinicalRecord):
    """What one synthesis meeting said of one goal: its status then and the evaluation."""

    goal = models.ForeignKey(CareGoal, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("objectif"))
    meeting = models.ForeignKey("admissions.SynthesisMeeting", on_delete=models.PROTECT, related_name="goal_reviews",
                                verbose_name=_("réunion de synthèse"))
    status = models.CharField(_("statut"), max_length=20, choices=GoalStatus.choices)
    evaluation = models.TextField(_("évaluation"), blank=True)

    class Meta:
        verbose_name = _("revue d'objectif")
        verbose_name_plural = _("revues d'objectif")
        ordering = ["meeting__held_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "meeting"], name="goal_review_once_per_meeting",
                                    violation_error_message=_("Cet objectif est déjà revu à cette réunion.")),
        ]

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        return Q(goal__stay__facility_id__in=ids)

    def facility_ids(self) -> set[int]:
        return {self.goal.stay.facility_id}


class ParentParticipation(ClinicalRecord):
    """A parent at a synthesis meeting that reviewed the plan: present or not, agreeing or not, their words."""

    meeting = models.ForeignKey("admissions.SynthesisMeeting", on_delete=models.PROTECT,
                                related_name="parent_participations", verbose_name=_("réunion de synthèse"))
    adult = models.ForeignKey("admissions.Adult", on_delete=models.PROTECT, related_name="plan_participations",
                              verbose_name=_("parent"))
    present = models.BooleanField(_("présent"), default=False)
    agreed = models.BooleanField(_("d'accord avec le projet"), default=False)
    comments = models.TextField(_("commentaires du parent"), blank=True)

    class Meta:
        verbose_name = _("participation d'un parent")
        verbose_name_plural = _("participations des parents")
        ordering = ["meeting__held_on", "adult__role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "adult"], name="participation_once_per_meeting"),
        ]

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        return Q(meeting__stay__facility_id__in=ids)

    def facility_ids(self) -> set[int]:
        return {self.meeting.stay.facility_id}


# ---------------------------------------------------------------- the Today page


# The custom of the field: a synthesis meeting every 4 to 6 weeks of a stay (DOMAIN.md, "The daily record");
# the product expects one every 6 weeks unless the facility's administrator says otherwise.
DEFAULT_MEETING_EVERY_WEEKS = 6
# An alert nobody acknowledged within a week is overdue unless the facility's administrator says otherwise.
DEFAULT_ALERT_OVERDUE_DAYS = 7


class TodaySettings(TrackedModel):
    """A facility's rhythm as the Today page reads it: how often a stay has a synthesis meeting, and after how
    many days an unacknowledged alert is overdue. A facility without a row uses the defaults above."""

    facility = models.OneToOneField(Facility, on_delete=models.CASCADE, related_name="today_settings",
                                    verbose_name=_("structure"))
    meeting_every_weeks = models.PositiveSmallIntegerField(
        _("réunion de synthèse toutes les (semaines)"), default=DEFAULT_MEETING_EVERY_WEEKS,
        validators=[MinValueValidator(1), MaxValueValidator(26)])
    alert_overdue_days = models.PositiveSmallIntegerField(
        _("alerte en retard après (jours sans prise en compte)"), default=DEFAULT_ALERT_OVERDUE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)])

    class Meta:
        verbose_name = _("réglages de la page Aujourd'hui")
        verbose_name_plural = _("réglages de la page Aujourd'hui")
        constraints = [
            models.CheckConstraint(condition=Q(meeting_every_weeks__gte=1, meeting_every_weeks__lte=26),
                                   name="today_meeting_every_1_to_26_weeks"),
            models.CheckConstraint(condition=Q(alert_overdue_days__gte=1, alert_overdue_days__lte=90),
                                   name="today_alert_overdue_1_to_90_days"),
        ]

    def __str__(self) -> str:
        return str(self.facility)

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        return Q(facility_id__in=ids)


class TodayVisit(models.Model):
    """When a user last opened the Today page: its « new notes » are those written since the visit before."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="today_visit")
    previous_at = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField()

    class Meta:
        verbose_name = _("visite de la page Aujourd'hui")
        verbose_name_plural = _("visites de la page Aujourd'hui")

    def __str__(self) -> str:
        return f"{self.user} · {self.last_at:%d/%m/%Y %H:%M}"


# ---------------------------------------------------------------- contacts without a dossier

# A call longer than a working day is a typing error.
MAX_CONTACT_MINUTES = 480


class CallerKind(models.TextChoices):
    PARENT = contacts.PARENT, _("Parent")
    RELATIVE = contacts.RELATIVE, _("Proche (famille, entourage)")
    PROFESSIONAL = contacts.PROFESSIONAL, _("Professionnel du réseau")


class ContactOutcome(models.TextChoices):
    ADVICE = contacts.ADVICE, _("Conseil donné")
    ORIENTED = contacts.ORIENTED, _("Orienté ailleurs")
    REQUEST_OPENED = contacts.REQUEST_OPENED, _("Demande ouverte")


class Contact(ClinicalRecord):
    """A call or a visit the facility answered without opening a dossier: counted, never named. It holds no
    identity and no free text on purpose (who called is a kind, what about is a request reason)."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="contacts",
                                 verbose_name=_("structure"))
    contacted_on = models.DateField(_("date"))
    caller = models.CharField(_("appelant"), max_length=20, choices=CallerKind.choices)
    # The referrer category of DOMAIN.md when the caller is a professional of the network; empty otherwise.
    referrer_category = models.CharField(_("catégorie du professionnel"), max_length=40, blank=True,
                                         choices=vocabulary_choices("referrer_category"))
    topic = models.CharField(_("objet"), max_length=40, choices=vocabulary_choices("reason"))
    duration_min = models.PositiveSmallIntegerField(
        _("durée (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CONTACT_MINUTES)])
    outcome = models.CharField(_("suite donnée"), max_length=20, choices=ContactOutcome.choices)

    class Meta:
        verbose_name = _("contact sans dossier")
        verbose_name_plural = _("contacts sans dossier")
        ordering = ["-contacted_on", "-pk"]
        indexes = [models.Index(fields=["facility", "contacted_on"], name="contact_facility_day")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(caller=contacts.PROFESSIONAL) & ~Q(referrer_category=""))
                | (~Q(caller=contacts.PROFESSIONAL) & Q(referrer_category="")),
                name="contact_referrer_category_iff_professional",
                violation_error_message=_("La catégorie se donne pour un professionnel du réseau, et seulement pour "
                                          "lui.")),
            models.CheckConstraint(condition=Q(duration_min__gte=1, duration_min__lte=MAX_CONTACT_MINUTES),
                                   name="contact_duration_1_to_480_min",
                                   violation_error_message=_("La durée va de 1 à 480 minutes.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_caller_display()} · {self.contacted_on:%d/%m/%Y}"

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        return Q(facility_id__in=ids)

    def facility_ids(self) -> set[int]:
        return {self.facility_id}
