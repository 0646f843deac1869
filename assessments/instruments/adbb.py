"""ADBB (Alarme Détresse Bébé): eight items scored 0–4, total 0–32, withdrawal signal at 5 and above."""

from collections.abc import Mapping

from assessments.instruments.base import CHILD, Band, Flag, Instrument, Number, Result, ScoreField

WITHDRAWAL_FROM = 5
# Item names (not their rating descriptions): code, French, English.
ITEMS = (
    ("a01", "Expression du visage", "Facial expression"),
    ("a02", "Contact visuel", "Eye contact"),
    ("a03", "Niveau d'activité", "General activity"),
    ("a04", "Gestes d'autostimulation", "Self-stimulating gestures"),
    ("a05", "Vocalisations", "Vocalisations"),
    ("a06", "Vivacité de la réaction à la stimulation", "Briskness of response"),
    ("a07", "Relation", "Relationship"),
    ("a08", "Attractivité", "Attractiveness"),
)
ITEM_CODES = tuple(code for code, _fr, _en in ITEMS)

FIELDS = tuple(ScoreField(code, fr, en, 0, 4, group="items", required=True) for code, fr, en in ITEMS)

BANDS = {
    "total": (
        Band("no_withdrawal", 0, WITHDRAWAL_FROM - 1, "Pas de signal de retrait", "No withdrawal signal", 0),
        Band("withdrawal", WITHDRAWAL_FROM, 32, "Signal de retrait relationnel", "Withdrawal signal", 2),
    ),
}

WITHDRAWAL = Flag("withdrawal", f"ADBB ≥ {WITHDRAWAL_FROM} : signal de retrait relationnel",
                  f"ADBB ≥ {WITHDRAWAL_FROM}: withdrawal signal")


def score(scores: Mapping[str, Number]) -> Result:
    missing = [code for code in ITEM_CODES if scores.get(code) is None]
    if missing:
        names = ", ".join(fr.lower() for code, fr, _en in ITEMS if code in missing)
        return Result(warnings=[f"Total non calculé : item(s) manquant(s) : {names}."])
    total = sum(scores[code] for code in ITEM_CODES)
    band = next((b.code for b in BANDS["total"] if b.contains(total)), None)
    return Result(derived={"total": total}, bands={"total": band} if band else {},
                  flags=[WITHDRAWAL] if total >= WITHDRAWAL_FROM else [])


INSTRUMENT = Instrument(
    code="adbb",
    name="ADBB",
    subject=CHILD,
    fields=FIELDS,
    score=score,
    groups=(("items", "Items", "Items"),),
    min_age_days=61,  # 2 months
    max_age_days=730,  # 24 months
    corrects_for_prematurity=False,
    bands=BANDS,
    trajectory=("total",),
    flags=(WITHDRAWAL,),
    derived_names={"total": ("Score total", "Total score")},
    source=(
        "Guedeney A, Fermanian J. A validity and reliability study of assessment and screening for sustained "
        "withdrawal reaction in infancy: the Alarm Distress Baby Scale. Infant Ment Health J 2001;22(5):559–575."
    ),
    note_fr="nourrissons de 2 à 24 mois, 8 items cotés de 0 à 4, seuil de dépistage à 5.",
    note_en="infants 2–24 months, 8 items rated 0–4, screening cut-off score 5.",
)
