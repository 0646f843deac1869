"""The workbook's schema (format version 1 of DOMAIN.md): its sheets, their columns and the code lists."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assessments import instruments
from unit import vocabularies

FORMAT_VERSION = 1
REF, TEXT, CODE, DATE, INT, BOOL, NUMBER = "ref", "text", "code", "date", "int", "bool", "number"
INSTRUMENT_LIST = "instrument"
YES_NO_LIST = "oui_non"
DECISION_OVERRIDE = "Import : décision reprise du fichier"
ADMISSION_OVERRIDE = "Import"
# Sheets of the template that carry no records.
HELPER_SHEETS = ("readme", "_listes")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FACILITY_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
YES = {"1", "oui", "o", "yes", "y", "true", "vrai", "x"}
NO = {"0", "non", "n", "no", "false", "faux"}

Progress = Callable[[int, int], None]



@dataclass(frozen=True)
class Column:
    code: str
    kind: str
    help: str
    required: bool = False
    vocabulary: str = ""  # CODE columns: a list of unit.vocabularies, or INSTRUMENT_LIST
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    score: bool = False  # one of the instruments' score columns (assessments)


def _score_columns() -> tuple[Column, ...]:
    """One column per score code of the instruments; Bayley-III and Bayley-4 share theirs."""
    seen: dict[str, list[str]] = {}
    ranges: dict[str, str] = {}
    for instrument in instruments.registry().values():
        for score_field in instrument.fields:
            seen.setdefault(score_field.code, []).append(instrument.name)
            described = f"{score_field.fr} ({score_field.minimum}–{score_field.maximum})"
            if score_field.answer_scores:
                # The form asks for the answer ticked; the workbook holds the item's score once keyed.
                described += (" : score de l'item après cotation du questionnaire, pas le rang de la réponse "
                              "cochée (1re à 4e réponse : " + ", ".join(map(str, score_field.answer_scores)) + ")")
            ranges.setdefault(score_field.code, described)
    return tuple(
        Column(code, NUMBER, f"Score « {code} » ({', '.join(names)}) : {ranges[code]}. Nombre ; vide si non coté.",
               score=True)
        for code, names in seen.items()
    )


_DATE_HELP = "Date Excel ou texte AAAA-MM-JJ, pas dans le futur."

SHEETS: dict[str, tuple[Column, ...]] = {
    "facilities": (
        Column("facility_code", REF, "Code de la structure (lettres, chiffres, - ou _). Obligatoire. Une structure "
               "existante est reprise telle quelle ; une nouvelle est créée (droit d'administration requis).",
               required=True, max_length=40),
        Column("name", TEXT, "Nom de la structure. Obligatoire.", required=True, max_length=200),
        Column("kind", CODE, "Type de structure (liste). Obligatoire.", required=True, vocabulary="facility_kind"),
        Column("country", CODE, "Pays : BE, LU ou FR (liste). Obligatoire.", required=True, vocabulary="country"),
        Column("capacity", INT, "Nombre de places enfants (nombre entier). Obligatoire pour un accueil résidentiel.",
               minimum=1, maximum=999),
    ),
    "children": (
        Column("child_ref", REF, "Identifiant de l'enfant dans ce classeur (unique dans la feuille). Obligatoire.",
               required=True, max_length=100),
        Column("family_ref", REF, "Référence du dossier famille (ex. UPB-2024-017), la même sur toutes les "
               "feuilles. Obligatoire.", required=True, max_length=40),
        Column("first_name", TEXT, "Prénom. Obligatoire.", required=True, max_length=100),
        Column("last_name", TEXT, "Nom. Obligatoire.", required=True, max_length=100),
        Column("sex", CODE, "Sexe : F ou M (liste). Obligatoire.", required=True, vocabulary="sex"),
        Column("birth_date", DATE, "Date de naissance. " + _DATE_HELP + " Obligatoire.", required=True),
        Column("gestational_weeks", INT, "Âge gestationnel à la naissance, semaines révolues (22 à 45).",
               minimum=22, maximum=45),
        Column("gestational_days", INT, "Jours en plus des semaines (0 à 6) ; demande les semaines.",
               minimum=0, maximum=6),
        Column("birth_weight_g", INT, "Poids de naissance en grammes (300 à 6500).", minimum=300, maximum=6500),
    ),
    "adults": (
        Column("adult_ref", REF, "Identifiant de l'adulte dans ce classeur (unique dans la feuille). Obligatoire.",
               required=True, max_length=100),
        Column("family_ref", REF, "Référence du dossier famille. Obligatoire.", required=True, max_length=40),
        Column("role", CODE, "Rôle : mother, father ou other_guardian (liste). Obligatoire.", required=True,
               vocabulary="adult_role"),
        Column("first_name", TEXT, "Prénom. Obligatoire.", required=True, max_length=100),
        Column("last_name", TEXT, "Nom. Obligatoire.", required=True, max_length=100),
        Column("birth_date", DATE, "Date de naissance. " + _DATE_HELP),
        Column("nationality", TEXT, "Nationalité : code pays ISO 3166 à deux lettres (ex. BE, FR, MA).",
               max_length=2),
        Column("region", CODE, "Région de résidence : province belge, canton luxembourgeois, département "
               "français (ex. BE-BRU, LU-CA, FR-59) ou other (liste).", vocabulary="region"),
    ),
    "requests": (
        Column("request_ref", REF, "Identifiant de la demande dans ce classeur (unique). Obligatoire.",
               required=True, max_length=100),
        Column("facility_code", REF, "Code de la structure qui reçoit la demande. Obligatoire.", required=True,
               max_length=40),
        Column("family_ref", REF, "Référence du dossier famille (qui a au moins un enfant dans la feuille "
               "children). Obligatoire.", required=True, max_length=40),
        Column("received_on", DATE, "Date de réception. " + _DATE_HELP + " Obligatoire.", required=True),
        Column("requester", CODE, "Demandeur : family ou professional (liste). Obligatoire.", required=True,
               vocabulary="requester"),
        Column("referrer_category", CODE, "Réseau envoyeur (liste). Obligatoire.", required=True,
               vocabulary="referrer_category"),
        Column("referrer_name", TEXT, "Nom de l'organisme envoyeur (ajouté à l'annuaire s'il n'y est pas).",
               max_length=200),
        Column("reason", CODE, "Motif principal de la demande (liste). Obligatoire.", required=True,
               vocabulary="reason"),
        Column("mandate", CODE, "Mandat de protection au moment de la demande (liste) ; vide = none.",
               vocabulary="mandate"),
        Column("decision", CODE, "Décision : accepted, waiting_list ou refused (liste) ; vide = en attente.",
               vocabulary="decision"),
        Column("decided_on", DATE, "Date de la décision (obligatoire avec une décision). " + _DATE_HELP),
        Column("refusal_reason", CODE, "Motif de refus (liste) : obligatoire pour un refus, vide sinon.",
               vocabulary="refusal_reason"),
    ),
    "stays": (
        Column("stay_ref", REF, "Identifiant du séjour dans ce classeur (unique). Obligatoire.", required=True,
               max_length=100),
        Column("facility_code", REF, "Code de la structure du séjour. Obligatoire.", required=True, max_length=40),
        Column("child_ref", REF, "child_ref de l'enfant (feuille children). Obligatoire.", required=True,
               max_length=100),
        Column("request_ref", REF, "request_ref de la demande qui a mené au séjour (feuille requests), si connue.",
               max_length=100),
        Column("admitted_on", DATE, "Date d'admission, pas avant la naissance. " + _DATE_HELP + " Obligatoire.",
               required=True),
        Column("discharged_on", DATE, "Date de sortie (vide si le séjour est en cours). " + _DATE_HELP),
        Column("discharge_kind", CODE, "Type de fin de séjour (liste) : obligatoire avec une date de sortie.",
               vocabulary="discharge_kind"),
        Column("residence_before", CODE, "Lieu de vie avant le séjour (liste). Obligatoire.", required=True,
               vocabulary="residence_before"),
        Column("residence_after", CODE, "Lieu de vie après le séjour (liste) : obligatoire avec une date de sortie.",
               vocabulary="residence_after"),
        Column("mandate", CODE, "Mandat de protection du séjour (liste) ; vide = none.", vocabulary="mandate"),
    ),
    "presence": (
        Column("stay_ref", REF, "stay_ref du séjour (feuille stays). Obligatoire.", required=True, max_length=100),
        Column("adult_ref", REF, "adult_ref du parent admis avec l'enfant (feuille adults), de la même famille. "
               "Obligatoire.", required=True, max_length=100),
        Column("from", DATE, "Début de la présence, dans le séjour. " + _DATE_HELP + " Obligatoire.",
               required=True),
        Column("to", DATE, "Fin de la présence, dans le séjour (vide : jusqu'à la sortie). " + _DATE_HELP),
    ),
    "diagnoses": (
        Column("stay_ref", REF, "stay_ref du séjour (feuille stays). Obligatoire.", required=True, max_length=100),
        Column("subject_ref", REF, "child_ref de l'enfant du séjour, ou adult_ref d'un adulte de sa famille. "
               "Obligatoire.", required=True, max_length=100),
        Column("timepoint", CODE, "Moment : entry, during ou exit (liste). Obligatoire.", required=True,
               vocabulary="diagnosis_timepoint"),
        Column("system", CODE, "Classification : icd10, icd11, dc05 ou local (liste). Obligatoire.", required=True,
               vocabulary="diagnosis_classification"),
        Column("code", TEXT, "Code du diagnostic (ex. 6B40). Obligatoire.", required=True, max_length=20),
        Column("label", TEXT, "Libellé (facultatif ; repris de la liste chargée s'il est vide).", max_length=300),
        Column("primary", BOOL, "Diagnostic principal : oui ou non (vide = non). Un seul principal par sujet et "
               "par moment.", vocabulary=YES_NO_LIST),
    ),
    "assessments": (
        Column("stay_ref", REF, "stay_ref du séjour (feuille stays). Obligatoire.", required=True, max_length=100),
        Column("subject_ref", REF, "child_ref de l'enfant du séjour (Bayley, NBAS, ADBB, PIR-GAS) ou adult_ref du "
               "parent (EPDS). Obligatoire.", required=True, max_length=100),
        Column("instrument", CODE, "Instrument (liste) : " + ", ".join(instruments.registry()) + ". Obligatoire.",
               required=True, vocabulary=INSTRUMENT_LIST),
        Column("assessed_on", DATE, "Date de passation, dans le séjour. " + _DATE_HELP + " Obligatoire.",
               required=True),
        *_score_columns(),
    ),
    "interventions": (
        Column("facility_code", REF, "Code de la structure. Obligatoire.", required=True, max_length=40),
        Column("family_ref", REF, "Référence du dossier famille. Obligatoire.", required=True, max_length=40),
        Column("stay_ref", REF, "stay_ref du séjour concerné (facultatif), de la même structure et famille.",
               max_length=100),
        Column("kind", CODE, "Type d'intervention (liste). Obligatoire.", required=True,
               vocabulary="intervention_kind"),
        Column("date", DATE, "Date de l'intervention. " + _DATE_HELP + " Obligatoire.", required=True),
        Column("duration_min", INT, "Durée en minutes (0 à 1440).", minimum=0, maximum=1440),
    ),
    "signalements": (
        Column("facility_code", REF, "Code de la structure. Obligatoire.", required=True, max_length=40),
        Column("family_ref", REF, "Référence du dossier famille. Obligatoire.", required=True, max_length=40),
        Column("date", DATE, "Date du signalement. " + _DATE_HELP + " Obligatoire.", required=True),
        Column("addressee", TEXT, "Destinataire (autorité judiciaire ou de protection). Obligatoire.",
               required=True, max_length=200),
    ),
}
SHEET_ORDER = tuple(SHEETS)
# What the summary counts: the sheets, plus the family dossiers derived from family_ref.
COUNTED = ("facilities", "families", *SHEET_ORDER[1:])
LABELS = {
    "facilities": "Structures", "families": "Dossiers familles", "children": "Enfants", "adults": "Adultes",
    "requests": "Demandes", "stays": "Séjours", "presence": "Présences", "diagnoses": "Diagnostics",
    "assessments": "Évaluations", "interventions": "Interventions", "signalements": "Signalements",
}
# Reference columns: which sheet defines the reference a column points to.
KEY_COLUMN = {"facilities": "facility_code", "children": "child_ref", "adults": "adult_ref",
              "requests": "request_ref", "stays": "stay_ref"}
# The field a service names in its refusal -> the column of the sheet the row came from.
FIELD_COLUMNS = {
    "code": "facility_code", "capacity": "capacity", "reference": "family_ref", "birth_date": "birth_date",
    "received_on": "received_on", "decided_on": "decided_on", "refusal_reason": "refusal_reason",
    "children": "family_ref", "request": "request_ref", "override_reason": "request_ref", "child": "child_ref",
    "admitted_on": "admitted_on", "discharged_on": "discharged_on", "discharge_kind": "discharge_kind",
    "residence_after": "residence_after", "planned_end_on": "admitted_on", "start": "from", "end": "to",
    "adult": "adult_ref", "subject": "subject_ref", "classification": "system", "assessed_on": "assessed_on",
    "done_on": "date", "made_on": "date", "duration_min": "duration_min", "nationality": "nationality",
}
SCORE_CODES = frozenset(c.code for c in SHEETS["assessments"] if c.score)


def list_codes(name: str) -> list[str]:
    """The codes a coded column accepts, in the order of DOMAIN.md."""
    if name == INSTRUMENT_LIST:
        return list(instruments.registry())
    if name == YES_NO_LIST:
        return ["oui", "non"]
    return [term.code for term in vocabularies.terms(name)]


def list_label(name: str, code: str) -> str:
    if name == INSTRUMENT_LIST:
        return instruments.get(code).name
    if name == YES_NO_LIST:
        return code
    return vocabularies.label(name, code, "fr")
