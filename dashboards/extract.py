"""The pseudonymised outcome extract for research partners: one row per stay discharged in the period with
outcome pairs, its breakdown keys and, per measure, the entry and exit values and the days between them.

No name, no date, no record id: the child is a pseudonym (HMAC-SHA256 of the child id under a key of its
own, derived from the installation's secret, so that the same child keeps its pseudonym from one extract
to the next and cannot be linked to a funder's workbook). Families without a valid `research` consent
(documents) are left out, and the extract says how many.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from dashboards import outcomes as outcome_rules
from dashboards.linelist import pseudonym

KEY_COLUMNS = ("pseudonyme", "structure", "annee_sortie", "admission_mode", "age_band", "length_of_stay", "mandate")


def research_key(secret_key: str) -> str:
    """A key for the research pseudonyms alone (not the installation's secret itself)."""
    return hmac.new(secret_key.encode(), b"outcome-research-extract", hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Extract:
    rows: pd.DataFrame
    left_out_without_consent: int  # stays with pairs whose family has no research consent


def build(pairs: pd.DataFrame, *, key: str, facility_codes: dict[int, str], consenting: Iterable[int]) -> Extract:
    """One row per stay of `pairs` whose family consents, its measures side by side."""
    columns = [*KEY_COLUMNS, *(f"{m}_{part}" for m in outcome_rules.MEASURE_CODES
                               for part in ("entree", "sortie", "jours"))]
    if pairs.empty:
        return Extract(pd.DataFrame(columns=columns), 0)
    pairs = pairs[pairs["measure"].isin(outcome_rules.MEASURE_CODES)]
    consenting = set(consenting)
    kept = pairs[pairs["family_id"].isin(consenting)]
    left_out = int(pairs.loc[~pairs["family_id"].isin(consenting), "stay_id"].nunique())
    if kept.empty:
        return Extract(pd.DataFrame(columns=columns), left_out)
    # One parent per role and stay: the first assessed (by their record), as the pairs' order gives.
    kept = kept.sort_values(["stay_id", "measure", "subject_id"]).drop_duplicates(["stay_id", "measure"])
    wide = kept.pivot(index="stay_id", columns="measure", values=["entry", "exit", "days_apart"])
    keys = kept.drop_duplicates("stay_id").set_index("stay_id")
    out = pd.DataFrame(index=wide.index)
    out["pseudonyme"] = [pseudonym(key, int(child)) for child in keys.loc[wide.index, "child_id"]]
    out["structure"] = [facility_codes.get(int(f), "") for f in keys.loc[wide.index, "facility_id"]]
    out["annee_sortie"] = [d.year for d in keys.loc[wide.index, "discharged_on"]]
    for column in ("admission_mode", "age_band", "length_of_stay", "mandate"):
        out[column] = keys.loc[wide.index, column]
    for measure in outcome_rules.MEASURE_CODES:
        for part, source in (("entree", "entry"), ("sortie", "exit"), ("jours", "days_apart")):
            out[f"{measure}_{part}"] = wide[(source, measure)] if (source, measure) in wide.columns else None
    out = out.sort_values(["structure", "pseudonyme"]).reset_index(drop=True)
    return Extract(out[columns], left_out)


MEASURE_TEXT = {
    "bayley_cog": "Bayley-III ou Bayley-4, score composite cognitif (lu à l'âge corrigé)",
    "bayley_lang": "Bayley-III ou Bayley-4, score composite langage (lu à l'âge corrigé)",
    "bayley_motor": "Bayley-III ou Bayley-4, score composite moteur (lu à l'âge corrigé)",
    "pirgas": "PIR-GAS, score global de la relation parent-enfant (1 à 100, plus haut = mieux)",
    "adbb": "ADBB, score total (0 à 32, plus bas = mieux ; retrait à partir de 5)",
    "epds_mother": "EPDS de la mère admise, score total (0 à 30, plus bas = mieux ; 13 et plus : dépression probable)",
    "epds_father": "EPDS du père admis, score total (0 à 30, plus bas = mieux ; 13 et plus : dépression probable)",
}


def dictionary() -> list[tuple[str, str, str]]:
    """(column, type, French description) of every column of the extract."""
    rows = [
        ("pseudonyme", "texte", "Pseudonyme de l'enfant (12 caractères) ; le même enfant garde le même pseudonyme "
         "d'une extraction à l'autre ; aucun lien possible avec les classeurs des financeurs."),
        ("structure", "texte", "Code de la structure du séjour."),
        ("annee_sortie", "entier", "Année de la sortie (aucune date exacte n'est extraite)."),
        ("admission_mode", "code", "with_father : père seul ou les deux parents (tout le séjour ou en partie) ; "
         "without_father : les autres."),
        ("age_band", "code", "Âge à l'admission en mois révolus : 0-5m, 6-11m, 12-23m, 24-35m, 36m+."),
        ("length_of_stay", "code", "Durée du séjour : le_91 (91 jours ou moins), 92_182, gt_182 (plus de 182)."),
        ("mandate", "code", "voluntary : sans mandat ; judicial : mandat judiciaire ou administratif."),
    ]
    for measure, text in MEASURE_TEXT.items():
        rows += [
            (f"{measure}_entree", "nombre", f"{text} : valeur d'entrée (première évaluation de l'admission à "
             "l'admission + 42 jours) ; vide sans paire."),
            (f"{measure}_sortie", "nombre", f"{text} : valeur de sortie (dernière évaluation de la sortie − 42 "
             "jours à la sortie + 14 jours) ; vide sans paire."),
            (f"{measure}_jours", "entier", "Jours entre l'évaluation d'entrée et celle de sortie (28 au moins)."),
        ]
    return rows


def _csv(header: list[str], rows: Iterable[Iterable]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None or (isinstance(value, float) and pd.isna(value)) else
                         (f"{value:g}".replace(".", ",") if isinstance(value, float) else value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def archive(extract: Extract, *, about: str) -> bytes:
    """A ZIP: the rows (CSV), the data dictionary (CSV) and a short note of what the extract covers."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("evolution.csv", _csv(list(extract.rows.columns), extract.rows.itertuples(index=False)))
        zf.writestr("dictionnaire.csv", _csv(["colonne", "type", "description"], dictionary()))
        zf.writestr("LISEZMOI.txt", (
            f"{about}\n\nUne ligne par séjour terminé dans la période ayant au moins une paire entrée-sortie "
            f"(définitions : docs/reports.md, « Outcomes »). Séjours : {len(extract.rows)}. Séjours écartés faute "
            f"de consentement « recherche » valide de la famille : {extract.left_out_without_consent}.\n"
            "Nombres avec une virgule décimale, séparateur « ; », encodage UTF-8.\n").encode())
    return buffer.getvalue()
