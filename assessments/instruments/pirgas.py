"""PIR-GAS: one global rating 1–100 of the parent–infant relationship, banded as on the unit's form."""

from collections.abc import Mapping

from assessments.instruments.base import CHILD, Band, Flag, Instrument, Number, Result, ScoreField

DISORDERED_UP_TO = 40

BANDS = {
    "score": (
        Band("well_adapted", 91, 100, "Bien adaptée", "Well adapted", 0),
        Band("adapted", 81, 90, "Adaptée", "Adapted", 0),
        Band("perturbed", 71, 80, "Perturbée", "Perturbed", 1),
        Band("significantly_perturbed", 61, 70, "Significativement perturbée", "Significantly perturbed", 1),
        Band("distressed", 51, 60, "En détresse", "Distressed", 2),
        Band("disturbed", 41, 50, "Troublée", "Disturbed", 2),
        Band("disordered", 1, DISORDERED_UP_TO, "Désordonnée (trouble de la relation)", "Disordered", 3),
    ),
}

DISORDERED = Flag("disordered", f"PIR-GAS ≤ {DISORDERED_UP_TO} : relation désordonnée",
                  f"PIR-GAS ≤ {DISORDERED_UP_TO}: disordered relationship")


def score(scores: Mapping[str, Number]) -> Result:
    value = scores.get("score")
    if value is None:
        return Result()
    band = next((b.code for b in BANDS["score"] if b.contains(value)), None)
    return Result(bands={"score": band} if band else {},
                  flags=[DISORDERED] if value <= DISORDERED_UP_TO else [])


INSTRUMENT = Instrument(
    code="pirgas",
    name="PIR-GAS",
    subject=CHILD,
    fields=(ScoreField("score", "Score global de la relation", "Global relationship score", 1, 100,
                       group="rating", required=True),),
    score=score,
    groups=(("rating", "Évaluation globale", "Global rating"),),
    corrects_for_prematurity=False,
    bands=BANDS,
    trajectory=("score",),
    flags=(DISORDERED,),
    source=(
        "ZERO TO THREE. DC:0-3R: Diagnostic Classification of Mental Health and Developmental Disorders of "
        "Infancy and Early Childhood, revised edition. Washington, DC: ZERO TO THREE Press, 2005."
    ),
    note_fr=(
        "axe II, échelle d'évaluation globale de la relation parent-nourrisson (1 à 100) ; les niveaux inférieurs "
        "à 41 sont regroupés en « désordonnée », comme sur le formulaire de l'unité."
    ),
    note_en=(
        "Axis II, Parent-Infant Relationship Global Assessment Scale (1–100); the levels below 41 are grouped as "
        "'disordered' as on the unit's form."
    ),
)
