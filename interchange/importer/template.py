"""The empty template workbook: README, the sheets with help and drop-down lists, the hidden code lists."""

from __future__ import annotations

from pathlib import Path
from typing import IO

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from interchange.importer.schema import SHEETS, list_codes, list_label

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
            sheet.cell(row=row, column=code_column + 1, value=list_label(name, code))
        letter = get_column_letter(code_column)
        workbook.defined_names[list_name(name)] = DefinedName(
            list_name(name), attr_text=f"'_listes'!${letter}$2:${letter}${len(codes) + 1}")
