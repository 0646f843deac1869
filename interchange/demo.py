"""Demo data: one organisation, three facilities and years of plausible families, built through the services."""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from admissions import services as adm
from admissions.eligibility import NOT_ELIGIBLE, Verdict
from admissions.models import AdmissionRequest, Adult, Child, Family, Stay
from assessments import instruments
from assessments import services as assessment_services
from assessments.models import Assessment
from unit import services as unit_services
from unit.ages import PRETERM_BEFORE_WEEKS, corrected_age_days, is_preterm
from unit.models import EligibilityCriterion, Facility

DEMO_PASSWORD = "demo-parent-bebe-2026"

# (username, role, full name): one demo user per role, each with that role in every demo facility.
DEMO_USERS: list[tuple[str, str, str]] = [
    ("admissions", "admissions", "Claire Dubois"),
    ("therapist", "therapist", "Nadia Benali"),
    ("manager", "manager", "Marc Lambert"),
    ("reporting", "reporting", "Sophie Peeters"),
    ("admin", "admin", "Thomas Renard"),
]
# A therapist who works only at the Luxembourg service: shows that a user sees only their facilities.
DEMO_SCOPED_USERS: list[tuple[str, str, str, str]] = [
    ("therapist.lu", "therapist", "Anne Weber", "ads-lux"),
]

T = TypeVar("T")
Weighted = Sequence[tuple[Any, float]]

COUNT_KEYS = (
    "User", "Organisation", "Facility", "EligibilityCriterion", "Membership", "ReferrerOrganisation",
    "Family", "Child", "Adult", "AdmissionRequest", "Stay", "PresencePeriod", "Diagnosis",
    "SynthesisMeeting", "Intervention", "Signalement", "Assessment", "Alert",
)


def _pick(rng: random.Random, table: Weighted) -> Any:
    return rng.choices([value for value, _w in table], [weight for _v, weight in table])[0]


def _days(n: int) -> timedelta:
    return timedelta(days=n)


# ---------------------------------------------------------------- facilities and their populations


@dataclass(frozen=True)
class FacilityPlan:
    code: str
    name: str
    kind: str
    country: str
    region: str
    capacity: int | None
    prefix: str  # of the family references, e.g. UPB-2024-017
    families_per_3_years: int
    prenatal_share: float  # requests made during pregnancy, the child not born yet
    sibling_share: float
    minor_mother_share: float
    child_age_months: Weighted  # (first, last) completed months at the request; admission comes later
    presence_modes: Weighted  # empty for non-residential follow-up
    referrers: Weighted
    mandates: Weighted
    reasons: Weighted
    residence_before: Weighted
    stay_days: tuple[int, int]  # planned length
    nationalities: Weighted
    regions: Weighted
    interventions: Weighted
    interventions_per_week: Weighted
    signalement_share: float
    addressees: tuple[str, ...]


_BE_NATIONALITIES = (("BE", 62), ("MA", 9), ("CD", 5), ("RO", 4), ("TR", 4), ("SY", 3), ("IT", 3),
                     ("FR", 3), ("PT", 2), ("DZ", 2), ("GN", 2), ("AF", 1))
_FR_NATIONALITIES = (("FR", 65), ("DZ", 8), ("MA", 6), ("TN", 4), ("RO", 3), ("TR", 3), ("CD", 2),
                     ("SY", 2), ("PT", 2), ("CI", 2), ("SN", 2), ("IT", 1))
_LU_NATIONALITIES = (("LU", 45), ("PT", 22), ("FR", 8), ("BE", 4), ("IT", 4), ("CV", 4), ("SY", 3),
                     ("RO", 3), ("RS", 3), ("MA", 2), ("DE", 2))

_RESIDENTIAL_INTERVENTIONS = (
    ("parent_interview", 25), ("child_consultation", 18), ("family_interview", 12), ("group_workshop", 12),
    ("therapeutic_creche", 10), ("medical_escort", 8), ("network_meeting", 8), ("phone_consultation", 4),
    ("hospital_visit", 2), ("home_visit", 1),
)
_HOME_INTERVENTIONS = (
    ("home_visit", 50), ("phone_consultation", 15), ("parent_interview", 10), ("network_meeting", 8),
    ("child_consultation", 6), ("family_interview", 5), ("medical_escort", 4), ("group_workshop", 2),
)

FACILITY_PLANS: tuple[FacilityPlan, ...] = (
    FacilityPlan(
        code="upb-bxl", name="Unité parents-bébé de Bruxelles", kind="parent_baby_unit", country="BE",
        region="BE-BRU", capacity=10, prefix="UPB", families_per_3_years=45,
        prenatal_share=0.0, sibling_share=0.10, minor_mother_share=0.02,
        child_age_months=(((0, 4), 55), ((5, 10), 22), ((11, 22), 13), ((23, 34), 8), ((36, 40), 2)),
        presence_modes=(("mother_only", 50), ("both_whole_stay", 20), ("both_partial", 15),
                        ("father_only", 5), ("none", 10)),
        referrers=(
            ("hospital_maternity", 16), ("hospital_paediatrics", 14), ("hospital_psychiatry", 6),
            ("other_parent_baby_unit", 3), ("gp", 2), ("paediatrician", 4), ("psychiatrist", 4),
            ("child_psychiatrist", 4), ("psychologist", 3), ("mental_health_service", 6),
            ("parenting_support", 3), ("sos_children", 4), ("midwife", 2), ("nursery", 2), ("cpas", 3),
            ("maternal_home", 2), ("social_office", 1), ("supported_housing", 1), ("refugee_shelter", 1),
            ("one", 8), ("saj", 7), ("spj", 4), ("youth_court", 2), ("public_prosecutor", 1),
            ("family_self", 4), ("internal", 1), ("foreign_service", 1), ("other", 1),
        ),
        mandates=(("none", 55), ("saj", 20), ("spj", 12), ("youth_court", 8), ("public_prosecutor", 5)),
        reasons=(("parent_infant_relationship", 35), ("alarming_behaviour", 10), ("parenting_support", 9),
                 ("neglect", 8), ("social_isolation", 8), ("family_conflict", 8), ("difficult_pregnancy", 6),
                 ("psychological_abuse", 5), ("physical_abuse", 4), ("sexual_abuse", 1), ("other", 6)),
        residence_before=(("family_home", 55), ("hospital", 30), ("nursery_or_creche", 7),
                          ("residential_institution", 5), ("other", 3)),
        stay_days=(90, 270),
        nationalities=_BE_NATIONALITIES,
        regions=(("BE-BRU", 60), ("BE-VBR", 10), ("BE-WBR", 10), ("BE-WHT", 8), ("BE-WNA", 4),
                 ("BE-WLG", 4), ("BE-VAN", 2), ("other", 2)),
        interventions=_RESIDENTIAL_INTERVENTIONS,
        interventions_per_week=((0, 25), (1, 40), (2, 25), (3, 10)),
        signalement_share=0.06,
        addressees=("SAJ de Bruxelles", "SPJ de Bruxelles", "Parquet de Bruxelles — section famille"),
    ),
    FacilityPlan(
        code="cm-lyon", name="Centre maternel de Lyon", kind="maternal_centre", country="FR",
        region="FR-69", capacity=12, prefix="CM", families_per_3_years=35,
        prenatal_share=0.35, sibling_share=0.08, minor_mother_share=0.10,
        child_age_months=(((0, 5), 55), ((6, 11), 25), ((12, 23), 15), ((24, 33), 5)),
        presence_modes=(("mother_only", 85), ("both_whole_stay", 3), ("both_partial", 4), ("none", 8)),
        referrers=(
            ("hospital_maternity", 20), ("hospital_paediatrics", 8), ("hospital_psychiatry", 5), ("gp", 2),
            ("midwife", 5), ("psychologist", 2), ("mental_health_service", 4), ("parenting_support", 3),
            ("social_office", 10), ("maternal_home", 3), ("supported_housing", 4), ("refugee_shelter", 5),
            ("ase", 20), ("youth_court", 4), ("public_prosecutor", 1), ("family_self", 4), ("other", 2),
        ),
        mandates=(("none", 45), ("ase", 40), ("youth_court", 10), ("public_prosecutor", 5)),
        reasons=(("difficult_pregnancy", 20), ("social_isolation", 20), ("parenting_support", 20),
                 ("parent_infant_relationship", 12), ("family_conflict", 10), ("neglect", 8),
                 ("physical_abuse", 3), ("psychological_abuse", 3), ("other", 4)),
        residence_before=(("family_home", 45), ("hospital", 35), ("residential_institution", 10),
                          ("other", 10)),
        stay_days=(90, 270),
        nationalities=_FR_NATIONALITIES,
        regions=(("FR-69", 70), ("FR-01", 8), ("FR-38", 8), ("FR-42", 6), ("FR-71", 3), ("FR-26", 2),
                 ("FR-73", 1), ("other", 2)),
        interventions=_RESIDENTIAL_INTERVENTIONS,
        interventions_per_week=((0, 25), (1, 40), (2, 25), (3, 10)),
        signalement_share=0.05,
        addressees=("Cellule de recueil des informations préoccupantes — Métropole de Lyon",
                    "Procureur de la République — Tribunal judiciaire de Lyon"),
    ),
    FacilityPlan(
        code="ads-lux", name="Aide à domicile spécialisée Luxembourg", kind="home_support", country="LU",
        region="LU-LU", capacity=None, prefix="ADS", families_per_3_years=30,
        prenatal_share=0.40, sibling_share=0.12, minor_mother_share=0.04,
        child_age_months=(((0, 5), 50), ((6, 11), 25), ((12, 23), 17), ((24, 33), 8)),
        presence_modes=(),
        referrers=(
            ("hospital_maternity", 15), ("hospital_paediatrics", 10), ("hospital_psychiatry", 4), ("gp", 3),
            ("paediatrician", 5), ("midwife", 6), ("psychologist", 3), ("mental_health_service", 4),
            ("parenting_support", 8), ("social_office", 10), ("refugee_shelter", 4), ("scas", 10),
            ("youth_court", 5), ("public_prosecutor", 1), ("family_self", 8), ("internal", 2),
            ("foreign_service", 2), ("other", 2),
        ),
        mandates=(("none", 55), ("scas", 25), ("youth_court", 15), ("public_prosecutor", 5)),
        reasons=(("parenting_support", 25), ("parent_infant_relationship", 25), ("social_isolation", 15),
                 ("difficult_pregnancy", 12), ("family_conflict", 8), ("neglect", 8),
                 ("alarming_behaviour", 5), ("other", 2)),
        residence_before=(("family_home", 85), ("hospital", 10), ("other", 5)),
        stay_days=(180, 365),
        nationalities=_LU_NATIONALITIES,
        regions=(("LU-LU", 35), ("LU-ES", 25), ("LU-CA", 8), ("LU-ME", 6), ("LU-DI", 6), ("LU-GR", 5),
                 ("LU-RM", 3), ("LU-RD", 3), ("LU-WI", 3), ("LU-CL", 2), ("LU-EC", 2), ("LU-VD", 1),
                 ("other", 1)),
        interventions=_HOME_INTERVENTIONS,
        interventions_per_week=((0, 30), (1, 45), (2, 20), (3, 5)),
        signalement_share=0.07,
        addressees=("Parquet de Luxembourg — protection de la jeunesse", "Office national de l'enfance"),
    ),
)

