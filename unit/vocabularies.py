"""Reference lists of DOMAIN.md: stable codes with French and English labels."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    code: str
    fr: str
    en: str
    group: str = ""  # code of the group this term belongs to (referrer categories, regions), else ""


def _terms(rows, group: str = "") -> tuple[Term, ...]:
    """Build terms from (code, fr, en) rows, all in the same group."""
    return tuple(Term(code, fr, en, group) for code, fr, en in rows)


# name of each list -> (French title, English title)
VOCABULARY_TITLES: dict[str, tuple[str, str]] = {
    "facility_kind": ("Type de structure", "Facility kind"),
    "country": ("Pays", "Country"),
    "referrer_category": ("Réseau envoyeur", "Referrer category"),
    "reason": ("Motif principal de la demande", "Main reason for the request"),
    "mandate": ("Mandat de protection", "Protection mandate"),
    "refusal_reason": ("Motif de refus", "Refusal reason"),
    "residence_before": ("Lieu de vie avant le séjour", "Residence before the stay"),
    "residence_after": ("Lieu de vie après le séjour", "Residence after the stay"),
    "discharge_kind": ("Type de fin de séjour", "Discharge kind"),
    "intervention_kind": ("Type d'intervention", "Intervention kind"),
    "region": ("Région", "Region"),
    "requester": ("Demandeur", "Requester"),
    "adult_role": ("Rôle de l'adulte", "Adult role"),
    "sex": ("Sexe", "Sex"),
    "decision": ("Décision", "Decision"),
    "diagnosis_timepoint": ("Moment du diagnostic", "Diagnosis time point"),
    "diagnosis_classification": ("Classification diagnostique", "Diagnosis classification"),
    "role": ("Rôle", "Role"),
    "answer": ("Réponse", "Answer"),
}

# list name -> group code -> (fr, en)
GROUPS: dict[str, dict[str, tuple[str, str]]] = {
    "referrer_category": {
        "hospitals": ("Hôpitaux", "Hospitals"),
        "doctors": ("Médecins et thérapeutes", "Doctors and therapists"),
        "specialised": ("Services spécialisés", "Specialised services"),
        "social": ("Services sociaux généraux", "General social services"),
        "protection": ("Prévention et protection", "Prevention and protection"),
        "other": ("Autres", "Other"),
    },
    "region": {
        "BE": ("Belgique", "Belgium"),
        "LU": ("Luxembourg", "Luxembourg"),
        "FR": ("France", "France"),
    },
}

# --- Facility kinds ---------------------------------------------------------
_FACILITY_KIND = _terms([
    ("parent_baby_unit", "Unité parents-bébé", "Parent-baby unit"),
    ("maternal_centre", "Centre maternel", "Maternal centre"),
    ("parental_centre", "Centre parental", "Parental centre"),
    ("nursery", "Pouponnière à caractère social", "Social nursery"),
    ("childrens_home", "Maison d'enfants à caractère social (MECS)", "Children's home (MECS)"),
    ("foster_care_service", "Service de placement familial", "Foster care service"),
    ("parental_respite", "Relais parental", "Parental respite"),
    ("home_support", "Aide à domicile spécialisée / soutien du lien parents-enfants",
     "Specialised home support / parent-child bond support"),
    ("consultation", "Consultations psychologiques et thérapie", "Psychological consultations and therapy"),
])

_COUNTRY = _terms([
    ("BE", "Belgique", "Belgium"),
    ("LU", "Luxembourg", "Luxembourg"),
    ("FR", "France", "France"),
])

# --- Referrer categories (réseau envoyeur), grouped --------------------------
_REFERRER_CATEGORY = (
    _terms([
        ("hospital_paediatrics", "Service de pédiatrie", "Paediatrics department"),
        ("hospital_maternity", "Maternité", "Maternity ward"),
        ("hospital_psychiatry", "Service de psychiatrie", "Psychiatry department"),
        ("other_parent_baby_unit", "Autre unité parents-bébé ou mère-bébé", "Other parent-baby or mother-baby unit"),
    ], "hospitals")
    + _terms([
        ("gp", "Médecin généraliste", "General practitioner"),
        ("paediatrician", "Pédiatre", "Paediatrician"),
        ("psychiatrist", "Psychiatre", "Psychiatrist"),
        ("child_psychiatrist", "Pédopsychiatre", "Child psychiatrist"),
        ("psychologist", "Psychologue", "Psychologist"),
    ], "doctors")
    + _terms([
        ("mental_health_service", "Service de santé mentale", "Mental health service"),
        ("parenting_support", "Service de soutien à la parentalité", "Parenting support service"),
        ("sos_children", "SOS Enfants", "SOS Children"),
        ("midwife", "Sage-femme", "Midwife"),
        ("nursery", "Pouponnière", "Nursery"),
    ], "specialised")
    + _terms([
        ("cpas", "CPAS", "CPAS (public social welfare centre)"),
        ("maternal_home", "Maison maternelle", "Maternal home"),
        ("social_office", "Office social", "Social office"),
        ("supported_housing", "Logement encadré", "Supported housing"),
        ("refugee_shelter", "Foyer pour réfugiés", "Refugee shelter"),
    ], "social")
    + _terms([
        ("one", "ONE", "ONE (Office of Birth and Childhood)"),
        ("saj", "SAJ", "SAJ (youth aid service)"),
        ("spj", "SPJ", "SPJ (youth protection service)"),
        ("youth_court", "Tribunal de la jeunesse", "Youth court"),
        ("public_prosecutor", "Parquet", "Public prosecutor's office"),
        ("scas", "SCAS", "SCAS (central social assistance service)"),
        ("ase", "Aide sociale à l'enfance", "Child welfare services (ASE)"),
    ], "protection")
    + _terms([
        ("family_self", "La famille elle-même", "The family itself"),
        ("internal", "Service interne", "Internal service"),
        ("foreign_service", "Service à l'étranger", "Service abroad"),
        ("other", "Autre", "Other"),
    ], "other")
)

# --- Requests, decisions, stays ---------------------------------------------
_REASON = _terms([
    ("parent_infant_relationship",
     "Difficultés relationnelles parents-bébé (insuffisance, excès, incohérence)",
     "Parent-infant relationship difficulties (insufficiency, excess, incoherence)"),
    ("physical_abuse", "Maltraitance physique", "Physical abuse"),
    ("psychological_abuse", "Maltraitance psychologique", "Psychological abuse"),
    ("sexual_abuse", "Violence sexuelle", "Sexual abuse"),
    ("neglect", "Négligence", "Neglect"),
    ("parenting_support", "Soutien à la parentalité / arrivée du premier enfant",
     "Parenting support / arrival of the first child"),
    ("difficult_pregnancy", "Grossesse difficile", "Difficult pregnancy"),
    ("social_isolation", "Isolement social", "Social isolation"),
    ("alarming_behaviour", "Comportements alarmants chez l'enfant", "Alarming behaviour in the child"),
    ("family_conflict", "Conflits familiaux", "Family conflict"),
    ("other", "Autre", "Other"),
])

_MANDATE = _terms([
    ("none", "Aucun", "None"),
    ("saj", "SAJ", "SAJ (youth aid service)"),
    ("spj", "SPJ", "SPJ (youth protection service)"),
    ("youth_court", "Tribunal de la jeunesse", "Youth court"),
    ("public_prosecutor", "Parquet", "Public prosecutor's office"),
    ("scas", "SCAS", "SCAS (central social assistance service)"),
    ("ase", "Aide sociale à l'enfance (ASE)", "Child welfare services (ASE)"),
    ("other", "Autre", "Other"),
])

_REFUSAL_REASON = _terms([
    ("no_follow_up", "Demande sans suite", "Request not followed up"),
    ("family_refused", "Refus de la famille", "Refused by the family"),
    ("criteria_not_met", "Ne correspond pas aux critères d'admission", "Does not meet the admission criteria"),
    ("child_too_old", "Âge avancé de l'enfant", "Child too old"),
    ("institutional_duplicate", "Double emploi institutionnel", "Duplicates another institution's follow-up"),
    ("active_domestic_violence", "Violence conjugale active", "Active domestic violence"),
    ("no_capacity", "Manque de places ou de ressources", "Lack of places or resources"),
    ("other", "Autre", "Other"),
])

_RESIDENCE_BEFORE = _terms([
    ("nursery_or_creche", "Crèche ou pouponnière", "Crèche or nursery"),
    ("hospital", "Hôpital", "Hospital"),
    ("residential_institution", "Institution résidentielle", "Residential institution"),
    ("family_home", "Résidence familiale", "Family home"),
    ("other", "Autre", "Other"),
])

_RESIDENCE_AFTER = _terms([
    ("home_with_parent", "À la maison (au moins un des deux parents)", "At home (with at least one parent)"),
    ("other_private_care", "Autre accueil privé (grands-parents, famille d'accueil…)",
     "Other private care (grandparents, foster family…)"),
    ("hospital", "Hôpital", "Hospital"),
    ("maternal_home", "Maison maternelle", "Maternal home"),
    ("other_institution", "Autre institution", "Other institution"),
])

_DISCHARGE_KIND = _terms([
    ("planned", "Fin de séjour prévue", "Planned end of stay"),
    ("early_family", "Arrêt anticipé par la famille", "Early termination by the family"),
    ("early_team", "Arrêt anticipé par l'équipe", "Early termination by the team"),
    ("transfer", "Transfert", "Transfer"),
    ("placement", "Placement de l'enfant", "Placement of the child"),
])

_INTERVENTION_KIND = _terms([
    ("home_visit", "Visite à domicile", "Home visit"),
    ("first_interview", "Premier entretien", "First interview"),
    ("hospital_visit", "Visite hospitalière", "Hospital visit"),
    ("network_meeting", "Réunion avec des professionnels", "Meeting with professionals"),
    ("child_consultation", "Consultation psychologique de l'enfant", "Psychological consultation of the child"),
    ("parent_interview", "Entretien parental", "Parent interview"),
    ("family_interview", "Entretien familial", "Family interview"),
    ("phone_consultation", "Consultation téléphonique", "Phone consultation"),
    ("group_workshop", "Atelier de groupe", "Group workshop"),
    ("therapeutic_creche", "Crèche thérapeutique", "Therapeutic crèche"),
    ("medical_escort", "Accompagnement aux visites médicales", "Escort to medical appointments"),
    ("supervision", "Supervision d'équipe", "Team supervision"),
])

# --- Regions ------------------------------------------------------------------
_BE_REGIONS = _terms([
    ("BE-BRU", "Bruxelles-Capitale", "Brussels-Capital"),
    ("BE-WBR", "Brabant wallon", "Walloon Brabant"),
    ("BE-WHT", "Hainaut", "Hainaut"),
    ("BE-WLG", "Liège", "Liège"),
    ("BE-WLX", "Luxembourg", "Luxembourg"),
    ("BE-WNA", "Namur", "Namur"),
    ("BE-VBR", "Brabant flamand", "Flemish Brabant"),
    ("BE-VAN", "Anvers", "Antwerp"),
    ("BE-VLI", "Limbourg", "Limburg"),
    ("BE-VOV", "Flandre orientale", "East Flanders"),
    ("BE-VWV", "Flandre occidentale", "West Flanders"),
], "BE")

# Luxembourg cantons (ISO 3166-2:LU)
_LU_REGIONS = _terms([
    (code, name, name) for code, name in [
        ("LU-CA", "Capellen"),
        ("LU-CL", "Clervaux"),
        ("LU-DI", "Diekirch"),
        ("LU-EC", "Echternach"),
        ("LU-ES", "Esch-sur-Alzette"),
        ("LU-GR", "Grevenmacher"),
        ("LU-LU", "Luxembourg"),
        ("LU-ME", "Mersch"),
        ("LU-RD", "Redange"),
        ("LU-RM", "Remich"),
        ("LU-VD", "Vianden"),
        ("LU-WI", "Wiltz"),
    ]
], "LU")

# French départements (ISO 3166-2:FR); English label = French name unless given.
_FR_DEPARTEMENTS = [
    ("01", "Ain"), ("02", "Aisne"), ("03", "Allier"), ("04", "Alpes-de-Haute-Provence"),
    ("05", "Hautes-Alpes"), ("06", "Alpes-Maritimes"), ("07", "Ardèche"), ("08", "Ardennes"),
    ("09", "Ariège"), ("10", "Aube"), ("11", "Aude"), ("12", "Aveyron"),
    ("13", "Bouches-du-Rhône"), ("14", "Calvados"), ("15", "Cantal"), ("16", "Charente"),
    ("17", "Charente-Maritime"), ("18", "Cher"), ("19", "Corrèze"),
    ("2A", "Corse-du-Sud"), ("2B", "Haute-Corse"),
    ("21", "Côte-d'Or"), ("22", "Côtes-d'Armor"), ("23", "Creuse"), ("24", "Dordogne"),
    ("25", "Doubs"), ("26", "Drôme"), ("27", "Eure"), ("28", "Eure-et-Loir"),
    ("29", "Finistère"), ("30", "Gard"), ("31", "Haute-Garonne"), ("32", "Gers"),
    ("33", "Gironde"), ("34", "Hérault"), ("35", "Ille-et-Vilaine"), ("36", "Indre"),
    ("37", "Indre-et-Loire"), ("38", "Isère"), ("39", "Jura"), ("40", "Landes"),
    ("41", "Loir-et-Cher"), ("42", "Loire"), ("43", "Haute-Loire"), ("44", "Loire-Atlantique"),
    ("45", "Loiret"), ("46", "Lot"), ("47", "Lot-et-Garonne"), ("48", "Lozère"),
    ("49", "Maine-et-Loire"), ("50", "Manche"), ("51", "Marne"), ("52", "Haute-Marne"),
    ("53", "Mayenne"), ("54", "Meurthe-et-Moselle"), ("55", "Meuse"), ("56", "Morbihan"),
    ("57", "Moselle"), ("58", "Nièvre"), ("59", "Nord"), ("60", "Oise"),
    ("61", "Orne"), ("62", "Pas-de-Calais"), ("63", "Puy-de-Dôme"), ("64", "Pyrénées-Atlantiques"),
    ("65", "Hautes-Pyrénées"), ("66", "Pyrénées-Orientales"), ("67", "Bas-Rhin"), ("68", "Haut-Rhin"),
    ("69", "Rhône"), ("70", "Haute-Saône"), ("71", "Saône-et-Loire"), ("72", "Sarthe"),
    ("73", "Savoie"), ("74", "Haute-Savoie"), ("75", "Paris"), ("76", "Seine-Maritime"),
    ("77", "Seine-et-Marne"), ("78", "Yvelines"), ("79", "Deux-Sèvres"), ("80", "Somme"),
    ("81", "Tarn"), ("82", "Tarn-et-Garonne"), ("83", "Var"), ("84", "Vaucluse"),
    ("85", "Vendée"), ("86", "Vienne"), ("87", "Haute-Vienne"), ("88", "Vosges"),
    ("89", "Yonne"), ("90", "Territoire de Belfort"), ("91", "Essonne"), ("92", "Hauts-de-Seine"),
    ("93", "Seine-Saint-Denis"), ("94", "Val-de-Marne"), ("95", "Val-d'Oise"),
    # Overseas départements
    ("971", "Guadeloupe"), ("972", "Martinique"), ("973", "Guyane"),
    ("974", "La Réunion"), ("976", "Mayotte"),
]
_FR_ENGLISH = {"973": "French Guiana", "974": "Réunion"}
_FR_REGIONS = _terms([
    (f"FR-{num}", name, _FR_ENGLISH.get(num, name)) for num, name in _FR_DEPARTEMENTS
], "FR")

_REGION = _BE_REGIONS + _LU_REGIONS + _FR_REGIONS + (Term("other", "Autre", "Other"),)

# --- Small lists ----------------------------------------------------------------
_REQUESTER = _terms([
    ("family", "La famille", "The family"),
    ("professional", "Un professionnel", "A professional"),
])

_ADULT_ROLE = _terms([
    ("mother", "Mère", "Mother"),
    ("father", "Père", "Father"),
    ("other_guardian", "Autre responsable légal", "Other guardian"),
])

_SEX = _terms([
    ("F", "Fille", "Girl"),
    ("M", "Garçon", "Boy"),
])

_DECISION = _terms([
    ("accepted", "Acceptée", "Accepted"),
    ("waiting_list", "Liste d'attente", "Waiting list"),
    ("refused", "Refusée", "Refused"),
])

_DIAGNOSIS_TIMEPOINT = _terms([
    ("entry", "Entrée", "Entry"),
    ("during", "En cours de séjour", "During the stay"),
    ("exit", "Sortie", "Exit"),
])

_DIAGNOSIS_CLASSIFICATION = _terms([
    ("icd11", "CIM-11", "ICD-11"),
    ("icd10", "CIM-10", "ICD-10"),
    ("dc05", "DC:0-5", "DC:0-5"),
    ("local", "Locale", "Local"),
])

_ROLE = _terms([
    ("admissions", "Admissions", "Admissions"),
    ("therapist", "Thérapeute", "Therapist"),
    ("manager", "Direction", "Manager"),
    ("reporting", "Rapports", "Reporting officer"),
    ("admin", "Administrateur", "Administrator"),
])

_ANSWER = _terms([
    ("met", "Rempli", "Met"),
    ("not_met", "Non rempli", "Not met"),
    ("unknown", "Inconnu", "Unknown"),
])

VOCABULARIES: dict[str, tuple[Term, ...]] = {
    "facility_kind": _FACILITY_KIND,
    "country": _COUNTRY,
    "referrer_category": _REFERRER_CATEGORY,
    "reason": _REASON,
    "mandate": _MANDATE,
    "refusal_reason": _REFUSAL_REASON,
    "residence_before": _RESIDENCE_BEFORE,
    "residence_after": _RESIDENCE_AFTER,
    "discharge_kind": _DISCHARGE_KIND,
    "intervention_kind": _INTERVENTION_KIND,
    "region": _REGION,
    "requester": _REQUESTER,
    "adult_role": _ADULT_ROLE,
    "sex": _SEX,
    "decision": _DECISION,
    "diagnosis_timepoint": _DIAGNOSIS_TIMEPOINT,
    "diagnosis_classification": _DIAGNOSIS_CLASSIFICATION,
    "role": _ROLE,
    "answer": _ANSWER,
}

# list name -> code -> Term, for label look-ups
_BY_CODE: dict[str, dict[str, Term]] = {
    name: {t.code: t for t in items} for name, items in VOCABULARIES.items()
}


def _is_english(lang: str) -> bool:
    return (lang or "").lower().startswith("en")


def terms(name: str) -> tuple[Term, ...]:
    """The terms of a list, in declaration order (KeyError for an unknown list)."""
    return VOCABULARIES[name]


def codes(name: str) -> frozenset[str]:
    """The set of codes of a list (KeyError for an unknown list)."""
    return frozenset(_BY_CODE[name])


def label(name: str, code: str, lang: str = "fr") -> str:
    """Label of a code in French or English; an unknown code is returned as is."""
    term = _BY_CODE[name].get(code)
    if term is None:
        return code
    return term.en if _is_english(lang) else term.fr


def choices(name: str, lang: str = "fr") -> list[tuple[str, str]]:
    """(code, label) pairs in declaration order, e.g. for form or model choices."""
    english = _is_english(lang)
    return [(t.code, t.en if english else t.fr) for t in VOCABULARIES[name]]


# --- Import-time consistency checks ---------------------------------------------
assert set(VOCABULARY_TITLES) == set(VOCABULARIES), "every list needs a title"
for _name, _items in VOCABULARIES.items():
    _codes = [t.code for t in _items]
    assert len(_codes) == len(set(_codes)), f"duplicate codes in {_name}"
    for _t in _items:
        assert _t.group == "" or _t.group in GROUPS.get(_name, {}), (
            f"undeclared group {_t.group!r} in {_name}"
        )
assert set(GROUPS) <= set(VOCABULARIES), "groups declared for an unknown list"
del _name, _items, _codes, _t
