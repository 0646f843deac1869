"""Bayley-4: scaled scores, composites and percentile ranks read from the manual; descriptive bands."""

from assessments.instruments import _bayley
from assessments.instruments.base import CHILD, Instrument

# Descriptive classification of composite scores (mean 100, SD 15): code, low, high, fr, en, severity.
CLASSIFICATION = (
    ("extremely_high", 130, 160, "Extrêmement élevé", "Extremely high", 0),
    ("very_high", 120, 129, "Très élevé", "Very high", 0),
    ("high_average", 110, 119, "Moyen fort", "High average", 0),
    ("average", 90, 109, "Moyen", "Average", 0),
    ("low_average", 80, 89, "Moyen faible", "Low average", 1),
    ("very_low", 70, 79, "Très faible", "Very low", 2),
    ("extremely_low", 40, 69, "Extrêmement faible", "Extremely low", 3),
)
BANDS = _bayley.composite_bands(CLASSIFICATION)

INSTRUMENT = Instrument(
    code="bayley4",
    name="Bayley-4",
    subject=CHILD,
    fields=_bayley.fields(),
    score=_bayley.make_score(BANDS),
    groups=_bayley.GROUPS,
    min_age_days=16,
    max_age_days=1278,  # 42 months × 30.4375 days
    corrects_for_prematurity=True,
    bands=BANDS,
    trajectory=_bayley.TRAJECTORY,
    flags=(_bayley.DELAY_FLAG,),
    source=(
        "Bayley N, Aylward GP. Bayley Scales of Infant and Toddler Development, Fourth Edition: Administration "
        "and Technical Manuals. Bloomington, MN: NCS Pearson, 2019."
    ),
    note_fr=_bayley.note_fr("de 16 jours à 42 mois"),
    note_en=_bayley.note_en("16 days–42 months"),
)