# Fictitious referring organisations per (country, referrer category); categories without one are
# individual professionals (a contact name only) or the family itself.
REFERRER_DIRECTORY: dict[tuple[str, str], tuple[str, ...]] = {
    ("BE", "hospital_maternity"): ("Hôpital du Parc — maternité", "Clinique Sainte-Anne — maternité",
                                   "Centre hospitalier des Marolles — maternité"),
    ("BE", "hospital_paediatrics"): ("Hôpital des Enfants — pédiatrie",
                                     "Centre hospitalier des Marolles — néonatologie"),
    ("BE", "hospital_psychiatry"): ("Clinique du Val — psychiatrie", "Hôpital du Parc — psychiatrie"),
    ("BE", "other_parent_baby_unit"): ("Unité mère-bébé de Namur",),
    ("BE", "mental_health_service"): ("Service de santé mentale Les Tournesols",),
    ("BE", "parenting_support"): ("Maison de la parentalité",),
    ("BE", "sos_children"): ("Équipe SOS Enfants Bruxelles-Sud",),
    ("BE", "nursery"): ("Pouponnière Les Petits Pas",),
    ("BE", "cpas"): ("CPAS d'Anderlecht", "CPAS de Schaerbeek", "CPAS de Molenbeek-Saint-Jean"),
    ("BE", "maternal_home"): ("Maison maternelle Les Glycines",),
    ("BE", "social_office"): ("Service social communal d'Ixelles",),
    ("BE", "supported_housing"): ("Logement encadré L'Escale",),
    ("BE", "refugee_shelter"): ("Centre d'accueil pour demandeurs d'asile de Bruxelles",),
    ("BE", "one"): ("ONE — consultation Saint-Gilles", "ONE — consultation Molenbeek", "ONE — consultation Evere"),
    ("BE", "saj"): ("SAJ de Bruxelles",),
    ("BE", "spj"): ("SPJ de Bruxelles",),
    ("BE", "youth_court"): ("Tribunal de la jeunesse de Bruxelles",),
    ("BE", "public_prosecutor"): ("Parquet de Bruxelles — section famille",),
    ("BE", "internal"): ("Consultations du service",),
    ("BE", "foreign_service"): ("Service de protection de l'enfance — étranger",),
    ("FR", "hospital_maternity"): ("Maternité du Confluent", "Hôpital Saint-Irénée — maternité"),
    ("FR", "hospital_paediatrics"): ("Hôpital Saint-Irénée — néonatologie",),
    ("FR", "hospital_psychiatry"): ("Centre hospitalier des Monts d'Or — psychiatrie",),
    ("FR", "mental_health_service"): ("CMP de Vénissieux", "CMP de la Guillotière"),
    ("FR", "parenting_support"): ("Lieu d'accueil enfants-parents La Passerelle",),
    ("FR", "social_office"): ("Maison de la Métropole pour les solidarités — Lyon 8e",
                              "Maison de la Métropole pour les solidarités — Villeurbanne"),
    ("FR", "maternal_home"): ("Centre maternel Les Lilas",),
    ("FR", "supported_housing"): ("CHRS La Traboule",),
    ("FR", "refugee_shelter"): ("CADA de Villeurbanne",),
    ("FR", "ase"): ("Aide sociale à l'enfance — Métropole de Lyon",),
    ("FR", "youth_court"): ("Tribunal pour enfants de Lyon",),
    ("FR", "public_prosecutor"): ("Parquet de Lyon — mineurs",),
    ("LU", "hospital_maternity"): ("Clinique du Plateau — maternité", "Centre hospitalier du Sud — maternité"),
    ("LU", "hospital_paediatrics"): ("Clinique pédiatrique du Plateau",),
    ("LU", "hospital_psychiatry"): ("Centre hospitalier du Nord — psychiatrie",),
    ("LU", "mental_health_service"): ("Service de santé mentale d'Esch",),
    ("LU", "parenting_support"): ("Service d'aide à la parentalité",),
    ("LU", "social_office"): ("Office social de Luxembourg-Ville", "Office social d'Esch-sur-Alzette"),
    ("LU", "refugee_shelter"): ("Foyer pour demandeurs de protection internationale",),
    ("LU", "scas"): ("Service central d'assistance sociale",),
    ("LU", "youth_court"): ("Tribunal de la jeunesse de Luxembourg",),
    ("LU", "public_prosecutor"): ("Parquet de Luxembourg — protection de la jeunesse",),
    ("LU", "internal"): ("Consultations du service",),
    ("LU", "foreign_service"): ("Service de protection de l'enfance — étranger",),
}
_CONTACT_TITLES: dict[str, str] = {
    "gp": "Dr", "paediatrician": "Dr", "psychiatrist": "Dr", "child_psychiatrist": "Dr",
    "psychologist": "Mme", "midwife": "Mme",
}

