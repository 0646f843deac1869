"""What Bayley-III and Bayley-4 share: the score fields, the scoring and the band builder.

Norm tables are the publisher's: the therapist reads the scaled scores, composites and percentile
ranks from the manual; the product checks their ranges and derives only the descriptive band of
each composite. Nothing is computed from raw scores.
"""

from __future__ import annotations

from collections.abc import Mapping

from assessments.instruments.base import Band, Flag, Number, Result, ScoreField

COMPOSITE_MIN, COMPOSITE_MAX = 40, 160
SCALED_MIN, SCALED_MAX = 1, 19
PERCENTILE_MIN, PERCENTILE_MAX = 0.1, 99.9
DELAY_BELOW = 70

GROUPS = (
    ("subtests", "Sous-tests (notes standard)", "Subtests (scaled scores)"),
    ("composites", "Notes composites", "Composite scores"),
    ("questionnaires", "Questionnaires parentaux (notes composites)", "Parent questionnaires (composite scores)"),
    ("percentiles", "Rangs percentiles", "Percentile ranks"),
)

# code, French, English
SUBTESTS = (
    ("cog_ss", "cognitif", "cognitive"),
    ("rc_ss", "communication réceptive", "receptive communication"),
    ("ec_ss", "communication expressive", "expressive communication"),
    ("fm_ss", "motricité fine", "fine motor"),
    ("gm_ss", "motricité globale", "gross motor"),
)
# code, French, English, group
COMPOSITES = (
    ("cog", "Cognitif", "Cognitive", "composites"),
    ("lang", "Langage", "Language", "composites"),
    ("motor", "Moteur", "Motor", "composites"),
    ("se", "Socio-émotionnel", "Social-emotional", "questionnaires"),
    ("ab", "Comportement adaptatif", "Adaptive behaviour", "questionnaires"),
)
COMPOSITE_CODES = tuple(code for code, *_ in COMPOSITES)
# The subtests each composite is read from (the questionnaires have no subtest on this form).
COMPOSITE_SUBTESTS = {"cog": ("cog_ss",), "lang": ("rc_ss", "ec_ss"), "motor": ("fm_ss", "gm_ss")}

TRAJECTORY = ("cog", "lang", "motor")
DELAY_FLAG = Flag("delay", f"Score composite < {DELAY_BELOW}", f"Composite score < {DELAY_BELOW}")


def note_fr(ages: str) -> str:
    return (f"âges {ages}, notes standard de 1 à 19 (moyenne 10, écart-type 3), notes composites de 40 à 160 "
            "(moyenne 100, écart-type 15) et classification descriptive des notes composites ; les tables de "
            "normes appartiennent à l'éditeur et ne sont pas reproduites.")


def note_en(ages: str) -> str:
    return (f"age range {ages}, scaled scores 1–19 (mean 10, SD 3), composites 40–160 (mean 100, SD 15) and the "
            "descriptive classification of composite scores; norm tables are the publisher's and are not "
            "reproduced.")


def fields() -> tuple[ScoreField, ...]:
    subtests = tuple(
        ScoreField(code, f"{fr.capitalize()} (note standard)", f"{en.capitalize()} (scaled score)",
                   SCALED_MIN, SCALED_MAX, group="subtests")
        for code, fr, en in SUBTESTS
    )
    composites = tuple(
        ScoreField(code, f"{fr} (note composite)", f"{en} (composite score)", COMPOSITE_MIN, COMPOSITE_MAX,
                   group=group)
        for code, fr, en, group in COMPOSITES
    )
    percentiles = tuple(
        ScoreField(f"{code}_pr", f"{fr} (rang percentile)", f"{en} (percentile rank)", PERCENTILE_MIN,
                   PERCENTILE_MAX, group="percentiles", decimals=1)
        for code, fr, en, _group in COMPOSITES
    )
    return subtests + composites + percentiles


def composite_bands(classification: tuple[tuple[str, int, int, str, str, int], ...]) -> dict[str, tuple[Band, ...]]:
    """The same descriptive classification for every composite; (code, low, high, fr, en, severity) rows."""
    bands = tuple(Band(code, low, high, fr, en, severity) for code, low, high, fr, en, severity in classification)
    return {code: bands for code in COMPOSITE_CODES}


def make_score(bands: Mapping[str, tuple[Band, ...]]):
    """The pure scoring function of one edition, given its bands."""
    subtest_fr = {code: fr for code, fr, _en in SUBTESTS}
    composite_fr = {code: fr for code, fr, _en, _group in COMPOSITES}

    def score(scores: Mapping[str, Number]) -> Result:
        result_bands: dict[str, str] = {}
        warnings: list[str] = []
        flags: list[Flag] = []
        for code in COMPOSITE_CODES:
            value = scores.get(code)
            if value is None:
                continue
            for band in bands.get(code, ()):
                if band.contains(value):
                    result_bands[code] = band.code
                    break
            missing = [sub for sub in COMPOSITE_SUBTESTS.get(code, ()) if scores.get(sub) is None]
            if missing:
                names = ", ".join(subtest_fr[sub] for sub in missing)
                warnings.append(f"Composite {composite_fr[code]} saisi sans ses sous-tests : {names}.")
        if any(scores.get(code) is not None and scores[code] < DELAY_BELOW for code in COMPOSITE_CODES):
            flags.append(DELAY_FLAG)
        return Result(derived={}, bands=result_bands, flags=flags, warnings=warnings)

    return score
