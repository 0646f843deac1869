"""Families, children, adults, requests for admission, stays and what happens during a stay."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from admissions.eligibility import explain
from unit.labels import label as vocabulary_label
from unit.models import (
    ClinicalQuerySet,
    ClinicalRecord,
    Facility,
    TrackedModel,
    one_subject_constraint,
    vocabulary_choices,
)


class Family(ClinicalRecord):
    """A dossier: a pseudonymous reference and the children and adults in it."""

    # Who the dossier is: changed only with edit rights in the facility that opened it (docs/security.md).
    IDENTITY_FIELDS = ("reference", "facility")

    # Unique within a facility (case aside), not across the organisation: a facility that types a reference
    # used only in a facility out of its reach gets the answer it would get for a new one (docs/security.md).
    reference = models.CharField(_("référence"), max_length=40, db_index=True)
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="families", verbose_name=_("structure du dossier")
    )
    notes = models.TextField(_("remarques"), blank=True)

    class Meta:
        verbose_name = _("famille")
        verbose_name_plural = _("familles")
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(Lower("reference"), "facility", name="family_reference_unique_per_facility",
                                    violation_error_message=_("Cette référence existe déjà.")),
        ]

    def __str__(self) -> str:
        return self.reference

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        # A family is reached from its own facility, or from any facility that received one of its
        # requests or hosts one of its children.
        return (
            Q(facility_id__in=ids)
            | Exists(AdmissionRequest.objects.filter(family=OuterRef("pk"), facility_id__in=ids))
            | Exists(Stay.objects.filter(child__family=OuterRef("pk"), facility_id__in=ids))
        )

    def facility_ids(self) -> set[int]:
        ids = {self.facility_id}
        ids.update(self.requests.values_list("facility_id", flat=True))
        ids.update(Stay.objects.filter(child__family=self).values_list("facility_id", flat=True))
        return ids

    def holding_facility_ids(self) -> set[int]:
        """The facility that opened the dossier and those with a live request or stay of it."""
        ids = {self.facility_id}
        ids.update(self.requests.filter(entered_in_error=False).values_list("facility_id", flat=True))
        ids.update(Stay.objects.filter(child__family=self, entered_in_error=False).values_list(
            "facility_id", flat=True))
        return ids


class Child(ClinicalRecord):
    # Who the child is, birth facts included (every facility's corrected ages rest on them).
    IDENTITY_FIELDS = ("family", "first_name", "last_name", "sex", "birth_date", "gestational_weeks",
                       "gestational_days", "birth_weight_g")

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="children", verbose_name=_("famille"))
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    sex = models.CharField(_("sexe"), max_length=1, choices=vocabulary_choices("sex"))
    birth_date = models.DateField(_("date de naissance"))
    gestational_weeks = models.PositiveSmallIntegerField(
        _("âge gestationnel (semaines)"), null=True, blank=True,
        validators=[MinValueValidator(22), MaxValueValidator(45)],
    )
    gestational_days = models.PositiveSmallIntegerField(
        _("âge gestationnel (jours)"), null=True, blank=True, validators=[MaxValueValidator(6)]
    )
    birth_weight_g = models.PositiveIntegerField(
        _("poids de naissance (g)"), null=True, blank=True,
        validators=[MinValueValidator(300), MaxValueValidator(6500)],
    )

    class Meta:
        verbose_name = _("enfant")
        verbose_name_plural = _("enfants")
        ordering = ["birth_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gestational_days__isnull=True) | Q(gestational_weeks__isnull=False),
                name="child_days_need_weeks",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        return Q(family__in=Family.objects.filter(Family.facility_scope(ids)))

    def facility_ids(self) -> set[int]:
        return self.family.facility_ids()

    def holding_facility_ids(self) -> set[int]:
        return self.family.holding_facility_ids()


class Adult(ClinicalRecord):
    # Who the adult is; the region of residence changes with a move and any facility following the family updates it.
    IDENTITY_FIELDS = ("family", "role", "first_name", "last_name", "birth_date", "nationality")

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="adults", verbose_name=_("famille"))
    role = models.CharField(_("rôle"), max_length=20, choices=vocabulary_choices("adult_role"))
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    nationality = models.CharField(
        _("nationalité (ISO 3166)"), max_length=2, blank=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Code pays à deux lettres majuscules (ex. BE)."))],
    )
    region = models.CharField(_("région de résidence"), max_length=10, blank=True,
                              choices=vocabulary_choices("region"))

    class Meta:
        verbose_name = _("adulte")
        verbose_name_plural = _("adultes")
        ordering = ["role", "pk"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        return Q(family__in=Family.objects.filter(Family.facility_scope(ids)))

    def facility_ids(self) -> set[int]:
        return self.family.facility_ids()

    def holding_facility_ids(self) -> set[int]:
        return self.family.holding_facility_ids()


class ReferrerOrganisation(TrackedModel):
    """The reusable directory of organisations that refer families."""

    name = models.CharField(_("nom"), max_length=200)
    category = models.CharField(_("catégorie"), max_length=40, choices=vocabulary_choices("referrer_category"))
    city = models.CharField(_("localité"), max_length=100, blank=True)
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("organisme envoyeur")
        verbose_name_plural = _("organismes envoyeurs")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "category"], name="referrer_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class AdmissionRequest(ClinicalRecord):
    class Verdict(models.TextChoices):
        ELIGIBLE = "eligible", _("Éligible")
        NOT_ELIGIBLE = "not_eligible", _("Non éligible")
        INCOMPLETE = "incomplete", _("Incomplet")

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="requests",
                                 verbose_name=_("structure"))
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="requests", verbose_name=_("famille"))
    received_on = models.DateField(_("date de réception"))
    requester = models.CharField(_("demandeur"), max_length=20, choices=vocabulary_choices("requester"))
    referrer_category = models.CharField(_("réseau envoyeur"), max_length=40,
                                         choices=vocabulary_choices("referrer_category"))
    referrer_organisation = models.ForeignKey(
        ReferrerOrganisation, on_delete=models.PROTECT, null=True, blank=True,
        related_name="requests", verbose_name=_("organisme envoyeur"),
    )
    referrer_contact = models.CharField(_("contact"), max_length=200, blank=True)
    reason = models.CharField(_("motif principal"), max_length=40, choices=vocabulary_choices("reason"))
    mandate = models.CharField(_("mandat de protection"), max_length=20, choices=vocabulary_choices("mandate"),
                               default="none")
    children = models.ManyToManyField(Child, blank=True, related_name="requests", verbose_name=_("enfants"))
    expected_due_date = models.DateField(_("date prévue d'accouchement"), null=True, blank=True)
    planned_admission_on = models.DateField(_("date d'admission envisagée"), null=True, blank=True)

    eligibility_answers = models.JSONField(_("réponses aux critères"), default=dict, blank=True)
    eligibility_verdict = models.CharField(_("verdict d'éligibilité"), max_length=20, blank=True,
                                           choices=Verdict.choices)
    eligibility_details = models.JSONField(_("détail du verdict"), default=dict, blank=True)
    verdict_override_reason = models.TextField(_("motif pour passer outre le verdict"), blank=True)

    decision = models.CharField(_("décision"), max_length=20, blank=True, choices=vocabulary_choices("decision"))
    decided_on = models.DateField(_("date de décision"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("décidé par"))
    refusal_reason = models.CharField(_("motif de refus"), max_length=40, blank=True,
                                      choices=vocabulary_choices("refusal_reason"))
    decision_note = models.TextField(_("commentaire de décision"), blank=True)

    class Meta:
        verbose_name = _("demande d'admission")
        verbose_name_plural = _("demandes d'admission")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="refused") | ~Q(refusal_reason=""),
                name="request_refusal_needs_reason",
                violation_error_message=_("Un refus doit avoir un motif."),
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_on__isnull=False),
                name="request_decision_has_date",
                violation_error_message=_("Une décision doit être datée."),
            ),
        ]
        indexes = [models.Index(fields=["facility", "received_on"])]

    def __str__(self) -> str:
        return f"{self.family} · {self.received_on:%d/%m/%Y}"

    def history_value(self, field_name: str, value) -> str | list[tuple[str, str]] | None:
        """The eligibility answers and verdict as the history page shows them: one row per criterion."""
        if field_name not in ("eligibility_answers", "eligibility_details") or not isinstance(value, dict):
            return None
        criteria = {c.code: c.label for c in self.facility.criteria.all()}

        def named(codes) -> str:
            return ", ".join(str(criteria.get(code, code)) for code in codes)

        if field_name == "eligibility_answers":
            return [(str(criteria.get(code, code)), vocabulary_label("answer", answer))
                    for code, answer in value.items()]
        rows = [(str(_("verdict")), str(dict(self.Verdict.choices).get(value.get("verdict"), value.get("verdict"))))]
        computed = value.get("computed") or {}
        rows += [(str(criteria.get(code, code)), explain(why)) for code, why in computed.items()]
        if value.get("failing"):
            rows.append((str(_("critères non remplis")), named(value["failing"])))
        if value.get("missing"):
            rows.append((str(_("réponses manquantes")), named(value["missing"])))
        return rows

    @property
    def status(self) -> str:
        return self.decision or "pending"


def stays_active_in_q(start, end, prefix: str = "") -> Q:
    """`admissions.stay_dates.is_active_in` in SQL: admission ≤ end and (no discharge or discharge ≥ start).

    `prefix` reaches the stay through a relation ("stays__"); the history tables use it as is.
    """
    return Q(**{f"{prefix}admitted_on__lte": end}) & (
        Q(**{f"{prefix}discharged_on__isnull": True}) | Q(**{f"{prefix}discharged_on__gte": start}))


def stays_occupying_q(first, last=None, prefix: str = "") -> Q:
    """`admissions.stay_dates.occupies_some_day` in SQL: the stay holds a place on a day of [first, last].

    A place is held up to the day before discharge; a stay admitted and discharged the same day holds
    that one day (its discharge equals its admission, so it is held on a day of the span when it starts in it).
    """
    held = (Q(**{f"{prefix}discharged_on__isnull": True}) | Q(**{f"{prefix}discharged_on__gt": first})
            | Q(**{f"{prefix}discharged_on": models.F(f"{prefix}admitted_on"), f"{prefix}admitted_on__gte": first}))
    return held if last is None else held & Q(**{f"{prefix}admitted_on__lte": last})


class StayQuerySet(ClinicalQuerySet):
    """Stays by their dates, with the rule of `admissions.stay_dates`."""

    def active_in(self, start, end) -> "StayQuerySet":
        return self.filter(stays_active_in_q(start, end))

    def occupying(self, day) -> "StayQuerySet":
        """The stays holding a place on `day`."""
        return self.filter(stays_occupying_q(day, day))

    def occupying_between(self, first, last=None) -> "StayQuerySet":
        """The stays holding a place on at least one day of [first, last] (`last` None: no end)."""
        return self.filter(stays_occupying_q(first, last))


class Stay(ClinicalRecord):
    """One child's care episode in one facility (the follow-up period for non-residential kinds)."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="stays",
                                 verbose_name=_("structure"))
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="stays", verbose_name=_("enfant"))
    request = models.ForeignKey(AdmissionRequest, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="stays", verbose_name=_("demande"))
    admitted_on = models.DateField(_("date d'admission"))
    planned_end_on = models.DateField(_("fin prévue"), null=True, blank=True)
    discharged_on = models.DateField(_("date de sortie"), null=True, blank=True)
    discharge_kind = models.CharField(_("type de sortie"), max_length=20, blank=True,
                                      choices=vocabulary_choices("discharge_kind"))
    residence_before = models.CharField(_("lieu de vie avant"), max_length=30,
                                        choices=vocabulary_choices("residence_before"))
    residence_after = models.CharField(_("lieu de vie après"), max_length=30, blank=True,
                                       choices=vocabulary_choices("residence_after"))
    mandate = models.CharField(_("mandat de protection"), max_length=20, choices=vocabulary_choices("mandate"),
                               default="none")
    admission_override_reason = models.TextField(_("motif d'admission hors demande acceptée"), blank=True)

    objects = StayQuerySet.as_manager()

    class Meta:
        verbose_name = _("séjour")
        verbose_name_plural = _("séjours")
        ordering = ["-admitted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=models.F("admitted_on")),
                name="stay_discharge_after_admission",
                violation_error_message=_("La sortie ne peut précéder l'admission."),
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | (~Q(discharge_kind="") & ~Q(residence_after="")),
                name="stay_discharge_complete",
                violation_error_message=_("Une sortie demande son type et le lieu de vie après."),
            ),
        ]
        indexes = [
            models.Index(fields=["facility", "admitted_on"]),
            models.Index(fields=["facility", "discharged_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.child} · {self.facility.name} · {self.admitted_on:%d/%m/%Y}"

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        return Q(facility_id__in=ids)

    @property
    def is_open(self) -> bool:
        return self.discharged_on is None


class PresencePeriod(ClinicalRecord):
    """An adult admitted with the child, from `start` to `end` (open while the stay goes on)."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="presence_periods", verbose_name=_("séjour"))
    adult = models.ForeignKey(Adult, on_delete=models.PROTECT, related_name="presence_periods",
                              verbose_name=_("adulte"))
    start = models.DateField(_("du"))
    end = models.DateField(_("au"), null=True, blank=True)

    class Meta:
        verbose_name = _("période de présence")
        verbose_name_plural = _("périodes de présence")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="presence_end_after_start",
                violation_error_message=_("La fin de présence ne peut précéder son début."),
            ),
        ]

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        return Q(stay__facility_id__in=ids)

    def facility_ids(self) -> set[int]:
        return {self.stay.facility_id}


class DiagnosisCode(TrackedModel):
    """Codes a clinician may pick: ICD-11 shipped, other classifications loaded by the organisation."""

    classification = models.CharField(_("classification"), max_length=10,
                                      choices=vocabulary_choices("diagnosis_classification"))
    code = models.CharField(_("code"), max_length=20)
    label_fr = models.CharField(_("libellé (fr)"), max_length=300, blank=True)
    label_en = models.CharField(_("libellé (en)"), max_length=300)
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("code diagnostique")
        verbose_name_plural = _("codes diagnostiques")
        ordering = ["classification", "code"]
        constraints = [
            models.UniqueConstraint(fields=["classification", "code"], name="diagnosis_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label_fr or self.label_en}"


class Diagnosis(ClinicalRecord):
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="diagnoses", verbose_name=_("séjour"))
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="diagnoses",
                       verbose_name=_("enfant"))
    adult = models.ForeignKey(Adult, on_delete=models.PROTECT, null=True, blank=True, related_name="diagnoses",
                       verbose_name=_("adulte"))
    timepoint = models.CharField(_("moment"), max_length=10, choices=vocabulary_choices("diagnosis_timepoint"))
    classification = models.CharField(_("classification"), max_length=10,
                                      choices=vocabulary_choices("diagnosis_classification"))
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("libellé"), max_length=300, blank=True)
    primary = models.BooleanField(_("principal"), default=False)
    made_on = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        verbose_name = _("diagnostic")
        verbose_name_plural = _("diagnostics")
        ordering = ["timepoint", "-primary", "pk"]
        constraints = [
            one_subject_constraint("diagnosis_one_subject",
                                   _("Un diagnostic concerne soit l'enfant, soit un adulte.")),
        ]

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        return Q(stay__facility_id__in=ids)

    def facility_ids(self) -> set[int]:
        return {self.stay.facility_id}

    @property
    def subject(self):
        return self.child or self.adult


class SynthesisMeeting(ClinicalRecord):
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("séjour"))
    held_on = models.DateField(_("date"))
    participants = models.TextField(_("participants"))
    evaluation = models.TextField(_("évaluation de l'évolution"), blank=True)
    adaptations = models.TextField(_("adaptations du projet de soin"), blank=True)

    class Meta:
        verbose_name = _("réunion de synthèse")
        verbose_name_plural = _("réunions de synthèse")
        ordering = ["held_on", "pk"]

    @classmethod
    def facility_scope(cls, ids: list[int]) -> Q:
        return Q(stay__facility_id__in=ids)

    def facility_ids(self) -> set[int]:
        return {self.stay.facility_id}


class Intervention(ClinicalRecord):
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="interventions",
                       verbose_name=_("structure"))
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="interventions",
                       verbose_name=_("famille"))
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, null=True, blank=True, related_name="interventions",
                       verbose_name=_("séjour"))
    kind = models.CharField(_("type"), max_length=30, choices=vocabulary_choices("intervention_kind"))
    done_on = models.DateField(_("date"))
    duration_min = models.PositiveIntegerField(_("durée (min)"), null=True, blank=True,
                                               validators=[MaxValueValidator(24 * 60)])
    professional = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("professionnel"))

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["done_on", "pk"]
        indexes = [models.Index(fields=["facility", "done_on"])]


class Signalement(ClinicalRecord):
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="signalements",
                       verbose_name=_("structure"))
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="signalements", verbose_name=_("famille"))
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, null=True, blank=True, related_name="signalements",
                       verbose_name=_("séjour"))
    made_on = models.DateField(_("date"))
    addressee = models.CharField(_("destinataire"), max_length=200)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["made_on", "pk"]