# (classification, code, label). ICD-11 titles are those of admissions/data/icd11.csv, unchanged
# (CC BY-ND); the `local` codes stand for the organisation's own infant list (DC:0-5 is copyrighted).
CHILD_DIAGNOSES: tuple[tuple[str, str, str], ...] = (
    ("local", "RELAT-DIS", "Trouble de la relation parent-bébé"),
    ("local", "FEED-DIS", "Trouble de l'alimentation du nourrisson"),
    ("local", "SLEEP-DIS", "Trouble du sommeil du nourrisson"),
    ("local", "REG-DIS", "Trouble de la régulation des processus sensoriels"),
    ("local", "WITHDRAW", "Retrait relationnel du bébé"),
    ("local", "DEV-DELAY", "Retard de développement"),
    ("icd11", "6B44", "Trouble réactionnel de l'attachement"),
    ("icd11", "6B45", "Trouble de l'engagement social désinhibé"),
    ("icd11", "6B83", "Trouble d'évitement ou de restriction de l'ingestion des aliments"),
)
_CHILD_ENTRY_WEIGHTS = (30, 14, 10, 10, 10, 8, 10, 3, 5)
CHILD_NO_DIAGNOSIS = ("local", "NO-DIS", "Pas de trouble retenu")
ADULT_DIAGNOSES: tuple[tuple[str, str, str], ...] = (
    ("icd11", "6E20", "Troubles mentaux ou comportementaux associés à la grossesse, à l'accouchement "
                      "ou à la puerpéralité, sans symptômes psychotiques"),
    ("icd11", "6A70", "Trouble dépressif à épisode unique"),
    ("icd11", "6A71", "Trouble dépressif récurrent"),
    ("icd11", "6B40", "Trouble de stress post-traumatique"),
    ("icd11", "6B41", "Trouble de stress post-traumatique complexe"),
    ("icd11", "6B00", "Trouble d'anxiété généralisée"),
    ("icd11", "6D10", "Trouble de la personnalité"),
    ("icd11", "6C40", "Troubles dus à la consommation d'alcool"),
    ("icd11", "6A60", "Trouble bipolaire de type I"),
)
_ADULT_WEIGHTS = (25, 20, 8, 12, 6, 10, 8, 6, 5)

_FIRST_NAMES = {
    "F": ("Amina", "Léa", "Sarah", "Inès", "Fatima", "Julie", "Emma", "Chloé", "Yasmine", "Maria", "Ana",
          "Elena", "Aïcha", "Nour", "Laura", "Camille", "Manon", "Sofia", "Ioana", "Grâce", "Merve", "Clara",
          "Lina", "Mélissa", "Louise", "Zoé", "Alice", "Rose"),
    "M": ("Mohamed", "Lucas", "Noah", "Adam", "Thomas", "Youssef", "Nathan", "Rayan", "Hugo", "João",
          "Andrei", "Karim", "Ilyes", "Louis", "Mehdi", "Gabriel", "Omar", "Emre", "Luca", "Samuel", "Jonas",
          "Théo", "Arthur", "Jules"),
}
_LAST_NAMES = (
    "Dubois", "Martin", "Lambert", "Peeters", "Janssens", "Benali", "El Amrani", "Popescu", "Da Silva",
    "Rossi", "Yilmaz", "Mukendi", "Haddad", "Lefèvre", "Moreau", "Bernard", "Weber", "Schmit", "Muller",
    "Ferreira", "Bensaïd", "Kabongo", "Dupont", "Girard", "Leroy", "Hoffmann", "Ionescu", "Santos",
    "Al-Khatib", "Diallo", "Mertens", "Wagner", "Gomes", "Fontaine", "Aydin", "Bouzid",
)
# Median birth weight (g) by completed gestational week, rounded from common growth charts.
_MEDIAN_WEIGHT = {28: 1150, 29: 1300, 30: 1450, 31: 1650, 32: 1850, 33: 2100, 34: 2350, 35: 2600,
                  36: 2850, 37: 3050, 38: 3250, 39: 3400, 40: 3500, 41: 3600, 42: 3650}
_WITH_FATHER = ("both_whole_stay", "both_partial", "father_only")
_FATHER_SHARE = 0.55  # families with a father on record
_MOTHER_AGE_YEARS = (((18, 25), 31), ((26, 30), 28), ((31, 35), 22), ((36, 40), 13), ((41, 45), 6))

_DISCHARGE_KINDS = (("planned", 60), ("early_family", 14), ("early_team", 8), ("transfer", 8),
                    ("placement", 10))
_RESIDENCE_AFTER: dict[str, Weighted] = {
    "planned": (("home_with_parent", 80), ("maternal_home", 8), ("other_private_care", 6),
                ("other_institution", 6)),
    "early_family": (("home_with_parent", 85), ("other_private_care", 10), ("maternal_home", 5)),
    "early_team": (("home_with_parent", 40), ("other_institution", 30), ("other_private_care", 20),
                   ("hospital", 10)),
    "transfer": (("other_institution", 40), ("hospital", 35), ("maternal_home", 25)),
    "placement": (("other_institution", 55), ("other_private_care", 45)),
}
_REFUSAL_WHEN_ELIGIBLE = (("no_follow_up", 30), ("family_refused", 30), ("no_capacity", 20),
                          ("institutional_duplicate", 10), ("other", 10))
_REFUSAL_FOR_FAILING = {
    "child_age": "child_too_old",
    "no_active_domestic_violence": "active_domestic_violence",
    "no_equivalent_service": "institutional_duplicate",
}
_OVERRIDE_REASONS = (
    "Situation de danger pour l'enfant : admission décidée en réunion d'équipe malgré le critère.",
    "Éléments complétés oralement avec l'envoyeur ; à confirmer par écrit.",
    "Avis favorable du pédopsychiatre de l'équipe après entretien de pré-admission.",
)
_MEETING_PARTICIPANTS = (
    "Équipe pluridisciplinaire ; mère",
    "Équipe pluridisciplinaire ; parents",
    "Équipe pluridisciplinaire ; mère ; assistante sociale de l'envoyeur",
    "Psychologue, pédiatre, éducatrice ; parents ; service mandant",
)
_MEETING_EVALUATIONS = (
    "Évolution favorable du lien parent-bébé.",
    "Progrès dans les soins quotidiens ; fatigue maternelle importante.",
    "Relation encore fragile ; le bébé s'apaise mieux dans les bras de sa mère.",
    "Stagnation ; le projet est repris avec la famille.",
    "Inquiétudes pour la sécurité de l'enfant ; le réseau est informé.",
)
_MEETING_ADAPTATIONS = (
    "Maintien du projet de soin.",
    "Ajout d'un entretien familial hebdomadaire.",
    "Préparation de la sortie : visites à domicile.",
    "Orientation vers un suivi pédopsychiatrique.",
    "Prolongation du séjour demandée au mandant.",
)


# ---------------------------------------------------------------- build


@dataclass
class _Ctx:
    rng: random.Random
    today: date
    users: dict[str, AbstractBaseUser]
    counts: dict[str, int]
    manual_criteria: dict[int, list[str]] = field(default_factory=dict)
    referrers: dict[tuple[str, str], Any] = field(default_factory=dict)
    sequences: dict[tuple[str, int], int] = field(default_factory=dict)
    open_alerts: int = 0  # alerts left unacknowledged on current stays
    # EPDS self-harm answers: expected so far (sum of their probabilities) and drawn, to keep the share steady.
    harm_expected: float = 0.0
    harm_drawn: int = 0
    # Bayley gain (scaled points) expected minus drawn so far: the entry-to-exit change stays modest but sure.
    gain_deficit: float = 0.0
    # (stay, mother, last EPDS date, its total) on current stays: where an open alert can be shown at the end.
    current_epds: list[tuple[Stay, Adult, date, int]] = field(default_factory=list)

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] += n


