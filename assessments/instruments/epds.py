"""EPDS: ten items scored 0–3, total 0–30; the entry form asks which answer was ticked and keys it here.

Items 3 and 5–10 are reverse-keyed on the paper form (their first answer scores 3): a clinician ticks the
answer the mother chose (1st to 4th, in the questionnaire's order) and the product applies the keying, so
that the same sheet always gives the same scores. Stored and imported values are item scores after keying.
Field labels are item numbers only: the item wordings are copyrighted and never stored or shown.
"""

from collections.abc import Mapping

from assessments.instruments.base import ADULT, Band, Flag, Instrument, Number, Result, ScoreField

ITEMS = tuple(f"e{n:02d}" for n in range(1, 11))
POSSIBLE_FROM, PROBABLE_FROM = 10, 13
# Score of the 1st, 2nd, 3rd and 4th printed answer (Cox et al. 1987): items 3 and 5–10 reverse-keyed.
FORWARD, REVERSE = (0, 1, 2, 3), (3, 2, 1, 0)
REVERSE_KEYED = (3, 5, 6, 7, 8, 9, 10)

FIELDS = tuple(ScoreField(code, f"Item {n}", f"Item {n}", 0, 3, group="items", required=True,
                          answer_scores=REVERSE if n in REVERSE_KEYED else FORWARD)
               for n, code in enumerate(ITEMS, start=1))

BANDS = {
    "total": (
        Band("below_threshold", 0, POSSIBLE_FROM - 1, "Sous le seuil", "Below threshold", 0),
        Band("possible_depression", POSSIBLE_FROM, PROBABLE_FROM - 1, "Dépression possible", "Possible depression", 2),
        Band("probable_depression", PROBABLE_FROM, 30, "Dépression probable", "Probable depression", 3),
    ),
}

POSSIBLE = Flag("possible_depression", f"EPDS ≥ {POSSIBLE_FROM} : dépression possible",
                f"EPDS ≥ {POSSIBLE_FROM}: possible depression")
PROBABLE = Flag("probable_depression", f"EPDS ≥ {PROBABLE_FROM} : dépression probable",
                f"EPDS ≥ {PROBABLE_FROM}: probable depression")
SELF_HARM = Flag("self_harm", "Item 10 > 0 : risque d'auto-agression, à évaluer sans délai",
                 "Item 10 > 0: risk of self-harm, assess without delay", alert=True)


def score(scores: Mapping[str, Number]) -> Result:
    flags: list[Flag] = []
    if (scores.get("e10") or 0) > 0:
        flags.append(SELF_HARM)
    missing = [code for code in ITEMS if scores.get(code) is None]
    if missing:
        numbers = ", ".join(str(int(code[1:])) for code in missing)
        return Result(flags=flags, warnings=[f"Total non calculé : item(s) manquant(s) {numbers}."])
    total = sum(scores[code] for code in ITEMS)
    if total >= POSSIBLE_FROM:
        flags.append(POSSIBLE)
    if total >= PROBABLE_FROM:
        flags.append(PROBABLE)
    band = next((b.code for b in BANDS["total"] if b.contains(total)), None)
    return Result(derived={"total": total}, bands={"total": band} if band else {}, flags=flags)


INSTRUMENT = Instrument(
    code="epds",
    name="EPDS",
    subject=ADULT,
    fields=FIELDS,
    score=score,
    groups=(("items", "Items (7 derniers jours)", "Items (past 7 days)"),),
    corrects_for_prematurity=False,
    bands=BANDS,
    trajectory=("total",),
    flags=(SELF_HARM, POSSIBLE, PROBABLE),
    derived_names={"total": ("Score total", "Total score")},
    source=(
        "Cox JL, Holden JM, Sagovsky R. Detection of postnatal depression: development of the 10-item Edinburgh "
        "Postnatal Depression Scale. Br J Psychiatry 1987;150:782–786."
    ),
    note_fr=(
        "items cotés de 0 à 3 (items 3 et 5 à 10 en cotation inversée), total de 0 à 30 ; seuil 12/13 pour une "
        "dépression probable, 9/10 pour un dépistage plus sensible ; toute réponse supérieure à 0 à l'item 10 "
        "(auto-agression) déclenche une alerte dans ce logiciel."
    ),
    note_en=(
        "items 0–3 (items 3 and 5–10 reverse-keyed), total 0–30, threshold 12/13 for probable depression and 9/10 "
        "for screening with more sensitivity; item 10 (self-harm) > 0 is an alert in this product."
    ),
)
