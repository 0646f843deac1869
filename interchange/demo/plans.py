"""The demo's facilities and the populations they draw from: intake, gestation, diagnoses, names, outcomes."""

from __future__ import annotations

from dataclasses import dataclass

from interchange.demo.context import Weighted

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
CONTACT_TITLES: dict[str, str] = {
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
CHILD_ENTRY_WEIGHTS = (30, 14, 10, 10, 10, 8, 10, 3, 5)
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
ADULT_WEIGHTS = (25, 20, 8, 12, 6, 10, 8, 6, 5)

FIRST_NAMES = {
    "F": ("Amina", "Léa", "Sarah", "Inès", "Fatima", "Julie", "Emma", "Chloé", "Yasmine", "Maria", "Ana",
          "Elena", "Aïcha", "Nour", "Laura", "Camille", "Manon", "Sofia", "Ioana", "Grâce", "Merve", "Clara",
          "Lina", "Mélissa", "Louise", "Zoé", "Alice", "Rose"),
    "M": ("Mohamed", "Lucas", "Noah", "Adam", "Thomas", "Youssef", "Nathan", "Rayan", "Hugo", "João",
          "Andrei", "Karim", "Ilyes", "Louis", "Mehdi", "Gabriel", "Omar", "Emre", "Luca", "Samuel", "Jonas",
          "Théo", "Arthur", "Jules"),
}
LAST_NAMES = (
    "Dubois", "Martin", "Lambert", "Peeters", "Janssens", "Benali", "El Amrani", "Popescu", "Da Silva",
    "Rossi", "Yilmaz", "Mukendi", "Haddad", "Lefèvre", "Moreau", "Bernard", "Weber", "Schmit", "Muller",
    "Ferreira", "Bensaïd", "Kabongo", "Dupont", "Girard", "Leroy", "Hoffmann", "Ionescu", "Santos",
    "Al-Khatib", "Diallo", "Mertens", "Wagner", "Gomes", "Fontaine", "Aydin", "Bouzid",
)
# Median birth weight (g) by completed gestational week, rounded from common growth charts.
MEDIAN_WEIGHT = {28: 1150, 29: 1300, 30: 1450, 31: 1650, 32: 1850, 33: 2100, 34: 2350, 35: 2600,
                  36: 2850, 37: 3050, 38: 3250, 39: 3400, 40: 3500, 41: 3600, 42: 3650}
WITH_FATHER = ("both_whole_stay", "both_partial", "father_only")
FATHER_SHARE = 0.55  # families with a father on record
MOTHER_AGE_YEARS = (((18, 25), 31), ((26, 30), 28), ((31, 35), 22), ((36, 40), 13), ((41, 45), 6))

DISCHARGE_KINDS = (("planned", 60), ("early_family", 14), ("early_team", 8), ("transfer", 8),
                    ("placement", 10))
RESIDENCE_AFTER: dict[str, Weighted] = {
    "planned": (("home_with_parent", 80), ("maternal_home", 8), ("other_private_care", 6),
                ("other_institution", 6)),
    "early_family": (("home_with_parent", 85), ("other_private_care", 10), ("maternal_home", 5)),
    "early_team": (("home_with_parent", 40), ("other_institution", 30), ("other_private_care", 20),
                   ("hospital", 10)),
    "transfer": (("other_institution", 40), ("hospital", 35), ("maternal_home", 25)),
    "placement": (("other_institution", 55), ("other_private_care", 45)),
}
REFUSAL_WHEN_ELIGIBLE = (("no_follow_up", 30), ("family_refused", 30), ("no_capacity", 20),
                          ("institutional_duplicate", 10), ("other", 10))
REFUSAL_FOR_FAILING = {
    "child_age": "child_too_old",
    "no_active_domestic_violence": "active_domestic_violence",
    "no_equivalent_service": "institutional_duplicate",
}
OVERRIDE_REASONS = (
    "Situation de danger pour l'enfant : admission décidée en réunion d'équipe malgré le critère.",
    "Éléments complétés oralement avec l'envoyeur ; à confirmer par écrit.",
    "Avis favorable du pédopsychiatre de l'équipe après entretien de pré-admission.",
)
MEETING_PARTICIPANTS = (
    "Équipe pluridisciplinaire ; mère",
    "Équipe pluridisciplinaire ; parents",
    "Équipe pluridisciplinaire ; mère ; assistante sociale de l'envoyeur",
    "Psychologue, pédiatre, éducatrice ; parents ; service mandant",
)
MEETING_EVALUATIONS = (
    "Évolution favorable du lien parent-bébé.",
    "Progrès dans les soins quotidiens ; fatigue maternelle importante.",
    "Relation encore fragile ; le bébé s'apaise mieux dans les bras de sa mère.",
    "Stagnation ; le projet est repris avec la famille.",
    "Inquiétudes pour la sécurité de l'enfant ; le réseau est informé.",
)
MEETING_ADAPTATIONS = (
    "Maintien du projet de soin.",
    "Ajout d'un entretien familial hebdomadaire.",
    "Préparation de la sortie : visites à domicile.",
    "Orientation vers un suivi pédopsychiatrique.",
    "Prolongation du séjour demandée au mandant.",
)