@transaction.atomic
def build_demo(*, families: int | None = None, seed: int = 2026, today: date, years: int = 3,
               progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Create the demo organisation, users and `years` years of families up to `today`; counts per model.

    `families` is the number of families per facility (default: a realistic yearly intake). The same
    seed and `today` give the same data.
    """
    rng = random.Random(seed)
    ctx = _Ctx(rng=rng, today=today, users={}, counts=dict.fromkeys(COUNT_KEYS, 0))
    _create_users(ctx)
    admin = ctx.users["admin"]
    organisation = unit_services.organisation_create(user=admin, name="Réseau Parents-Bébé (démonstration)")
    ctx.count("Organisation")
    facilities: list[Facility] = []
    for plan in FACILITY_PLANS:
        facility = unit_services.facility_create(
            user=admin, organisation=organisation, code=plan.code, name=plan.name, kind=plan.kind,
            country=plan.country, region=plan.region, capacity=plan.capacity,
        )
        facilities.append(facility)
        ctx.count("Facility")
        criteria = EligibilityCriterion.objects.filter(facility=facility, active=True)
        ctx.count("EligibilityCriterion", criteria.count())
        ctx.manual_criteria[facility.pk] = list(
            criteria.filter(rule=EligibilityCriterion.Rule.MANUAL).order_by("position").values_list("code", flat=True)
        )
    _grant_memberships(ctx, facilities)

    # First requests spread over the period, then built in date order so that places go first come,
    # first served, as in a real unit.
    start = today - _days(round(365.25 * years))
    span = (today - start).days
    arrivals: list[tuple[date, int, int]] = []
    for index, plan in enumerate(FACILITY_PLANS):
        n = families if families is not None else round(plan.families_per_3_years * years / 3)
        arrivals.extend((start + _days(rng.randint(0, span)), index, k) for k in range(n))
    arrivals.sort()
    total = len(arrivals)
    for done, (received_on, index, _k) in enumerate(arrivals, start=1):
        _seed_family(ctx, FACILITY_PLANS[index], facilities[index], received_on)
        if progress is not None:
            progress(done, total)
    _open_alert_on_current_stay(ctx)
    return dict(ctx.counts)


def _create_users(ctx: _Ctx) -> None:
    User = get_user_model()
    for username, role, full_name, *_facility in [*DEMO_USERS, *DEMO_SCOPED_USERS]:
        first_name, last_name = full_name.split(" ", 1)
        is_admin = role == "admin"
        user = User(username=username, first_name=first_name, last_name=last_name,
                    is_staff=is_admin, is_superuser=is_admin)
        user.set_password(DEMO_PASSWORD)
        user.save()
        ctx.users[username] = user
        ctx.count("User")


def _grant_memberships(ctx: _Ctx, facilities: list[Facility]) -> None:
    admin = ctx.users["admin"]
    by_code = {f.code: f for f in facilities}
    for facility in facilities:
        for username, role, _name in DEMO_USERS:
            unit_services.membership_grant(user=admin, member=ctx.users[username], facility=facility, role=role)
            ctx.count("Membership")
    for username, role, _name, code in DEMO_SCOPED_USERS:
        unit_services.membership_grant(user=admin, member=ctx.users[username], facility=by_code[code], role=role)
        ctx.count("Membership")


# ---------------------------------------------------------------- one family


@dataclass
class _ChildPlan:
    sex: str
    birth_date: date
    gestational_weeks: int | None
    gestational_days: int | None
    birth_weight_g: int | None


def _gestation(rng: random.Random) -> tuple[int | None, int | None, int | None]:
    """(weeks, days, weight in g); about 15% preterm, a few unknown."""
    roll = rng.random()
    if roll < 0.04:
        return None, None, (rng.randint(260, 400) * 10 if rng.random() < 0.5 else None)
    if roll < 0.19:
        weeks = _pick(rng, ((28, 1), (29, 1), (30, 2), (31, 2), (32, 3), (33, 4), (34, 6), (35, 8), (36, 12)))
    elif roll < 0.975:
        weeks = _pick(rng, ((37, 10), (38, 20), (39, 30), (40, 28), (41, 12)))
    else:
        weeks = 42
    weight = round(_MEDIAN_WEIGHT[weeks] * rng.gauss(1.0, 0.11) / 10) * 10
    return weeks, rng.randint(0, 6), min(max(weight, 600), 5200)


def _child_plan(rng: random.Random, birth_date: date) -> _ChildPlan:
    weeks, days, weight = _gestation(rng)
    return _ChildPlan(rng.choice("FM"), birth_date, weeks, days, weight)


def _birth_at(due: date, weeks: int | None, days: int | None) -> date:
    """Birth date of a pregnancy due on `due` (40 weeks) ending at the given gestational age."""
    if weeks is None:
        return due
    return due - _days(280 - (weeks * 7 + (days or 0)))


def _years_before(on: date, years: int, rng: random.Random) -> date:
    return on - _days(round(years * 365.25) + rng.randint(0, 364))


def _reference(ctx: _Ctx, plan: FacilityPlan, year: int) -> str:
    key = (plan.prefix, year)
    ctx.sequences[key] = ctx.sequences.get(key, 0) + 1
    return f"{plan.prefix}-{year}-{ctx.sequences[key]:03d}"


def _seed_family(ctx: _Ctx, plan: FacilityPlan, facility: Facility, received_on: date) -> None:
    rng, today = ctx.rng, ctx.today
    clerk = ctx.users["admissions"]
    family = adm.family_create(user=clerk, facility=facility, reference=_reference(ctx, plan, received_on.year))
    ctx.count("Family")

    decided_on = received_on + _days(rng.randint(2, 21) if rng.random() < 0.85 else rng.randint(22, 60))
    admit_on = decided_on + _days(rng.randint(3, 35))

    # Children: born before the request, or (pregnancy) due after it.
    due: date | None = None
    children_plan: list[_ChildPlan] = []
    if rng.random() < plan.prenatal_share:
        weeks_at_request = _pick(rng, ((18, 2), (20, 3), (22, 3), (24, 5), (26, 10), (28, 15), (30, 18),
                                       (32, 18), (34, 16), (36, 10)))
        due = received_on + _days((40 - weeks_at_request) * 7 - rng.randint(0, 6))
        child = _child_plan(rng, due)
        for _attempt in range(5):
            child.birth_date = _birth_at(due, child.gestational_weeks, child.gestational_days)
            if child.birth_date > received_on:
                break
            child = _child_plan(rng, due)
        child.birth_date = max(child.birth_date, received_on + _days(1))
        children_plan.append(child)
        # The mother comes in around the 7th month; the child's stay starts after the birth.
        planned_on = received_on + _days(rng.randint(7, 28))
        neonatal = (PRETERM_BEFORE_WEEKS - child.gestational_weeks) * 7 if is_preterm(child.gestational_weeks) else 0
        admit_on = max(admit_on, child.birth_date + _days(rng.randint(3, 10) + neonatal))
    else:
        first, last = _pick(rng, plan.child_age_months)
        age_days = rng.randint(max(3, round(first * 30.44)), round((last + 1) * 30.44) - 1)
        birth = received_on - _days(age_days)
        children_plan.append(_child_plan(rng, birth))
        if rng.random() < plan.sibling_share:
            # An elder sibling still under about 32 months, else twins.
            gap = 0 if age_days > 590 or rng.random() < 0.3 else rng.randint(365, min(900, 960 - age_days))
            sibling = _child_plan(rng, birth - _days(gap))
            if gap == 0:  # twins share the pregnancy
                sibling.gestational_weeks = children_plan[0].gestational_weeks
                sibling.gestational_days = children_plan[0].gestational_days
            children_plan.append(sibling)
        planned_on = admit_on
    oldest_birth = min(c.birth_date for c in children_plan)

    adults = _seed_adults(ctx, plan, family, received_on, oldest_birth)
    children: list[Child] = []
    if due is None:
        children = [_add_child(ctx, family, c, adults) for c in children_plan]

    request = _seed_request(ctx, plan, facility, family, received_on, children, due)
    decision = _decide(ctx, plan, facility, request, received_on, decided_on, planned_on)
    if decision != "accepted" or admit_on > today:
        return
    if due is not None:
        if children_plan[0].birth_date > today:
            return
        children = [_add_child(ctx, family, children_plan[0], adults)]
    stays = _admit(ctx, plan, facility, request, children, admit_on)
    if not stays:
        # Full on at least one day of the stay: the request waits for a place, never above capacity.
        adm.request_decide(user=clerk, request=request, decision="waiting_list", decided_on=min(admit_on, today),
                           note="Unité complète à la date d'admission prévue.",
                           override_reason=request.verdict_override_reason)
        return
    _follow_stay(ctx, plan, facility, family, stays, adults)


def _seed_adults(ctx: _Ctx, plan: FacilityPlan, family: Family, on: date, oldest_birth: date) -> list[Adult]:
    rng, clerk = ctx.rng, ctx.users["admissions"]
    family_name = rng.choice(_LAST_NAMES)
    region = _pick(rng, plan.regions)
    nationality = _pick(rng, plan.nationalities)
    has_mother = rng.random() < 0.97
    has_father = rng.random() < _FATHER_SHARE or not has_mother
    if rng.random() < plan.minor_mother_share:
        mother_age = rng.randint(16, 17)
    else:
        first, last = _pick(rng, _MOTHER_AGE_YEARS)
        mother_age = rng.randint(first, last)
    mother_birth = _years_before(on, mother_age, rng)
    # A mother is at least 15 at her eldest child's birth.
    mother_birth = min(mother_birth, oldest_birth - _days(round(15 * 365.25)))
    specs: list[tuple[str, str, str, date, str, str]] = []
    if has_mother:
        last_name = family_name if rng.random() < 0.5 else rng.choice(_LAST_NAMES)
        specs.append(("mother", rng.choice(_FIRST_NAMES["F"]), last_name, mother_birth, nationality, region))
    if has_father:
        father_age = min(max(mother_age + rng.randint(-2, 8), 17), 50)
        father_birth = min(_years_before(on, father_age, rng), oldest_birth - _days(round(16 * 365.25)))
        father_nationality = nationality if rng.random() < 0.7 else _pick(rng, plan.nationalities)
        father_region = region if rng.random() < 0.85 else _pick(rng, plan.regions)
        specs.append(("father", rng.choice(_FIRST_NAMES["M"]), family_name, father_birth, father_nationality,
                      father_region))
    if rng.random() < 0.06 or not has_mother:
        specs.append(("other_guardian", rng.choice(_FIRST_NAMES["F"]), rng.choice(_LAST_NAMES),
                      _years_before(on, rng.randint(30, 45), rng), nationality, region))
    adults = []
    for role, first_name, last_name, birth, nat, reg in specs:
        adults.append(adm.adult_add(user=clerk, family=family, role=role, first_name=first_name,
                                    last_name=last_name, birth_date=birth, nationality=nat, region=reg))
        ctx.count("Adult")
    return adults


def _add_child(ctx: _Ctx, family: Family, plan: _ChildPlan, adults: list[Adult]) -> Child:
    fathers = [a for a in adults if a.role == "father"]
    last_name = (fathers or adults)[0].last_name
    child = adm.child_add(
        user=ctx.users["admissions"], family=family, first_name=ctx.rng.choice(_FIRST_NAMES[plan.sex]),
        last_name=last_name, sex=plan.sex, birth_date=plan.birth_date, gestational_weeks=plan.gestational_weeks,
        gestational_days=plan.gestational_days, birth_weight_g=plan.birth_weight_g,
    )
    ctx.count("Child")
    return child


def _referrer(ctx: _Ctx, country: str, category: str):
    names = REFERRER_DIRECTORY.get((country, category))
    if not names:
        return None
    name = ctx.rng.choice(names)
    key = (name, category)
    if key not in ctx.referrers:
        ctx.referrers[key] = adm.referrer_organisation_get_or_create(
            user=ctx.users["admissions"], name=name, category=category
        )
        ctx.count("ReferrerOrganisation")
    return ctx.referrers[key]


def _seed_request(ctx: _Ctx, plan: FacilityPlan, facility: Facility, family: Family, received_on: date,
                  children: list[Child], due: date | None) -> AdmissionRequest:
    rng = ctx.rng
    category = _pick(rng, plan.referrers)
    organisation = _referrer(ctx, plan.country, category)
    contact = ""
    if category in _CONTACT_TITLES:
        contact = f"{_CONTACT_TITLES[category]} {rng.choice(_LAST_NAMES)}"
    elif organisation is not None and rng.random() < 0.6:
        contact = f"Mme {rng.choice(_LAST_NAMES)}, assistante sociale"
    request = adm.request_create(
        user=ctx.users["admissions"], facility=facility, family=family, received_on=received_on,
        requester="family" if category == "family_self" else "professional",
        referrer_category=category, referrer_organisation=organisation, referrer_contact=contact,
        reason=_pick(rng, plan.reasons), mandate=_pick(rng, plan.mandates), children=children,
        expected_due_date=due,
    )
    ctx.count("AdmissionRequest")
    return request


def _decide(ctx: _Ctx, plan: FacilityPlan, facility: Facility, request: AdmissionRequest, received_on: date,
            decided_on: date, planned_on: date) -> str:
    """Check the criteria and decide; returns the decision code, "" while the request is pending."""
    rng, today, clerk = ctx.rng, ctx.today, ctx.users["admissions"]
    pending = decided_on > today or (received_on >= today - _days(45) and rng.random() < 0.6)
    if pending and rng.random() < 0.5:
        return ""
    answers = {code: "met" for code in ctx.manual_criteria[facility.pk]}
    roll = rng.random()
    if answers and roll < 0.13:
        answers[rng.choice(sorted(answers))] = "not_met" if roll < 0.07 else "unknown"
    verdict: Verdict = adm.request_check_eligibility(user=clerk, request=request, answers=answers,
                                                     planned_admission_on=planned_on)
    if pending:
        return ""
    refusal_reason = override = ""
    roll = rng.random()
    if verdict.verdict == "eligible":
        decision = "accepted" if roll < 0.72 else ("waiting_list" if roll < 0.87 else "refused")
        if decision == "refused":
            refusal_reason = _pick(rng, _REFUSAL_WHEN_ELIGIBLE)
    elif verdict.verdict == NOT_ELIGIBLE:
        decision = "refused" if roll < 0.85 else ("accepted" if roll < 0.95 else "waiting_list")
        refusal_reason = next((_REFUSAL_FOR_FAILING[c] for c in verdict.failing if c in _REFUSAL_FOR_FAILING),
                              "criteria_not_met")
    else:  # incomplete: the missing answers never came, or the team went ahead
        decision = "waiting_list" if roll < 0.35 else ("refused" if roll < 0.70 else "accepted")
        refusal_reason = _pick(rng, (("no_follow_up", 70), ("family_refused", 30)))
    if decision != "refused":
        refusal_reason = ""
        if verdict.verdict != "eligible":
            override = rng.choice(_OVERRIDE_REASONS)
    adm.request_decide(user=clerk, request=request, decision=decision, decided_on=decided_on,
                       refusal_reason=refusal_reason, override_reason=override)
    return decision


def _discharge_plan(ctx: _Ctx, plan: FacilityPlan, admit_on: date) -> tuple[date, date | None, str]:
    """(planned end, discharge date or None while open, discharge kind)."""
    rng = ctx.rng
    length = rng.randint(*plan.stay_days)
    planned_end = admit_on + _days(length)
    kind = _pick(rng, _DISCHARGE_KINDS)
    if kind == "planned":
        actual = length + rng.randint(-14, 21) + (rng.randint(30, 90) if rng.random() < 0.1 else 0)
    elif kind == "early_family":
        actual = round(length * rng.uniform(0.1, 0.7))
    else:
        actual = round(length * rng.uniform(0.2, 0.95))
    discharged_on = admit_on + _days(max(actual, 3))
    return planned_end, (discharged_on if discharged_on <= ctx.today else None), kind


def _admit(ctx: _Ctx, plan: FacilityPlan, facility: Facility, request: AdmissionRequest, children: list[Child],
           admit_on: date) -> list[tuple[Stay, date | None, str]]:
    """Admit every child of the request, or none when the unit is full (siblings come together)."""
    rng = ctx.rng
    planned_end, discharged_on, kind = _discharge_plan(ctx, plan, admit_on)
    residence_before = _pick(rng, plan.residence_before)
    try:
        with transaction.atomic():
            stays = [
                adm.stay_admit(user=ctx.users["admissions"], facility=facility, child=child, request=request,
                               admitted_on=admit_on, residence_before=residence_before, mandate=request.mandate,
                               planned_end_on=planned_end)
                for child in children
            ]
    except adm.CapacityError:
        return []
    ctx.count("Stay", len(stays))
    return [(stay, discharged_on, kind) for stay in stays]


def _follow_stay(ctx: _Ctx, plan: FacilityPlan, facility: Facility, family: Family,
                 stays: list[tuple[Stay, date | None, str]], adults: list[Adult]) -> None:
    """What happens during the stay(s) of one admission: presence, diagnoses, care events, discharge."""
    rng, today = ctx.rng, ctx.today
    therapist = ctx.users["therapist"]
    first, discharged_on, kind = stays[0]
    admit_on = first.admitted_on
    until = discharged_on or today  # last day with care events
    by_role = {a.role: a for a in reversed(adults)}
    mother, father = by_role.get("mother"), by_role.get("father")

    present: list[Adult] = []
    if plan.presence_modes:
        present = _presence(ctx, plan, [stay for stay, _d, _k in stays], by_role, until)

    # Entry diagnoses, within the first weeks.
    entry_codes: dict[int, tuple[str, str, str]] = {}
    if (until - admit_on).days >= 7:
        for stay, _d, _k in stays:
            if rng.random() < 0.88:
                entry = rng.choices(CHILD_DIAGNOSES, _CHILD_ENTRY_WEIGHTS)[0]
                _diagnose(ctx, stay, "entry", entry, True, child=stay.child,
                          made_on=_between(rng, admit_on + _days(7), min(admit_on + _days(28), until)))
                entry_codes[stay.pk] = entry
                if rng.random() < 0.25:
                    other = rng.choice([d for d in CHILD_DIAGNOSES if d != entry])
                    _diagnose(ctx, stay, "entry", other, False, child=stay.child,
                              made_on=_between(rng, admit_on + _days(7), min(admit_on + _days(28), until)))
    adult_entry: dict[int, tuple[str, str, str]] = {}
    candidates = present if plan.presence_modes else [a for a in (mother, father) if a is not None]
    if (until - admit_on).days >= 7:
        for adult in candidates:
            share = 0.35 if adult.role == "mother" else (0.10 if adult.role == "father" else 0.0)
            if rng.random() < share:
                code = rng.choices(ADULT_DIAGNOSES, _ADULT_WEIGHTS)[0]
                _diagnose(ctx, first, "entry", code, True, adult=adult,
                          made_on=_between(rng, admit_on + _days(7), min(admit_on + _days(35), until)))
                adult_entry[adult.pk] = code

    # Synthesis meetings about every six weeks.
    meeting_on = admit_on + _days(rng.randint(28, 45))
    while meeting_on <= until:
        adm.meeting_add(user=therapist, stay=first, held_on=meeting_on,
                        participants=rng.choice(_MEETING_PARTICIPANTS),
                        evaluation=rng.choice(_MEETING_EVALUATIONS), adaptations=rng.choice(_MEETING_ADAPTATIONS))
        ctx.count("SynthesisMeeting")
        meeting_on += _days(rng.randint(35, 49))

    _interventions(ctx, plan, facility, family, first, admit_on, until)

    if rng.random() < plan.signalement_share and (until - admit_on).days >= 14:
        adm.signalement_add(user=therapist, facility=facility, family=family, stay=first,
                            made_on=_between(rng, admit_on + _days(7), until), addressee=rng.choice(plan.addressees))
        ctx.count("Signalement")

    if plan.presence_modes:
        _assessments(ctx, plan, stays, present, until)

    if discharged_on is None:
        return
    residence_after = _pick(rng, _RESIDENCE_AFTER[kind])
    for stay, _d, _k in stays:
        adm.stay_discharge(user=ctx.users["admissions"], stay=stay, discharged_on=discharged_on,
                           discharge_kind=kind, residence_after=residence_after)
        entry = entry_codes.get(stay.pk)
        if entry is not None and rng.random() < 0.85:
            roll = rng.random()
            if roll < 0.40:
                exit_code = entry
            elif roll < 0.75:
                exit_code = CHILD_NO_DIAGNOSIS
            else:
                exit_code = rng.choice(CHILD_DIAGNOSES)
            _diagnose(ctx, stay, "exit", exit_code, True, child=stay.child,
                      made_on=_between(rng, max(admit_on, discharged_on - _days(7)), discharged_on))
    for adult in candidates:
        code = adult_entry.get(adult.pk)
        if code is not None and rng.random() < 0.5:
            _diagnose(ctx, first, "exit", code, True, adult=adult,
                      made_on=_between(rng, max(admit_on, discharged_on - _days(7)), discharged_on))


def _between(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return last
    return first + _days(rng.randint(0, (last - first).days))


def _presence_modes_given(modes: Weighted, *, has_father: bool) -> Weighted:
    """Mode weights for a family with or without a father, so that the overall mix stays `modes`."""
    total = sum(w for _m, w in modes)
    with_father = sum(w for m, w in modes if m in _WITH_FATHER) / total
    without = [(m, w) for m, w in modes if m not in _WITH_FATHER]
    if not has_father:
        return without
    scaled = min(with_father / _FATHER_SHARE, 1.0)
    rest = sum(w for _m, w in without)
    return [(m, w / total / with_father * scaled) for m, w in modes if m in _WITH_FATHER] + [
        (m, w / rest * (1 - scaled)) for m, w in without
    ]


def _presence(ctx: _Ctx, plan: FacilityPlan, stays: list[Stay], by_role: dict[str, Adult],
              until: date) -> list[Adult]:
    """The parents admitted with the child(ren) (DOMAIN.md admission modes); returns who was present."""
    rng, user = ctx.rng, ctx.users["admissions"]
    mother, father, guardian = by_role.get("mother"), by_role.get("father"), by_role.get("other_guardian")
    mode = _pick(rng, _presence_modes_given(plan.presence_modes, has_father=father is not None))
    if mode in ("mother_only", "both_whole_stay", "both_partial") and mother is None:
        mode = "father_only" if father is not None else "none"
    if mode == "father_only" and father is None:
        mode = "mother_only" if mother is not None else "none"
    admit_on = stays[0].admitted_on
    length = (until - admit_on).days
    # (adult, start, end or None); the end of an early leave is recorded when it happens.
    periods: list[tuple[Adult, date, date | None]] = []
    if mode in ("mother_only", "both_whole_stay", "both_partial"):
        periods.append((mother, admit_on, None))
    if mode in ("father_only", "both_whole_stay"):
        periods.append((father, admit_on, None))
    elif mode == "both_partial":
        if rng.random() < 0.5:
            joins = admit_on + _days(rng.randint(7, 21))
            if joins < until:  # else the father never came: mother only in the end
                periods.append((father, joins, None))
        elif length >= 4:
            periods.append((father, admit_on, admit_on + _days(round(length * rng.uniform(0.3, 0.8)))))
    elif mode == "none" and guardian is not None and rng.random() < 0.5:
        periods.append((guardian, admit_on, None))
    for stay in stays:
        for adult, start, end in periods:
            period = adm.presence_add(user=user, stay=stay, adult=adult, start=start)
            if end is not None:
                adm.presence_end(user=user, period=period, end=end)
            ctx.count("PresencePeriod")
    return [adult for adult, _start, _end in periods]


def _diagnose(ctx: _Ctx, stay: Stay, timepoint: str, code: tuple[str, str, str], primary: bool, *,
              made_on: date, child: Child | None = None, adult: Adult | None = None) -> None:
    classification, value, label = code
    adm.diagnosis_add(user=ctx.users["therapist"], stay=stay, timepoint=timepoint, classification=classification,
                      code=value, label=label, primary=primary, child=child, adult=adult, made_on=made_on)
    ctx.count("Diagnosis")


def _interventions(ctx: _Ctx, plan: FacilityPlan, facility: Facility, family: Family, stay: Stay,
                   admit_on: date, until: date) -> None:
    rng, therapist = ctx.rng, ctx.users["therapist"]
    professionals = [therapist]
    if facility.code == "ads-lux":
        professionals.append(ctx.users["therapist.lu"])
    # The first interview precedes the admission: it belongs to the family, not yet to a stay.
    adm.intervention_add(user=therapist, facility=facility, family=family, kind="first_interview",
                         done_on=_between(rng, stay.request.received_on, admit_on),
                         duration_min=rng.choice((60, 90)), professional=rng.choice(professionals))
    ctx.count("Intervention")
    week = admit_on
    while week <= until:
        for _n in range(_pick(rng, plan.interventions_per_week)):
            done_on = week + _days(rng.randint(0, 6))
            if done_on > until:
                continue
            kind = _pick(rng, plan.interventions)
            duration = rng.choice((30, 30, 45, 60, 60, 90, 120) if kind != "network_meeting" else (60, 90, 120))
            adm.intervention_add(user=therapist, facility=facility, family=family, stay=stay, kind=kind,
                                 done_on=done_on, duration_min=duration, professional=rng.choice(professionals))
            ctx.count("Intervention")
        week += _days(7)


# ---------------------------------------------------------------- assessments

_NORMS = statistics.NormalDist(100, 15)
# Relative weight of each EPDS item (1–9) in the points of a total: anxiety, coping and sadness weigh most.
_EPDS_ITEM_WEIGHTS = (2, 1, 3, 4, 3, 3, 2, 3, 2)
# ADBB items (facial expression … attractiveness): eye contact, vocalisations and relationship weigh most.
_ADBB_ITEM_WEIGHTS = (3, 4, 2, 1, 3, 2, 4, 2)
_ALERT_NOTES = (
    "Entretien avec la mère le jour même : pas de projet suicidaire ; plan de sécurité établi avec elle.",
    "Évaluation psychiatrique en urgence ; suivi psychiatrique renforcé et surveillance rapprochée.",
    "Psychiatre de l'équipe et médecin traitant informés ; réévaluation à 48 h, idées passives sans projet.",
    "Entretien avec la psychologue de référence ; le conjoint et le réseau sont informés avec l'accord de la mère.",
)
# Mean change of the Bayley scaled scores (and PIR-GAS points) from entry to exit, by discharge kind.
_BAYLEY_GAIN = {"planned": 1.2, "early_family": 0.8, "early_team": 0.2, "transfer": 0.5, "placement": 0.1}
_PIRGAS_GAIN = {"planned": 15, "early_family": 8, "early_team": 1, "transfer": 5, "placement": -2}


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _norm_age_fits(child: Child, on: date, code: str) -> bool:
    """Whether the child's age on `on` (corrected when the instrument corrects) is in the instrument's range."""
    instrument = instruments.get(code)
    age = (on - child.birth_date).days
    if age < 0:
        return False
    if instrument.corrects_for_prematurity:
        corrected = corrected_age_days(child.birth_date, on, child.gestational_weeks, child.gestational_days,
                                       until_months=settings.CORRECTED_AGE_UNTIL_MONTHS)
        if corrected is not None:
            age = corrected
    return instrument.in_age_range(age)


def _day_in(rng: random.Random, first: date, last: date, fits: Callable[[date], bool] | None = None) -> date | None:
    """A random day of [first, last] for which `fits` holds, None when there is none."""
    days = [first + _days(n) for n in range((last - first).days + 1)]
    if fits is not None:
        days = [d for d in days if fits(d)]
    return rng.choice(days) if days else None


def _record(ctx: _Ctx, stay: Stay, code: str, on: date, scores: dict, *, child: Child | None = None,
            adult: Adult | None = None) -> Assessment:
    assessment = assessment_services.assessment_record(
        user=ctx.users["therapist"], stay=stay, instrument_code=code, assessed_on=on, scores=scores,
        child=child, adult=adult)
    ctx.count("Assessment")
    return assessment


def _assessments(ctx: _Ctx, plan: FacilityPlan, stays: list[tuple[Stay, date | None, str]], present: list[Adult],
                 until: date) -> None:
    """Bayley-4, ADBB and PIR-GAS of each child, EPDS of the admitted mother: as the unit's rules expect."""
    rng = ctx.rng
    pbu = plan.kind == "parent_baby_unit"
    first, discharged_on, kind = stays[0]
    for stay, _d, _k in stays:
        _bayley(ctx, stay, discharged_on, kind, until, share=0.92 if pbu else 0.45)
        _adbb(ctx, stay, discharged_on, until, share=0.45 if pbu else 0.25)
        if pbu and rng.random() < 0.9:
            _pirgas(ctx, stay, discharged_on, kind, until)
    for adult in present:
        if adult.role == "mother" and rng.random() < 0.93:
            # The mother is admitted with the child: her presence starts on the admission day.
            _epds(ctx, first, adult, first.admitted_on, discharged_on, until)


def _bayley_scores(rng: random.Random, subtests: dict[str, int], *, questionnaires: bool) -> dict:
    """Composites consistent with the scaled scores (≈ 100 + 5 × (mean − 10)), percentile ranks from them."""
    scores: dict[str, int | float] = dict(subtests)
    cog = 100 + 5 * (subtests["cog_ss"] - 10) + rng.gauss(0, 1.2)
    lang = 100 + 5.5 * ((subtests["rc_ss"] + subtests["ec_ss"]) / 2 - 10) + rng.gauss(0, 2.5)
    motor = 100 + 5.5 * ((subtests["fm_ss"] + subtests["gm_ss"]) / 2 - 10) + rng.gauss(0, 2.5)
    composites = {"cog": _clamp(cog, 40, 160), "lang": _clamp(lang, 40, 160), "motor": _clamp(motor, 40, 160)}
    if questionnaires:
        level = statistics.fmean(subtests.values()) - 10
        composites["se"] = _clamp(rng.gauss(93 + 2 * level, 13), 40, 160)
        composites["ab"] = _clamp(rng.gauss(95 + 2.5 * level, 12), 40, 160)
    scores.update(composites)
    if rng.random() < 0.8:
        for code, value in composites.items():
            scores[f"{code}_pr"] = min(max(round(_NORMS.cdf(value) * 100, 1), 0.1), 99.9)
    return scores


def _bayley(ctx: _Ctx, stay: Stay, discharged_on: date | None, kind: str, until: date, *, share: float) -> None:
    """Entry Bayley-4 within 30 days of admission; before discharge (or the planned end) after ~2 months."""
    rng, child = ctx.rng, stay.child
    if rng.random() >= share:
        return
    admit_on = stay.admitted_on
    def fits(d: date) -> bool:
        return _norm_age_fits(child, d, "bayley4")
    entry_on = _day_in(rng, admit_on + _days(2), admit_on + _days(30), fits)
    if entry_on is None or entry_on > until:
        return
    weeks = child.gestational_weeks or 39
    level = rng.gauss(-1.0, 2.3) - (1.2 if weeks < 32 else (0.5 if is_preterm(weeks) else 0.0))
    offsets = {"cog_ss": 0.0, "rc_ss": -0.2, "ec_ss": -0.5, "fm_ss": 0.2, "gm_ss": 0.1}
    entry = {code: _clamp(10 + level + offset + rng.gauss(0, 1.6), 1, 19) for code, offset in offsets.items()}
    questionnaires = rng.random() < 0.4
    _record(ctx, stay, "bayley4", entry_on, _bayley_scores(rng, entry, questionnaires=questionnaires), child=child)

    # Exit: in the 30 days before discharge, or before the planned end while the stay is open.
    if discharged_on is not None:
        end, share_exit = discharged_on, 0.85
    elif stay.planned_end_on is not None:
        end, share_exit = min(stay.planned_end_on, until), 0.5
    else:
        return
    if (end - admit_on).days < 60 or rng.random() >= share_exit:
        return
    window_start = max(end - _days(30), entry_on + _days(30))
    if stay.planned_end_on is not None and discharged_on is None:
        window_start = max(window_start, stay.planned_end_on - _days(30))
    exit_on = _day_in(rng, window_start, end, fits)
    if exit_on is None:
        return
    expected = _BAYLEY_GAIN.get(kind, 0.8) if discharged_on is not None else 0.9
    gain = rng.gauss(expected, 0.9) + 0.5 * ctx.gain_deficit
    ctx.gain_deficit += expected - gain
    later = {code: _clamp(value + gain + rng.gauss(0, 0.6), 1, 19) for code, value in entry.items()}
    _record(ctx, stay, "bayley4", exit_on, _bayley_scores(rng, later, questionnaires=questionnaires), child=child)


def _items(rng: random.Random, total: int, weights: Sequence[int], top: int) -> list[int]:
    """Spread `total` points over items scored 0–`top`, the heavier items first."""
    items = [0] * len(weights)
    for _point in range(min(total, top * len(items))):
        free = [i for i, value in enumerate(items) if value < top]
        items[rng.choices(free, [weights[i] for i in free])[0]] += 1
    return items


def _adbb(ctx: _Ctx, stay: Stay, discharged_on: date | None, until: date, *, share: float) -> None:
    """ADBB (2–24 months) in the first month, again before discharge for some."""
    rng, child = ctx.rng, stay.child
    if rng.random() >= share:
        return
    admit_on = stay.admitted_on
    def fits(d: date) -> bool:
        return _norm_age_fits(child, d, "adbb")
    entry_on = _day_in(rng, admit_on + _days(2), admit_on + _days(30), fits)
    if entry_on is None or entry_on > until:
        return
    total = rng.randint(5, 15) if rng.random() < 0.35 else rng.randint(0, 4)
    codes = ("a01", "a02", "a03", "a04", "a05", "a06", "a07", "a08")
    items = _items(rng, total, _ADBB_ITEM_WEIGHTS, 4)
    _record(ctx, stay, "adbb", entry_on, dict(zip(codes, items, strict=True)), child=child)
    if discharged_on is None or (discharged_on - admit_on).days < 60 or rng.random() >= 0.6:
        return
    exit_on = _day_in(rng, max(discharged_on - _days(21), entry_on + _days(30)), discharged_on, fits)
    if exit_on is None:
        return
    later = _clamp(total * rng.uniform(0.3, 1.1) + rng.choice((-1, 0, 0, 1)), 0, 32)
    items = _items(rng, later, _ADBB_ITEM_WEIGHTS, 4)
    _record(ctx, stay, "adbb", exit_on, dict(zip(codes, items, strict=True)), child=child)


def _pirgas(ctx: _Ctx, stay: Stay, discharged_on: date | None, kind: str, until: date) -> None:
    """PIR-GAS in the first month and in the last two weeks: the relationship usually better at exit."""
    rng, admit_on = ctx.rng, stay.admitted_on
    entry_on = _day_in(rng, admit_on + _days(3), admit_on + _days(30))
    if entry_on is None or entry_on > until:
        return
    rounded = rng.random() < 0.5  # some clinicians rate in steps of five
    def rating(value: float) -> int:
        return _clamp(round(value / 5) * 5 if rounded else value, 5, 95)
    entry = rating(rng.gauss(50, 11))
    _record(ctx, stay, "pirgas", entry_on, {"score": entry}, child=stay.child)
    if discharged_on is None or (discharged_on - admit_on).days < 45 or rng.random() >= 0.85:
        return
    exit_on = _day_in(rng, max(discharged_on - _days(14), entry_on + _days(14)), discharged_on)
    if exit_on is None:
        return
    later = rating(entry + rng.gauss(_PIRGAS_GAIN.get(kind, 5), 9))
    _record(ctx, stay, "pirgas", exit_on, {"score": later}, child=stay.child)


def _epds_total(rng: random.Random) -> int:
    """~30% probable depression (≥ 13), ~15% possible (10–12), the rest below the threshold."""
    roll = rng.random()
    if roll < 0.30:
        return 13 + min(int(rng.expovariate(1 / 4.5)), 14)
    if roll < 0.45:
        return rng.randint(10, 12)
    return int(rng.triangular(0, 9.99, 5))


def _epds_items(ctx: _Ctx, total: int, *, harm: bool | None = None) -> dict[str, int]:
    """Items giving `total`; item 10 above 0 in ~5% overall, mostly with high totals (unless `harm` is given)."""
    rng = ctx.rng
    if harm is None:
        # Drawn against the running deficit, so that even a small demo has its few alerts.
        ctx.harm_expected += 0.13 if total >= 13 else (0.04 if total >= 10 else 0.01)
        harm = rng.random() < ctx.harm_expected - ctx.harm_drawn
        ctx.harm_drawn += harm
    e10 = _pick(rng, ((1, 75), (2, 20), (3, 5))) if harm else 0
    items = _items(rng, max(total - e10, 0), _EPDS_ITEM_WEIGHTS, 3)
    scores = {f"e{n:02d}": value for n, value in enumerate(items, start=1)}
    scores["e10"] = e10
    return scores


def _epds(ctx: _Ctx, stay: Stay, mother: Adult, start: date, discharged_on: date | None, until: date) -> None:
    """EPDS within 14 days of the mother's presence start, repeated 2–5 weeks later for some positive screens."""
    rng = ctx.rng
    on = _day_in(rng, start, start + _days(14))
    if on is None or on > until:
        return
    total = _epds_total(rng)
    _record_epds(ctx, stay, mother, on, _epds_items(ctx, total), discharged_on)
    if total >= 10 and rng.random() < 0.5:
        again = on + _days(rng.randint(14, 35))
        if again <= until:
            total = _clamp(total + rng.gauss(-3, 3.5), 0, 30)
            _record_epds(ctx, stay, mother, again, _epds_items(ctx, total), discharged_on)
            on = again
    if discharged_on is None:
        ctx.current_epds.append((stay, mother, on, total))


def _record_epds(ctx: _Ctx, stay: Stay, mother: Adult, on: date, scores: dict[str, int],
                 discharged_on: date | None) -> None:
    """Record; a self-harm alert is acknowledged with a note, but stays open on a current stay (two at most)."""
    rng = ctx.rng
    assessment = _record(ctx, stay, "epds", on, scores, adult=mother)
    if "self_harm" not in assessment.flags:
        return
    for alert in assessment.alerts.order_by("pk"):
        ctx.count("Alert")
        if discharged_on is None and ctx.open_alerts < 2:
            ctx.open_alerts += 1  # the team has not written its note yet
            continue
        if discharged_on is not None and rng.random() < 0.1:
            continue
        assessment_services.alert_acknowledge(user=ctx.users["therapist"], alert=alert,
                                              note=rng.choice(_ALERT_NOTES))


def _open_alert_on_current_stay(ctx: _Ctx) -> None:
    """When no current stay shows an open alert, a repeat EPDS of the most depressed current mother raises one."""
    if ctx.open_alerts or not ctx.current_epds:
        return
    candidates = [item for item in ctx.current_epds if (ctx.today - item[2]).days >= 14]
    if not candidates:
        return
    stay, mother, last_on, total = max(candidates, key=lambda item: (item[3], item[0].pk))
    on = _between(ctx.rng, last_on + _days(14), min(last_on + _days(35), ctx.today))
    scores = _epds_items(ctx, max(total, 13) + ctx.rng.randint(0, 3), harm=True)
    _record_epds(ctx, stay, mother, on, scores, None)
