"""Bayley-III: scaled scores, composites and percentile ranks read from the manual; descriptive bands."""

from assessments.instruments import _bayley
from assessments.instruments.base import CHILD, Instrument

# Descriptive classification of composite scores (mean 100, SD 15): code, low, high, fr, en, severity.
CLASSIFICATION = (
    ("very_superior", 130, 160, "Très supérieur", "Very superior", 0),
    ("superior", 120, 129, "Supérieur", "Superior", 0),
    ("high_average", 110, 119, "Moyen fort", "High average", 0),
    ("average", 90, 109, "Moyen", "Average", 0),
    ("low_average", 80, 89, "Moyen faible", "Low average", 1),
    ("borderline", 70, 79, "Limite", "Borderline", 2),
    ("extremely_low", 40, 69, "Extrêmement faible", "Extremely low", 3),
)
BANDS = _bayley.composite_bands(CLASSIFICATION)

INSTRUMENT = Instrument(
    code="bayley3",
    name="Bayley-III",
    subject=CHILD,
    fields=_bayley.fields(),
    score=_bayley.make_score(BANDS),
    groups=_bayley.GROUPS,
    min_age_days=30,  # 1 month
    max_age_days=1278,  # 42 months × 30.4375 days
    corrects_for_prematurity=True,
    bands=BANDS,
    trajectory=_bayley.TRAJECTORY,
    flags=(_bayley.DELAY_FLAG,),
    source=(
        "Bayley N. Bayley Scales of Infant and Toddler Development, Third Edition: Administration and "
        "Technical Manuals. San Antonio, TX: Harcourt Assessment (PsychCorp), 2006."
    ),
    note_fr=_bayley.note_fr("de 1 à 42 mois"),
    note_en=_bayley.note_en("1–42 months"),
)
