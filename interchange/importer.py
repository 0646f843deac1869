"""Import of the version-1 workbook of DOMAIN.md: every sheet and row is checked, then all is written or nothing.

Two phases. `validate` reads the whole workbook and lists every problem with its sheet, Excel row
and column; nothing touches the database but look-ups. Only when there is no error, `apply` writes
through the same services as the pages (so capacity, dates and presence rules hold), inside one
transaction: a refusal of a service is reported with its row and everything is rolled back.
Re-importing the same workbook creates nothing: each record is first looked up by a natural key, and
identical rows are distinct records (DOMAIN.md, settled reading 10): the k-th row with a key matches the
k-th record with it. Every row read ends created, already present or refused, and the summary says so.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

import openpyxl
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from admissions import services as adm
from admissions.models import (
    AdmissionRequest,
    Adult,
    Child,
    Diagnosis,
    Family,
    Intervention,
    PresencePeriod,
    Signalement,
    Stay,
)
from assessments import instruments
from assessments.instruments.base import ADULT, CHILD
from assessments.models import Assessment
from assessments.services import assessment_record
from unit import access, cells, vocabularies
from unit.ages import birth_date_problem
from unit.models import NON_RESIDENTIAL_KINDS, Facility, Membership, Organisation
from unit.services import facility_create, membership_grant, organisation_create

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

# Size limits, checked before a cell costs memory or time (docs/import.md, "Limits"). A workbook is a zip
# of XML parts: its directory gives each part's unzipped size, and zipfile refuses a part that inflates
# beyond the size it declares, so these are checked before openpyxl reads anything.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # every part of the zip together
MAX_PART_BYTES = 50 * 1024 * 1024  # one sheet (or any other part)
MAX_SHARED_STRINGS_BYTES = 20 * 1024 * 1024  # the shared strings, which openpyxl holds in memory whole
MAX_ROWS = 50_000  # data rows of one sheet (below its header row)
MAX_COLUMNS = 200  # the widest sheet of the template (assessments) has 97
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell


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


def _list_label(name: str, code: str) -> str:
    if name == INSTRUMENT_LIST:
        return instruments.get(code).name
    if name == YES_NO_LIST:
        return code
    return vocabularies.label(name, code, "fr")


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Problem:
    """An error or a warning, located as the user sees it in Excel."""

    sheet: str
    row: int | None
    column: str
    reason: str
    letter: str = ""

    def __str__(self) -> str:
        parts = []
        if self.sheet:
            parts.append(self.sheet)
        if self.row:
            parts.append(f"ligne {self.row}")
        if self.column:
            parts.append(f"colonne {self.column}" + (f" ({self.letter})" if self.letter else ""))
        where = ", ".join(parts)
        return f"{where} : {self.reason}" if where else self.reason


@dataclass
class ImportResult:
    source: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # data rows read per sheet
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))
    # Rows neither written nor already present: every row when the import is refused, since nothing is written.
    refused: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))
    applied: bool = False  # True once written (never with errors, never in a trial)

    @property
    def ok(self) -> bool:
        return not self.errors

    def table(self) -> list[dict[str, Any]]:
        """One line per kind of record: rows read = created (or to create) + already present + refused.

        Family dossiers come from the family_ref of the other sheets: they have no rows of their own.
        """
        return [{"sheet": name, "label": LABELS[name],
                 "rows": self.rows.get(name, 0) if name in SHEETS else None,
                 "created": self.created.get(name, 0), "skipped": self.skipped.get(name, 0),
                 "refused": self.refused.get(name, 0) if name in SHEETS else None}
                for name in COUNTED]

    def summary_lines(self) -> list[str]:
        verb = "créé(s)" if self.applied else "à créer"
        lines = []
        for line in self.table():
            counts = f"{line['created']} {verb} + {line['skipped']} déjà présent(s)"
            if line["rows"] is None:
                lines.append(f"{line['label']} ({line['sheet']}) : {counts}")
            else:
                lines.append(f"{line['label']} ({line['sheet']}) : {line['rows']} ligne(s) lue(s) = {counts} + "
                             f"{line['refused']} refusée(s)")
        return lines


@dataclass
class Record:
    """One data row of a sheet: parsed values by column code, and whether a cell was refused."""

    sheet: str
    row: int
    values: dict[str, Any]
    bad: bool = False

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)


@dataclass
class Sheet:
    name: str
    title: str
    columns: dict[str, int]  # column code -> index
    rows: list[tuple[int, tuple]]  # (Excel row number, raw values)


class _Rollback(Exception):
    """Leaves the transaction of a trial run (or of a run with errors) without writing anything."""


# ---------------------------------------------------------------- reading helpers


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} Mo".replace(".", ",")


def _too_long(length: int) -> str:
    return (f"Cellule trop longue : {length:_} caractères, {MAX_CELL_CHARS:_} au plus (la limite d'Excel)."
            .replace("_", " "))


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name -> sheet title, read from the workbook's small index parts (empty when they are odd)."""
    names = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"}
    if any(info.filename in names and info.file_size > 1024 * 1024 for info in archive.infolist()):
        return {}
    try:
        from xml.etree import ElementTree

        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    titles = {}
    for sheet in workbook.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"):
        target = targets.get(sheet.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        titles[part] = sheet.get("name", "")
    return titles


# ---------------------------------------------------------------- entry point


def import_workbook(path: str | Path, *, user: AbstractBaseUser | None, source_name: str | None = None,
                    commit: bool = True, progress: Progress | None = None) -> ImportResult:
    """Check the workbook, then write it when it has no error and `commit` is true.

    Without `commit` (dry run, preview) the writes run all the same inside a transaction that is
    rolled back: the counts are exact and the apply-time rules (capacity) are checked. `user` None is
    the command line without --user: no facility restriction, and no author in the history.
    """
    return WorkbookImport(user=user, source_name=source_name or Path(path).name, progress=progress).run(
        Path(path), commit=commit)


class WorkbookImport:
    def __init__(self, *, user: AbstractBaseUser | None, source_name: str, progress: Progress | None = None):
        self.user = user if user is not None and user.is_authenticated else None
        self.source_name = source_name
        self.progress = progress or (lambda done, total: None)
        self.result = ImportResult(source=source_name)
        self.today = timezone.localdate()
        who = self.user.get_username() if self.user else "la ligne de commande"
        self.reason = f"importé depuis {source_name} par {who}"
        self.records: dict[str, list[Record]] = {name: [] for name in SHEETS}
        self.refs: dict[str, dict[str, Record]] = {name: {} for name in KEY_COLUMN}
        self.letters: dict[str, dict[str, str]] = {}
        self.broken: set[str] = set()  # sheets missing or without their required columns
        self.done = self.total = 0
        self._code_maps = {c.vocabulary: {code.lower(): code for code in list_codes(c.vocabulary)}
                           for cols in SHEETS.values() for c in cols if c.vocabulary}

    # ------------------------------------------------------------ run

    def run(self, path: Path, *, commit: bool) -> ImportResult:
        sheets = self._read(path)
        if sheets is None:
            return self.result
        self.total = 2 * sum(len(s.rows) for s in sheets.values())
        self._check_headers(sheets)
        for name in SHEET_ORDER:
            if name in sheets and name not in self.broken:
                self._parse(sheets[name])
        self._validate()
        if self.result.errors:
            return self._finish()
        try:
            with transaction.atomic():
                self._apply()
                if self.result.errors or not commit:
                    raise _Rollback
        except _Rollback:
            pass
        else:
            self.result.applied = True
        return self._finish()

    def _finish(self) -> ImportResult:
        if self.result.errors:
            # Nothing is written: every row read is refused, whatever the trial had counted.
            self.result.created = dict.fromkeys(COUNTED, 0)
            self.result.skipped = dict.fromkeys(COUNTED, 0)
            self.result.refused = {name: self.result.rows.get(name, 0) for name in COUNTED}
        self.result.errors.sort(key=self._order)
        self.progress(self.total, self.total)
        return self.result

    @staticmethod
    def _order(problem: Problem) -> tuple:
        sheet = SHEET_ORDER.index(problem.sheet) if problem.sheet in SHEET_ORDER else -1
        return sheet, problem.row or 0

    def _tick(self) -> None:
        self.done += 1
        self.progress(self.done, self.total)

    def _error(self, sheet: str, row: int | None, column: str, reason: str) -> None:
        letter = self.letters.get(sheet, {}).get(column, "")
        self.result.errors.append(Problem(sheet, row, column, reason, letter))

    def _warn(self, sheet: str, row: int | None, column: str, reason: str) -> None:
        letter = self.letters.get(sheet, {}).get(column, "")
        self.result.warnings.append(Problem(sheet, row, column, reason, letter))

    def _fail(self, record: Record, column: str, reason: str) -> None:
        record.bad = True
        self._error(record.sheet, record.row, column, reason)

    # ------------------------------------------------------------ reading

    def _read(self, path: Path) -> dict[str, Sheet] | None:
        try:
            size = path.stat().st_size
        except OSError:
            self._error("", None, "", f"Fichier introuvable : {path.name}.")
            return None
        if size == 0:
            self._error("", None, "", "Le fichier est vide (0 octet) : ce n'est pas un classeur Excel.")
            return None
        if not zipfile.is_zipfile(path):
            self._error("", None, "", "Ce fichier n'est pas un classeur Excel .xlsx (un ancien .xls, un CSV ou un "
                                      "texte renommé ?) : ouvrez-le dans Excel et enregistrez-le au format .xlsx.")
            return None
        if not self._check_sizes(path):
            return None
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except Exception as error:  # any parser failure is one clear message, never a traceback
            self._error("", None, "", f"Classeur .xlsx illisible ou endommagé ({type(error).__name__}) : "
                                      "enregistrez-le à nouveau depuis Excel.")
            return None
        sheets: dict[str, Sheet] = {}
        try:
            for worksheet in workbook.worksheets:
                name = worksheet.title.strip().lower()
                if name in HELPER_SHEETS:
                    continue
                if name not in SHEETS:
                    self._warn(worksheet.title, None, "", "Feuille inconnue : ignorée.")
                    continue
                if name in sheets:
                    self._error(worksheet.title, None, "", "Feuille en double.")
                    continue
                sheets[name] = self._read_sheet(worksheet, name)
        except Exception as error:  # a damaged part of the zip shows up only while reading the rows
            self._error("", None, "", f"Classeur .xlsx illisible ou endommagé ({type(error).__name__}) : "
                                      "enregistrez-le à nouveau depuis Excel.")
            return None
        finally:
            workbook.close()
        return sheets

    def _check_sizes(self, path: Path) -> bool:
        """Refuse, from the zip's directory alone, a workbook that would unzip into too much (a zip bomb)."""
        try:
            with zipfile.ZipFile(path) as archive:
                parts = archive.infolist()
                titles = _sheet_titles(archive)
        except (zipfile.BadZipFile, OSError, ValueError):
            return True  # openpyxl reports the damaged file in the usual words
        refused = False
        for part in parts:
            limit = MAX_SHARED_STRINGS_BYTES if part.filename == "xl/sharedStrings.xml" else MAX_PART_BYTES
            if part.file_size > limit:
                refused = True
                sheet = titles.get(part.filename, "")
                what = (f"la feuille « {sheet} »" if sheet else
                        "les textes partagés du classeur" if limit == MAX_SHARED_STRINGS_BYTES else
                        f"la partie « {part.filename} »")
                self._error(sheet.strip().lower() if sheet.strip().lower() in SHEETS else sheet, None, "",
                            f"Classeur trop volumineux : {what} occupe {_megabytes(part.file_size)} une fois "
                            f"décompressé(e), {_megabytes(limit)} au plus. Un texte démesuré dans une cellule ? "
                            "Découpez le classeur ou retirez ce contenu.")
        total = sum(part.file_size for part in parts)
        if total > MAX_UNZIPPED_BYTES:
            refused = True
            self._error("", None, "", f"Classeur trop volumineux : {_megabytes(total)} une fois décompressé, "
                                      f"{_megabytes(MAX_UNZIPPED_BYTES)} au plus. Découpez-le en plusieurs classeurs.")
        return not refused

    def _read_sheet(self, worksheet, name: str) -> Sheet:
        if hasattr(worksheet, "reset_dimensions"):
            # Some writers store a wrong used range; read-only mode would trust it and miss rows.
            worksheet.reset_dimensions()
        # One column past the limit is read, to see whether anything lies there; openpyxl drops the rest of
        # a row without building it. Rows are counted as they come: a million empty rows stop at the limit.
        rows = worksheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        header = next(rows, None) or ()
        columns: dict[str, int] = {}
        letters: dict[str, str] = {}
        for index, value in enumerate(header):
            code = str(value).strip().lower() if value is not None else ""
            if not code:
                continue
            if index >= MAX_COLUMNS:
                self._error(name, 1, "", f"Trop de colonnes : {MAX_COLUMNS} au plus (une valeur en colonne "
                                         f"{get_column_letter(index + 1)}). Supprimez les colonnes en trop.")
                break
            if len(code) > MAX_CELL_CHARS:
                self.result.errors.append(Problem(name, 1, "", _too_long(len(code)), get_column_letter(index + 1)))
                continue
            if code in columns:
                self._error(name, 1, code, "Colonne en double.")
                continue
            columns[code] = index
            letters[code] = get_column_letter(index + 1)
        self.letters[name] = letters
        names = {index: code for code, index in columns.items()}
        width = max(columns.values(), default=-1) + 1  # a row keeps only the columns that have a header
        data = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                self._error(name, None, "", f"Trop de lignes : {MAX_ROWS:_} lignes de données au plus par feuille "
                                            f"(la feuille continue après la ligne {MAX_ROWS + 1:_}, même avec des "
                                            "lignes vides mises en forme). Supprimez les lignes en trop ou "
                                            "découpez le classeur.".replace("_", " "))
                break
            if len(values) > MAX_COLUMNS and values[MAX_COLUMNS] is not None:
                self._error(name, number, "", f"Trop de colonnes : {MAX_COLUMNS} au plus (une valeur en colonne "
                                              f"{get_column_letter(MAX_COLUMNS + 1)}). Supprimez les colonnes en trop.")
            for index, value in enumerate(values):
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    self.result.errors.append(Problem(name, number, names.get(index, ""), _too_long(len(value)),
                                                      get_column_letter(index + 1)))
            if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
                data.append((number, values[:width]))
        return Sheet(name=name, title=worksheet.title, columns=columns, rows=data)

    def _check_headers(self, sheets: dict[str, Sheet]) -> None:
        for name in SHEET_ORDER:
            sheet = sheets.get(name)
            if sheet is None:
                self.broken.add(name)
                self._error(name, None, "", "Feuille manquante (le modèle en compte dix : utilisez "
                                            "import_template ; une feuille sans donnée garde sa ligne d'en-tête).")
                continue
            expected = {c.code: c for c in SHEETS[name]}
            for column in SHEETS[name]:
                if column.code in sheet.columns:
                    continue
                if column.required:
                    self.broken.add(name)
                    self._error(name, 1, column.code, "Colonne obligatoire manquante dans la ligne d'en-tête.")
                elif not column.score:
                    self._warn(name, 1, column.code, "Colonne absente : considérée comme vide.")
            for code in sheet.columns:
                if code not in expected:
                    self._warn(name, 1, code, "Colonne inconnue : ignorée.")
            self.result.rows[name] = len(sheet.rows)

    # ------------------------------------------------------------ cells

    def _parse(self, sheet: Sheet) -> None:
        columns = [c for c in SHEETS[sheet.name] if c.code in sheet.columns]
        for number, raw in sheet.rows:
            record = Record(sheet.name, number, {})
            for column in columns:
                index = sheet.columns[column.code]
                value = raw[index] if index < len(raw) else None
                record.values[column.code] = self._cell(record, column, value)
            self.records[sheet.name].append(record)
            self._tick()

    def _cell(self, record: Record, column: Column, value: Any) -> Any:
        if isinstance(value, str):
            # Trimmed (every kind of space and invisible character) before the formula check, which
            # otherwise lets " =…" or "\u00a0=…" through.
            value = cells.trimmed(value)
            if cells.CONTROL.search(value):
                self._fail(record, column.code, "Caractère de contrôle refusé : retapez la valeur au lieu de la "
                                                "copier depuis un autre logiciel.")
                return None
        if (isinstance(value, str) and cells.starts_a_formula(value)) or isinstance(value,
                                                                                    ArrayFormula | DataTableFormula):
            self._fail(record, column.code, "Formule refusée : saisissez la valeur elle-même, pas une formule.")
            return None
        if value is not None and not isinstance(value, str | int | float | bool | date | time):
            self._fail(record, column.code, f"Valeur illisible ({type(value).__name__}) : saisissez un texte, un "
                                            "nombre ou une date.")
            return None
        if value is None or value == "":
            if column.required:
                self._fail(record, column.code, "Valeur obligatoire manquante.")
            return None
        parse = {REF: self._text, TEXT: self._text, CODE: self._code, DATE: self._date, INT: self._int,
                 BOOL: self._bool, NUMBER: self._number}[column.kind]
        return parse(record, column, value)

    def _text(self, record: Record, column: Column, value: Any) -> str | None:
        if isinstance(value, bool):
            text = "oui" if value else "non"
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        elif isinstance(value, datetime):
            text = value.date().isoformat()
        elif isinstance(value, date | time):
            text = value.isoformat()
        else:
            text = str(value)
        if column.max_length and len(text) > column.max_length:
            self._fail(record, column.code, f"Texte trop long ({len(text)} caractères, au plus "
                                            f"{column.max_length}).")
            return None
        return text

    def _code(self, record: Record, column: Column, value: Any) -> str | None:
        text = str(value).strip()
        code = self._code_maps[column.vocabulary].get(text.lower())
        if code is None:
            self._fail(record, column.code, f"Code inconnu « {text} » : choisissez un code de la liste "
                                            f"{column.vocabulary} (feuille _listes du modèle).")
        return code

    def _date(self, record: Record, column: Column, value: Any) -> date | None:
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        elif isinstance(value, str) and ISO_DATE.match(value):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                self._fail(record, column.code, f"Date impossible « {value} ».")
                return None
        else:
            shown = value if not isinstance(value, float) or not value.is_integer() else int(value)
            self._fail(record, column.code, f"Date attendue, trouvé « {shown} » : saisissez une date Excel ou "
                                            "le texte AAAA-MM-JJ (ex. 2024-03-15).")
            return None
        if column.code == "birth_date":  # the rule of the entry forms, word for word
            problem = birth_date_problem(day, self.today)
            if problem:
                self._fail(record, column.code, problem)
                return None
        if day > self.today:
            self._fail(record, column.code, f"Date dans le futur ({day.isoformat()}).")
            return None
        if day.year < 1900:
            self._fail(record, column.code, f"Date improbable ({day.isoformat()}).")
            return None
        return day

    def _decimal(self, value: Any) -> Decimal | None:
        if isinstance(value, bool) or isinstance(value, date | time):
            return None
        try:
            return Decimal(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
        except InvalidOperation:
            return None

    def _int(self, record: Record, column: Column, value: Any) -> int | None:
        number = self._decimal(value)
        if number is None or not number.is_finite():
            self._fail(record, column.code, f"Nombre attendu, trouvé « {value} ».")
            return None
        if number != number.to_integral_value():
            self._fail(record, column.code, f"Nombre entier attendu, trouvé « {value} ».")
            return None
        result = int(number)
        if (column.minimum is not None and result < column.minimum) or \
                (column.maximum is not None and result > column.maximum):
            self._fail(record, column.code, f"Hors limites : {result} (de {column.minimum} à {column.maximum}).")
            return None
        return result

    def _number(self, record: Record, column: Column, value: Any) -> int | float | None:
        number = self._decimal(value)
        if number is None or not number.is_finite():
            self._fail(record, column.code, f"Nombre attendu, trouvé « {value} ».")
            return None
        return int(number) if number == number.to_integral_value() else float(number)

    def _bool(self, record: Record, column: Column, value: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        text = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        self._fail(record, column.code, f"Oui ou non attendu, trouvé « {value} ».")
        return None

    # ------------------------------------------------------------ checks across rows and sheets

    def _validate(self) -> None:
        self._index_refs()
        self._check_facilities()
        self._check_children()
        self._check_adults()
        self._check_requests()
        self._check_stays()
        self._check_presence()
        self._check_diagnoses()
        self._check_assessments()
        self._check_interventions()
        self._check_signalements()
        self._check_families()

    def _index_refs(self) -> None:
        for name, key in KEY_COLUMN.items():
            for record in self.records[name]:
                ref = record[key]
                if ref is None:
                    continue
                first = self.refs[name].get(ref)
                if first is not None:
                    self._fail(record, key, f"Référence en double « {ref} » : déjà utilisée ligne {first.row}.")
                    continue
                self.refs[name][ref] = record
        codes = {r["facility_code"] for name in ("facilities", "requests", "stays", "interventions", "signalements")
                 for r in self.records[name] if r["facility_code"]}
        self.db_facilities = {f.code: f for f in Facility.objects.filter(code__in=codes)}
        self.allowed = access.import_facility_ids(self.user) if self.user else None
        # A superuser may create the installation's first facility, before any right can be held anywhere.
        self.can_create_facility = (self.user is None or self.user.is_superuser
                                    or access.has_permission(self.user, access.ADMINISTER))

    def _reachable_facility(self, code: str | None) -> Facility | None:
        """The existing facility of that code where the user may import; one outside their rights is
        answered as a missing one, so that the import tells nothing about it."""
        existing = self.db_facilities.get(code)
        if existing is None or (self.allowed is not None and existing.pk not in self.allowed):
            return None
        return existing

    def _ref(self, record: Record, column: str, target: str) -> Record | None:
        """The row of `target` that `record[column]` points to; an unknown reference is an error."""
        ref = record[column]
        if ref is None:
            return None
        found = self.refs[target].get(ref)
        if found is None and target not in self.broken:
            self._fail(record, column, f"Référence inconnue « {ref} » : absente de la feuille {target} "
                                       f"(colonne {KEY_COLUMN[target]}).")
        return found

    def _facility(self, record: Record) -> None:
        """A facility_code must be in the facilities sheet, or an existing facility the user may import into."""
        code = record["facility_code"]
        if code is None or code in self.refs["facilities"]:
            return
        if self._reachable_facility(code) is None and "facilities" not in self.broken:
            self._fail(record, "facility_code", f"Structure inconnue « {code} » parmi celles où vous pouvez "
                                                "importer : ajoutez-la à la feuille facilities.")

    def _facility_kind(self, code: str | None) -> str | None:
        if code in self.refs["facilities"]:
            return self.refs["facilities"][code]["kind"]
        existing = self.db_facilities.get(code)
        return existing.kind if existing else None

    def _check_facilities(self) -> None:
        for record in self.records["facilities"]:
            code = record["facility_code"]
            if code is None:
                continue
            if not FACILITY_CODE.match(code):
                self._fail(record, "facility_code", f"Code de structure invalide « {code} » : lettres, chiffres, "
                                                    "- et _ seulement.")
                continue
            existing = self.db_facilities.get(code)
            if existing is not None:
                if self._reachable_facility(code) is None:
                    # Codes are unique: one taken outside the user's rights cannot be created again. The
                    # answer names neither the facility nor the user's rights.
                    self._fail(record, "facility_code", f"Code de structure indisponible « {code} » : choisissez-en "
                                                        "un autre.")
                elif (existing.kind, existing.name) != (record["kind"], record["name"]):
                    self._warn("facilities", record.row, "facility_code", f"La structure « {code} » existe déjà : "
                               "elle est reprise telle quelle (nom, type et capacité ne sont pas modifiés).")
                continue
            if not self.can_create_facility:
                self._fail(record, "facility_code", f"Structure « {code} » inexistante : seule une personne qui "
                                                    "administre une structure peut en créer une par import.")
            residential = record["kind"] and record["kind"] not in NON_RESIDENTIAL_KINDS
            if residential and record["capacity"] is None and self._has(record, "capacity"):
                self._fail(record, "capacity", "Capacité obligatoire pour un accueil résidentiel.")

    def _check_children(self) -> None:
        for record in self.records["children"]:
            if record["gestational_days"] is not None and record["gestational_weeks"] is None:
                self._fail(record, "gestational_days", "Des jours sans semaines d'âge gestationnel.")

    def _check_adults(self) -> None:
        for record in self.records["adults"]:
            nationality = record["nationality"]
            if nationality is not None:
                record.values["nationality"] = nationality = nationality.upper()
                if not COUNTRY_CODE.match(nationality):
                    self._fail(record, "nationality", f"Code pays invalide « {nationality} » : deux lettres "
                                                      "ISO 3166 (ex. BE).")

    def _family_children(self, family_ref: str) -> list[Record]:
        return [r for r in self.records["children"] if r["family_ref"] == family_ref]

    def _check_requests(self) -> None:
        stays_by_request: dict[str, list[str]] = {}
        for stay in self.records["stays"]:
            if stay["request_ref"] and stay["child_ref"]:
                stays_by_request.setdefault(stay["request_ref"], []).append(stay["child_ref"])
        self.request_children: dict[str, list[str]] = {}
        with_children = Family.objects.filter(
            reference__in={r["family_ref"] for r in self.records["requests"] if r["family_ref"]},
            children__isnull=False)
        if self.allowed is not None:  # a dossier out of reach is no dossier of this import
            with_children = with_children.filter(access.facility_q(Family, self.allowed))
        existing_children = set(with_children.values_list("reference", flat=True))
        for record in self.records["requests"]:
            self._facility(record)
            ref, family_ref = record["request_ref"], record["family_ref"]
            # The children concerned: those whose stay came from this request, else the family's children.
            children = [c for c in stays_by_request.get(ref, []) if c in self.refs["children"]]
            if not children and family_ref:
                children = [c["child_ref"] for c in self._family_children(family_ref) if c["child_ref"]]
                if not children and family_ref not in existing_children and "children" not in self.broken:
                    self._fail(record, "family_ref", f"Aucun enfant pour le dossier « {family_ref} » : une demande "
                                                     "concerne un enfant de la feuille children.")
            if ref:
                self.request_children[ref] = children
            decision, decided_on = record["decision"], record["decided_on"]
            if decision and decided_on is None and self._has(record, "decided_on"):
                self._fail(record, "decided_on", "Date de décision obligatoire avec une décision.")
            if decided_on and not decision and self._has(record, "decision"):
                self._fail(record, "decision", "Date de décision sans décision.")
            if decided_on and record["received_on"] and decided_on < record["received_on"]:
                self._fail(record, "decided_on", "La décision précède la réception de la demande.")
            if decision == "refused" and not record["refusal_reason"] and self._has(record, "refusal_reason"):
                self._fail(record, "refusal_reason", "Un refus doit avoir un motif (refusal_reason).")
            if record["refusal_reason"] and decision != "refused":
                self._fail(record, "refusal_reason", "Motif de refus sans décision refused.")

    def _has(self, record: Record, column: str) -> bool:
        """False when the cell was refused already (its own error is enough)."""
        return not any(p.sheet == record.sheet and p.row == record.row and p.column == column
                       for p in self.result.errors)

    def _check_stays(self) -> None:
        for record in self.records["stays"]:
            self._facility(record)
            child = self._ref(record, "child_ref", "children")
            request = self._ref(record, "request_ref", "requests")
            admitted, discharged = record["admitted_on"], record["discharged_on"]
            if child is not None and admitted and child["birth_date"] and admitted < child["birth_date"]:
                self._fail(record, "admitted_on", f"Séjour avant la naissance : admission le {admitted.isoformat()}"
                                                  f", naissance le {child['birth_date'].isoformat()} "
                                                  f"({child['child_ref']}).")
            if admitted and discharged and discharged < admitted:
                self._fail(record, "discharged_on", "La sortie précède l'admission.")
            if discharged:
                for column in ("discharge_kind", "residence_after"):
                    if not record[column] and self._has(record, column):
                        self._fail(record, column, "Obligatoire pour un séjour terminé (avec une date de sortie).")
            else:
                for column in ("discharge_kind", "residence_after"):
                    if record[column]:
                        self._warn("stays", record.row, column, "Ignoré : le séjour n'a pas de date de sortie.")
            if request is not None:
                if request["facility_code"] != record["facility_code"]:
                    self._fail(record, "request_ref", "La demande a été reçue par une autre structure que celle "
                                                      "du séjour.")
                elif child is not None and request["family_ref"] != child["family_ref"]:
                    self._fail(record, "request_ref", "La demande concerne un autre dossier que celui de "
                                                      "l'enfant.")

    def _within_stay(self, record: Record, stay: Record, column: str, day: date | None, what: str) -> None:
        if day is None or stay["admitted_on"] is None:
            return
        end = stay["discharged_on"]
        if day < stay["admitted_on"] or (end is not None and day > end):
            until = end.isoformat() if end else "en cours"
            self._fail(record, column, f"{what} hors du séjour {stay['stay_ref']} (du "
                                       f"{stay['admitted_on'].isoformat()} au {until}).")

    def _family_of_stay(self, stay: Record) -> str | None:
        child = self.refs["children"].get(stay["child_ref"])
        return child["family_ref"] if child is not None else None

    def _check_presence(self) -> None:
        for record in self.records["presence"]:
            stay = self._ref(record, "stay_ref", "stays")
            adult = self._ref(record, "adult_ref", "adults")
            start, end = record["from"], record["to"]
            if start and end and end < start:
                self._fail(record, "to", "La fin de présence précède son début.")
            if stay is None:
                continue
            if adult is not None and adult["family_ref"] != self._family_of_stay(stay):
                self._fail(record, "adult_ref", "Cet adulte n'appartient pas à la famille de l'enfant du séjour.")
            self._within_stay(record, stay, "from", start, "Début de présence")
            self._within_stay(record, stay, "to", end, "Fin de présence")

    def _subject(self, record: Record, stay: Record | None, expect: str | None) -> tuple[str, Record] | None:
        """('child' | 'adult', row) of subject_ref, checked against the stay's child and family."""
        ref = record["subject_ref"]
        if ref is None:
            return None
        child, adult = self.refs["children"].get(ref), self.refs["adults"].get(ref)
        if expect == CHILD:
            adult = None
        elif expect == ADULT:
            child = None
        if child is not None and adult is not None:
            self._fail(record, "subject_ref", f"« {ref} » est à la fois un child_ref et un adult_ref : "
                                              "donnez-leur des identifiants distincts.")
            return None
        if child is None and adult is None:
            other = self.refs["children"].get(ref) if expect == ADULT else self.refs["adults"].get(ref)
            if other is not None:
                wanted = "un parent (adult_ref)" if expect == ADULT else "l'enfant (child_ref)"
                self._fail(record, "subject_ref", f"« {ref} » ne convient pas : l'instrument "
                                                  f"{record['instrument']} évalue {wanted}.")
                return None
            where = {CHILD: "de la feuille children (child_ref)", ADULT: "de la feuille adults (adult_ref)"}.get(
                expect, "des feuilles children et adults")
            self._fail(record, "subject_ref", f"Référence inconnue « {ref} » : absente {where}.")
            return None
        if stay is None:
            return None
        if child is not None:
            if child["child_ref"] != stay["child_ref"]:
                self._fail(record, "subject_ref", f"« {ref} » n'est pas l'enfant du séjour {stay['stay_ref']}.")
                return None
            return "child", child
        if adult["family_ref"] != self._family_of_stay(stay):
            self._fail(record, "subject_ref", f"« {ref} » n'appartient pas à la famille de l'enfant du séjour.")
            return None
        return "adult", adult

    def _check_diagnoses(self) -> None:
        primaries: dict[tuple, int] = {}
        for record in self.records["diagnoses"]:
            stay = self._ref(record, "stay_ref", "stays")
            subject = self._subject(record, stay, None)
            if subject is not None and record["primary"] and record["timepoint"]:
                key = (record["stay_ref"], record["subject_ref"], record["timepoint"])
                if key in primaries:
                    self._fail(record, "primary", f"Deux diagnostics principaux pour le même sujet et le même "
                                                  f"moment (voir la ligne {primaries[key]}).")
                else:
                    primaries[key] = record.row

    def _check_assessments(self) -> None:
        rows = self.records["assessments"]
        if rows and self.user is None:
            self._fail(rows[0], "", "Les évaluations demandent un évaluateur : lancez l'import avec --user.")
        for record in rows:
            stay = self._ref(record, "stay_ref", "stays")
            code = record["instrument"]
            instrument = instruments.get(code) if code else None
            self._subject(record, stay, instrument.subject if instrument else None)
            if stay is not None:
                self._within_stay(record, stay, "assessed_on", record["assessed_on"], "Date de passation")
            if instrument is None:
                continue
            scores = {c: v for c, v in record.values.items() if c in SCORE_CODES and v is not None}
            for score_code, message in instrument.validate(scores).items():
                self._fail(record, score_code, message + f" ({instrument.name})")

    def _check_family_link(self, record: Record) -> None:
        stay = self._ref(record, "stay_ref", "stays") if "stay_ref" in record.values else None
        if stay is None:
            return
        if stay["facility_code"] != record["facility_code"]:
            self._fail(record, "stay_ref", "Le séjour est dans une autre structure.")
        elif self._family_of_stay(stay) not in (None, record["family_ref"]):
            self._fail(record, "stay_ref", "Le séjour concerne un autre dossier famille.")

    def _check_interventions(self) -> None:
        for record in self.records["interventions"]:
            self._facility(record)
            self._check_family_link(record)

    def _check_signalements(self) -> None:
        for record in self.records["signalements"]:
            self._facility(record)

    def _check_families(self) -> None:
        """Every family_ref becomes a dossier: an existing one must be reachable, a new one needs a facility."""
        first_use: dict[str, Record] = {}
        for name in ("children", "adults", "requests", "interventions", "signalements"):
            for record in self.records[name]:
                if record["family_ref"]:
                    first_use.setdefault(record["family_ref"], record)
        self.family_order = list(first_use)
        # A new dossier belongs to the facility of its first request, else of its first stay, else of its
        # first intervention or signalement.
        candidates: dict[str, list[tuple[date, str]]] = {}
        for record in self.records["requests"]:
            if record["family_ref"] and record["facility_code"] and record["received_on"]:
                candidates.setdefault(record["family_ref"], []).append((record["received_on"],
                                                                         record["facility_code"]))
        for source, day in (("stays", "admitted_on"), ("interventions", "date"), ("signalements", "date")):
            found: dict[str, list[tuple[date, str]]] = {}
            for record in self.records[source]:
                family_ref = self._family_of_stay(record) if source == "stays" else record["family_ref"]
                if family_ref and record["facility_code"] and record[day] and family_ref not in candidates:
                    found.setdefault(family_ref, []).append((record[day], record["facility_code"]))
            for family_ref, items in found.items():
                candidates.setdefault(family_ref, items)
        workbook_facilities = {r["facility_code"] for name in ("facilities", "requests", "stays", "interventions",
                                                               "signalements")
                               for r in self.records[name] if r["facility_code"]}
        existing = self._reachable_families(first_use, candidates)
        self.existing_families = existing
        self.family_facility: dict[str, str] = {}
        for ref, record in first_use.items():
            if ref in existing:
                continue
            if ref in candidates:
                self.family_facility[ref] = min(candidates[ref])[1]
            elif len(workbook_facilities) == 1:
                self.family_facility[ref] = next(iter(workbook_facilities))
            else:
                self._fail(record, "family_ref", f"Structure du dossier « {ref} » inconnue : ajoutez une demande, "
                                                 "un séjour ou une intervention de ce dossier.")

    def _reachable_families(self, first_use: dict[str, Record],
                            candidates: dict[str, list[tuple[date, str]]]) -> dict[str, Family]:
        """The existing dossier each family_ref names, among those the importer may reach only.

        References are unique per facility: a reference held only by a facility out of reach is no dossier of
        this import (it is created anew in the importer's facility), and the answer is the one a missing
        reference gets. Held by several reachable facilities, the one of the family's first request or stay
        is meant."""
        families = Family.objects.filter(reference__in=first_use).select_related("facility")
        if self.allowed is not None:
            families = families.filter(access.facility_q(Family, self.allowed))
        found: dict[str, list[Family]] = {}
        for family in families:
            found.setdefault(family.reference, []).append(family)
        existing: dict[str, Family] = {}
        for ref, matches in found.items():
            if len(matches) == 1:
                existing[ref] = matches[0]
                continue
            meant = min(candidates[ref])[1] if ref in candidates else None
            chosen = [f for f in matches if f.facility.code == meant]
            if chosen:
                existing[ref] = chosen[0]
            else:
                self._fail(first_use[ref], "family_ref", f"Référence de dossier « {ref} » présente dans plusieurs "
                                                         "de vos structures : ajoutez la demande ou le séjour "
                                                         "qui dit laquelle.")
        return existing

    # ------------------------------------------------------------ writing

    def _call(self, record: Record, service: Callable, **kwargs) -> Any:
        """Run one service; its refusal becomes an error of the row (the whole import is then rolled back)."""
        try:
            return service(**kwargs)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    column = FIELD_COLUMNS.get(name, "")
                    if record.sheet == "diagnoses" and name in ("child", "adult"):
                        column = "subject_ref"
                    if record.sheet == "stays" and name == "__all__":
                        column = "admitted_on"
                    for message in ValidationError(errors).messages:
                        self._error(record.sheet, record.row, column, message)
            else:
                column = "admitted_on" if record.sheet == "stays" else ""
                for message in error.messages:
                    self._error(record.sheet, record.row, column, message)
        except IntegrityError as error:
            self._error(record.sheet, record.row, "", f"Refusé par la base de données ({error}).")
        return None

    def _present(self, sheet: str, model: type[models.Model], **key: Any) -> Any:
        """The record already present for this row, or None.

        Identical rows are distinct records (two home visits on one day): the k-th row with a key matches
        the k-th record with that key, oldest first, so a second import finds each row its own record and
        one more identical row is created. Records this run created are not "present".
        """
        marker = tuple(sorted((name, getattr(value, "pk", value)) for name, value in key.items()))
        rank = self._ranks[sheet][marker]
        self._ranks[sheet][marker] += 1
        found = (model._default_manager.filter(**key).exclude(pk__in=self._created.get(sheet, ()))
                 .order_by("pk")[rank:rank + 1])
        return next(iter(found), None)

    def _count(self, sheet: str, obj: Any, created: bool) -> Any:
        """Every row ends created, already present, or refused (its service said no, see the errors)."""
        if obj is None:
            self.result.refused[sheet] += 1
        elif created:
            self.result.created[sheet] += 1
            self._created.setdefault(sheet, set()).add(obj.pk)
        else:
            self.result.skipped[sheet] += 1
        self._tick()
        return obj

    def _refuse(self, sheet: str) -> None:
        """A row left out because a row it depends on was refused."""
        self.result.refused[sheet] += 1
        self._tick()

    def _organisation(self) -> Organisation:
        if self.user is not None:
            mine = access.facilities_for(self.user, access.ADMINISTER).first()
            if mine is not None:
                return mine.organisation
        existing = Organisation.objects.order_by("pk").first()
        return existing or organisation_create(user=self.user, name="Organisation")

    def _apply(self) -> None:
        self._created: dict[str, set[int]] = {}
        self._ranks: dict[str, Counter] = {name: Counter() for name in SHEETS}
        self.facility_objs: dict[str, Facility] = dict(self.db_facilities)
        self.family_objs: dict[str, Family] = {}
        self.objs: dict[str, dict[str, Any]] = {name: {} for name in KEY_COLUMN}
        for step in (self._apply_facilities, self._apply_families, self._apply_children, self._apply_adults,
                     self._apply_requests, self._apply_stays, self._apply_presence, self._apply_diagnoses,
                     self._apply_assessments, self._apply_interventions, self._apply_signalements):
            step()

    def _apply_facilities(self) -> None:
        for record in self.records["facilities"]:
            code = record["facility_code"]
            existing = self.facility_objs.get(code)
            if existing is not None:
                self._count("facilities", existing, created=False)
                continue
            facility = self._call(record, facility_create, user=self.user, organisation=self._organisation(),
                                  code=code, name=record["name"], kind=record["kind"], country=record["country"],
                                  capacity=record["capacity"])
            if facility is not None:
                self.facility_objs[code] = facility
                if self.user is not None and not self.user.is_superuser:
                    # Whoever creates a facility administers it: without a role there, its records would be
                    # out of their sight and the same workbook could not be imported again.
                    membership_grant(user=self.user, member=self.user, facility=facility,
                                     role=Membership.Role.ADMIN)
                    access.forget(self.user)
            self._count("facilities", facility, created=True)

    def _apply_families(self) -> None:
        existing = self.existing_families
        for ref in self.family_order:
            if ref in existing:
                self.family_objs[ref] = existing[ref]
                self.result.skipped["families"] += 1
                continue
            facility = self.facility_objs.get(self.family_facility.get(ref))
            if facility is None:
                continue
            record = Record("families", 0, {"family_ref": ref})
            family = self._call(record, adm.family_create, user=self.user, facility=facility, reference=ref,
                                reason=self.reason)
            if family is not None:
                self.family_objs[ref] = family
                self.result.created["families"] += 1

    def _apply_children(self) -> None:
        for record in self.records["children"]:
            family = self.family_objs.get(record["family_ref"])
            if family is None:
                self._refuse("children")
                continue
            key = {"first_name": record["first_name"], "last_name": record["last_name"],
                   "birth_date": record["birth_date"]}
            child = self._present("children", Child, family=family, **key)
            created = child is None
            if created:
                child = self._call(record, adm.child_add, user=self.user, family=family, sex=record["sex"],
                                   gestational_weeks=record["gestational_weeks"],
                                   gestational_days=record["gestational_days"],
                                   birth_weight_g=record["birth_weight_g"], reason=self.reason, **key)
            self.objs["children"][record["child_ref"]] = child
            self._count("children", child, created)

    def _apply_adults(self) -> None:
        for record in self.records["adults"]:
            family = self.family_objs.get(record["family_ref"])
            if family is None:
                self._refuse("adults")
                continue
            key = {"role": record["role"], "first_name": record["first_name"], "last_name": record["last_name"]}
            adult = self._present("adults", Adult, family=family, **key)
            created = adult is None
            if created:
                adult = self._call(record, adm.adult_add, user=self.user, family=family,
                                   birth_date=record["birth_date"], nationality=record["nationality"] or "",
                                   region=record["region"] or "", reason=self.reason, **key)
            self.objs["adults"][record["adult_ref"]] = adult
            self._count("adults", adult, created)

    def _apply_requests(self) -> None:
        for record in self.records["requests"]:
            facility = self.facility_objs.get(record["facility_code"])
            family = self.family_objs.get(record["family_ref"])
            if facility is None or family is None:
                self._refuse("requests")
                continue
            request = self._present("requests", AdmissionRequest, facility=facility, family=family,
                                    received_on=record["received_on"])
            created = request is None
            if created:
                request = self._create_request(record, facility, family)
            self.objs["requests"][record["request_ref"]] = request
            self._count("requests", request, created)

    def _create_request(self, record: Record, facility: Facility, family: Family) -> AdmissionRequest | None:
        children = [self.objs["children"].get(ref) for ref in self.request_children.get(record["request_ref"], [])]
        children = [c for c in children if c is not None] or list(family.children.all())
        organisation = None
        if record["referrer_name"]:
            organisation = self._call(record, adm.referrer_organisation_get_or_create, user=self.user,
                                      name=record["referrer_name"], category=record["referrer_category"])
        request = self._call(record, adm.request_create, user=self.user, facility=facility, family=family,
                             received_on=record["received_on"], requester=record["requester"],
                             referrer_category=record["referrer_category"], referrer_organisation=organisation,
                             reason=record["reason"], mandate=record["mandate"] or "none", children=children,
                             history_reason=self.reason)
        if request is not None and record["decision"]:
            # The decision was taken long ago, outside the eligibility check of the product.
            decided = self._call(record, adm.request_decide, user=self.user, request=request,
                                 decision=record["decision"], decided_on=record["decided_on"],
                                 refusal_reason=record["refusal_reason"] or "", override_reason=DECISION_OVERRIDE)
            if decided is None:
                return None
        return request

    def _apply_stays(self) -> None:
        ordered = sorted(self.records["stays"], key=lambda r: (r["admitted_on"], r.row))
        for record in ordered:
            facility = self.facility_objs.get(record["facility_code"])
            child = self.objs["children"].get(record["child_ref"])
            request = self.objs["requests"].get(record["request_ref"]) if record["request_ref"] else None
            if facility is None or child is None or (record["request_ref"] and request is None):
                self._refuse("stays")
                continue
            stay = self._present("stays", Stay, facility=facility, child=child, admitted_on=record["admitted_on"])
            created = stay is None
            if created:
                discharged = record["discharged_on"]
                stay = self._call(
                    record, adm.stay_admit, user=self.user, facility=facility, child=child, request=request,
                    admitted_on=record["admitted_on"], residence_before=record["residence_before"],
                    mandate=record["mandate"] or "none", discharged_on=discharged,
                    discharge_kind=(record["discharge_kind"] or "") if discharged else "",
                    residence_after=(record["residence_after"] or "") if discharged else "",
                    override_reason="" if request is not None and request.decision == "accepted"
                    else ADMISSION_OVERRIDE,
                    reason=self.reason)
            self.objs["stays"][record["stay_ref"]] = stay
            self._count("stays", stay, created)

    def _apply_presence(self) -> None:
        for record in self.records["presence"]:
            stay, adult = self.objs["stays"].get(record["stay_ref"]), self.objs["adults"].get(record["adult_ref"])
            if stay is None or adult is None:
                self._refuse("presence")
                continue
            period = self._present("presence", PresencePeriod, stay=stay, adult=adult, start=record["from"])
            created = period is None
            if created:
                period = self._call(record, adm.presence_add, user=self.user, stay=stay, adult=adult,
                                    start=record["from"], end=record["to"], reason=self.reason)
            self._count("presence", period, created)

    def _subject_objs(self, record: Record, kind: str | None) -> tuple[Child | None, Adult | None]:
        ref = record["subject_ref"]
        child = self.objs["children"].get(ref) if kind != ADULT else None
        adult = self.objs["adults"].get(ref) if kind != CHILD and child is None else None
        return child, adult

    def _apply_diagnoses(self) -> None:
        for record in self.records["diagnoses"]:
            stay = self.objs["stays"].get(record["stay_ref"])
            child, adult = self._subject_objs(record, None)
            if stay is None or (child is None and adult is None):
                self._refuse("diagnoses")
                continue
            diagnosis = self._present("diagnoses", Diagnosis, stay=stay, child=child, adult=adult,
                                      timepoint=record["timepoint"], classification=record["system"],
                                      code=record["code"])
            created = diagnosis is None
            if created:
                diagnosis = self._call(record, adm.diagnosis_add, user=self.user, stay=stay, child=child,
                                       adult=adult, timepoint=record["timepoint"], classification=record["system"],
                                       code=record["code"], label=record["label"] or "",
                                       primary=bool(record["primary"]), reason=self.reason)
            self._count("diagnoses", diagnosis, created)

    def _apply_assessments(self) -> None:
        for record in self.records["assessments"]:
            stay = self.objs["stays"].get(record["stay_ref"])
            instrument = instruments.get(record["instrument"])
            child, adult = self._subject_objs(record, instrument.subject)
            if stay is None or (child is None and adult is None):
                self._refuse("assessments")
                continue
            assessment = self._present("assessments", Assessment, stay=stay, child=child, adult=adult,
                                       instrument=instrument.code, assessed_on=record["assessed_on"])
            created = assessment is None
            if created:
                scores = {c: v for c, v in record.values.items() if c in SCORE_CODES and v is not None}
                # Old records were scored when they were taken; the age range is not questioned again.
                assessment = self._call(record, assessment_record, user=self.user, stay=stay,
                                        instrument_code=instrument.code, assessed_on=record["assessed_on"],
                                        scores=scores, child=child, adult=adult, confirm_out_of_age_range=True,
                                        reason=self.reason)
            self._count("assessments", assessment, created)

    def _stay_of(self, record: Record) -> tuple[bool, Stay | None]:
        """(usable, stay): a row whose stay failed to import is left out."""
        ref = record["stay_ref"]
        if not ref:
            return True, None
        stay = self.objs["stays"].get(ref)
        return stay is not None, stay

    def _apply_interventions(self) -> None:
        for record in self.records["interventions"]:
            facility = self.facility_objs.get(record["facility_code"])
            family = self.family_objs.get(record["family_ref"])
            usable, stay = self._stay_of(record)
            if facility is None or family is None or not usable:
                self._refuse("interventions")
                continue
            intervention = self._present("interventions", Intervention, facility=facility, family=family, stay=stay,
                                         kind=record["kind"], done_on=record["date"],
                                         duration_min=record["duration_min"])
            created = intervention is None
            if created:
                intervention = self._call(record, adm.intervention_add, user=self.user, facility=facility,
                                          family=family, stay=stay, kind=record["kind"], done_on=record["date"],
                                          duration_min=record["duration_min"], reason=self.reason)
            self._count("interventions", intervention, created)

    def _apply_signalements(self) -> None:
        for record in self.records["signalements"]:
            facility = self.facility_objs.get(record["facility_code"])
            family = self.family_objs.get(record["family_ref"])
            if facility is None or family is None:
                self._refuse("signalements")
                continue
            signalement = self._present("signalements", Signalement, facility=facility, family=family,
                                        made_on=record["date"], addressee=record["addressee"])
            created = signalement is None
            if created:
                signalement = self._call(record, adm.signalement_add, user=self.user, facility=facility,
                                         family=family, made_on=record["date"], addressee=record["addressee"],
                                         reason=self.reason)
            self._count("signalements", signalement, created)


# ---------------------------------------------------------------- the template


README_LINES = (
    ("Classeur d'import — version 1", True),
    ("", False),
    ("Ce classeur reprend des dossiers tenus jusqu'ici dans des tableurs : une feuille par sorte de donnée, "
     "dans l'ordre ci-dessous. La première ligne de chaque feuille porte les codes de colonnes : ne les "
     "modifiez pas. Survolez un en-tête pour lire ce qu'il attend.", False),
    ("", False),
    ("Règles", True),
    ("• Dates : une date Excel, ou le texte AAAA-MM-JJ (ex. 2024-03-15). Aucune date dans le futur.", False),
    ("• Codes : ceux des listes déroulantes (feuille masquée _listes : clic droit sur un onglet › Afficher).", False),
    ("• Colonnes *_ref : vos propres identifiants, qui ne servent qu'à relier les lignes entre feuilles "
     "(ex. le child_ref d'un séjour renvoie à la feuille children). family_ref devient la référence du dossier.",
     False),
    ("• Pas de formule : saisissez les valeurs elles-mêmes (une cellule qui commence par = est refusée).", False),
    ("• Une colonne en plus est ignorée (avertissement) ; une feuille sans donnée garde sa ligne d'en-tête.", False),
    ("", False),
    ("Ce qui se passe à l'import", True),
    ("1. Tout le classeur est vérifié d'abord ; chaque erreur est donnée avec sa feuille, sa ligne et sa colonne.",
     False),
    ("2. S'il y a une seule erreur, rien n'est écrit. Sinon tout est enregistré en une fois, avec les mêmes "
     "règles que la saisie à l'écran (capacité, dates, présences) ; un refus à ce moment annule tout l'import.",
     False),
    ("3. Deux lignes identiques sont deux enregistrements (deux visites le même jour). Réimporter le même "
     "classeur ne crée pas de doublon : une ligne déjà présente est comptée « déjà présente » et laissée telle "
     "quelle (l'import ajoute, il ne modifie pas).", False),
    ("4. Le résumé compte, par feuille : lignes lues = créées + déjà présentes + refusées.", False),
    ("", False),
    ("Feuilles", True),
    ("facilities : les structures (une existante est reprise, une nouvelle demande le droit d'administrer).", False),
    ("children, adults : les enfants et les adultes des dossiers (family_ref).", False),
    ("requests : les demandes d'admission et leurs décisions.", False),
    ("stays : les séjours (ou suivis), avec la sortie pour ceux qui sont terminés.", False),
    ("presence : les périodes de présence des parents admis avec l'enfant, comprises dans le séjour.", False),
    ("diagnoses : les diagnostics de l'enfant ou d'un adulte, à l'entrée, en cours ou à la sortie.", False),
    ("assessments : les évaluations ; une colonne par code de score, à remplir pour l'instrument de la ligne.",
     False),
    ("   EPDS (e01 à e10) : le score de chaque item après cotation du questionnaire (0 à 3, items 3 et 5 à 10 "
     "inversés : leur 1re réponse vaut 3), pas le rang de la réponse cochée.", False),
    ("interventions, signalements : l'activité et les signalements aux autorités.", False),
)


def build_template(target: str | Path | IO[bytes]) -> None:
    """Write the empty workbook: README, the ten sheets with help and drop-down lists, the hidden lists."""
    workbook = openpyxl.Workbook()
    readme = workbook.active
    readme.title = "README"
    readme.column_dimensions["A"].width = 120
    for line, bold in README_LINES:
        readme.append([line])
        if bold:
            readme.cell(row=readme.max_row, column=1).font = Font(bold=True, size=12)
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    for name, columns in SHEETS.items():
        sheet = workbook.create_sheet(name)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index, value=column.code)
            cell.font = Font(bold=True)
            cell.fill = header_fill
            comment = Comment(column.help, "Modèle d'import")
            comment.width, comment.height = 320, 120
            cell.comment = comment
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(12, len(column.code) + 4)
            if column.vocabulary:
                validation = DataValidation(type="list", formula1=list_name(column.vocabulary), allow_blank=True,
                                            showErrorMessage=True, errorTitle="Code inconnu",
                                            error="Choisissez une valeur de la liste (feuille _listes).")
                validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
                sheet.add_data_validation(validation)
    _write_lists(workbook)
    workbook.save(target)


TEMPLATE_ROWS = 5000


def list_name(vocabulary: str) -> str:
    """The workbook-level name of a code list on `_listes`, which the drop-downs refer to."""
    return f"liste_{vocabulary}"


def _write_lists(workbook) -> None:
    """The code lists on the hidden sheet `_listes` (an inline list is capped at 255 characters in Excel)."""
    sheet = workbook.create_sheet("_listes")
    sheet.sheet_state = "hidden"
    names = dict.fromkeys(c.vocabulary for cols in SHEETS.values() for c in cols if c.vocabulary)
    for position, name in enumerate(names):
        code_column = 2 * position + 1
        sheet.cell(row=1, column=code_column, value=name).font = Font(bold=True)
        sheet.cell(row=1, column=code_column + 1, value="libellé").font = Font(bold=True)
        codes = list_codes(name)
        for row, code in enumerate(codes, start=2):
            sheet.cell(row=row, column=code_column, value=code)
            sheet.cell(row=row, column=code_column + 1, value=_list_label(name, code))
        letter = get_column_letter(code_column)
        workbook.defined_names[list_name(name)] = DefinedName(
            list_name(name), attr_text=f"'_listes'!${letter}$2:${letter}${len(codes) + 1}")
