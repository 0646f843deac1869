"""Brazelton NBAS: item scores as on the score sheet, and the seven Lester clusters.

Form (Brazelton & Nugent, 3rd ed. 1995 / 4th ed. 2011): 28 behavioural items scored 1–9, 18 reflex items scored
0–3, 7 supplementary items scored 1–9; none is required (a clinical NBAS is often partial). The seven cluster
scores can also be typed directly from the paper summary, with or without the items.

Age range: newborns to about 2 months (Brazelton Institute: "up to 2 months"), on the corrected age: 0 to 61 days.

Labels are short item NAMES only, never descriptions or scoring criteria (copyrighted). Where the position of an
item on the sheet could not be confirmed from a public source, the label is the item number only:

- behavioural items 5–10 (the six orientation items: their order differs between published lists; all six belong
  to the orientation cluster, so the scoring does not depend on it);
- the 18 reflex items (their order differs between editions and publications; every reflex counts the same).

What could be confirmed from public sources: 28 behavioural / 18 reflex / 7 supplementary items, behavioural items
on 9 points and reflexes on 4 points (0–3); the seven clusters (habituation, orientation/social-interactive, motor,
range of state, regulation of state, autonomic stability, reflexes); Lester's scheme recodes nine items
(McCollam et al., Infant Behav Dev 1996;19:63–69).

Chosen without confirmation (the most commonly published version as far as known; to check against the manual):

- the numbering of items 1–4 and 11–28 below (3rd/4th-edition sheet, items grouped by cluster);
- which nine items are recoded and how: general tonus, activity, peak of excitement, rapidity of build-up,
  irritability and lability of states are folded around the middle of the scale (1 and 9 → 1, 2 and 8 → 2,
  3 and 7 → 3, 4 and 6 → 4, 5 → 5: closer to the middle is better); tremulousness, startles and lability of skin
  colour are reversed (x → 10 − x: fewer is better). The folded items therefore range 1–5;
- a reflex is non-optimal when scored 0 (absent) or 3 (hyperactive); 2 is the expected response and 1
  (hypoactive) is not counted. Some publications also count 1: change NON_OPTIMAL_REFLEX_SCORES if the manual says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from assessments.instruments.base import CHILD, Instrument, Number, Result, ScoreField

BEHAVIOURAL = tuple(f"b{n:02d}" for n in range(1, 29))
REFLEXES = tuple(f"r{n:02d}" for n in range(1, 19))
SUPPLEMENTARY = tuple(f"s{n:02d}" for n in range(1, 8))

# Short item names (fr, en); None: position not confirmed, the label is the item number (see the docstring).
BEHAVIOURAL_NAMES: dict[int, tuple[str, str] | None] = {
    1: ("Décrément de réponse à la lumière", "Response decrement to light"),
    2: ("Décrément de réponse au hochet", "Response decrement to rattle"),
    3: ("Décrément de réponse à la clochette", "Response decrement to bell"),
    4: ("Décrément de réponse à la stimulation tactile du pied", "Response decrement to tactile stimulation of foot"),
    5: None, 6: None, 7: None, 8: None, 9: None, 10: None,
    11: ("Vigilance", "Alertness"),
    12: ("Tonus général", "General tonus"),
    13: ("Maturité motrice", "Motor maturity"),
    14: ("Tiré-assis", "Pull-to-sit"),
    15: ("Mouvements de défense", "Defensive movements"),
    16: ("Niveau d'activité", "Activity level"),
    17: ("Pic d'excitation", "Peak of excitement"),
    18: ("Rapidité de la montée de l'excitation", "Rapidity of build-up"),
    19: ("Irritabilité", "Irritability"),
    20: ("Labilité des états", "Lability of states"),
    21: ("Blottissement", "Cuddliness"),
    22: ("Consolabilité", "Consolability"),
    23: ("Auto-apaisement", "Self-quieting"),
    24: ("Main-bouche", "Hand-to-mouth"),
    25: ("Trémulations", "Tremulousness"),
    26: ("Sursauts", "Startles"),
    27: ("Labilité de la couleur de la peau", "Lability of skin colour"),
    28: ("Sourires", "Smiles"),
}
SUPPLEMENTARY_NAMES: dict[int, tuple[str, str]] = {
    1: ("Qualité de la vigilance", "Quality of alertness"),
    2: ("Coût de l'attention", "Cost of attention"),
    3: ("Facilitation par l'examinateur", "Examiner facilitation"),
    4: ("Irritabilité générale", "General irritability"),
    5: ("Robustesse et endurance", "Robustness and endurance"),
    6: ("Régulation des états", "State regulation"),
    7: ("Réaction émotionnelle de l'examinateur", "Examiner's emotional response"),
}

# --- Scoring rules, declared once ----------------------------------------------------------------------------
# Source: Lester BM, Als H, Brazelton TB. Regional obstetric anesthesia and newborn behavior: a reanalysis toward
# synergistic effects. Child Dev 1982;53:687–692 (the seven clusters, mean of recoded items; reflexes = number of
# non-optimal reflexes); item numbering of Brazelton TB, Nugent JK, Neonatal Behavioral Assessment Scale,
# 4th ed., Mac Keith Press 2011 (same numbering as the 3rd ed., 1995). Item numbers, recodes and the reflex rule
# could not all be checked against these texts: see the module docstring for what was chosen.

CLUSTERS: dict[str, tuple[str, ...]] = {
    "habituation": ("b01", "b02", "b03", "b04"),
    "orientation": ("b05", "b06", "b07", "b08", "b09", "b10", "b11"),
    "motor": ("b12", "b13", "b14", "b15", "b16"),
    "range_of_state": ("b17", "b18", "b19", "b20"),
    "regulation_of_state": ("b21", "b22", "b23", "b24"),
    "autonomic_stability": ("b25", "b26", "b27"),
}
_FOLD = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 4, 7: 3, 8: 2, 9: 1}  # optimum in the middle of the scale
_REVERSE = {x: 10 - x for x in range(1, 10)}  # fewer is better
RECODE: dict[str, dict[int, int]] = {
    "b12": _FOLD,  # general tonus
    "b16": _FOLD,  # activity level
    "b17": _FOLD,  # peak of excitement
    "b18": _FOLD,  # rapidity of build-up
    "b19": _FOLD,  # irritability
    "b20": _FOLD,  # lability of states
    "b25": _REVERSE,  # tremulousness
    "b26": _REVERSE,  # startles
    "b27": _REVERSE,  # lability of skin colour
}
NON_OPTIMAL_REFLEX_SCORES = frozenset({0, 3})  # 0 absent, 3 hyperactive; 2 is the expected response
REFLEX_CLUSTER = "reflexes"
MEAN_CLUSTERS = tuple(CLUSTERS)
TOLERANCE = Decimal("0.01")

CLUSTER_NAMES: dict[str, tuple[str, str]] = {
    "habituation": ("Habituation", "Habituation"),
    "orientation": ("Orientation (social-interactif)", "Orientation (social-interactive)"),
    "motor": ("Motricité", "Motor"),
    "range_of_state": ("Étendue des états", "Range of state"),
    "regulation_of_state": ("Régulation des états", "Regulation of state"),
    "autonomic_stability": ("Stabilité autonome", "Autonomic stability"),
    REFLEX_CLUSTER: ("Réflexes non optimaux (nombre)", "Non-optimal reflexes (count)"),
}


def _behavioural_field(n: int) -> ScoreField:
    names = BEHAVIOURAL_NAMES[n]
    fr, en = names if names else (f"Item comportemental {n}", f"Behavioural item {n}")
    return ScoreField(f"b{n:02d}", fr, en, 1, 9, group="behavioural")


FIELDS = (
    tuple(_behavioural_field(n) for n in range(1, 29))
    + tuple(ScoreField(f"r{n:02d}", f"Réflexe {n}", f"Reflex item {n}", 0, 3, group="reflexes") for n in range(1, 19))
    + tuple(ScoreField(f"s{n:02d}", *SUPPLEMENTARY_NAMES[n], 1, 9, group="supplementary") for n in range(1, 8))
    + tuple(ScoreField(code, *CLUSTER_NAMES[code], 1, 9, group="clusters", decimals=2) for code in MEAN_CLUSTERS)
    + (ScoreField(REFLEX_CLUSTER, *CLUSTER_NAMES[REFLEX_CLUSTER], 0, 18, group="clusters"),)
)


def _entered(scores: Mapping[str, Number], code: str) -> Number | None:
    value = scores.get(code)
    if value is None or isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return value


def recoded(code: str, value: Number) -> int | None:
    """The item score on the cluster scale (higher is better), or None if it is not a score of the 1–9 scale."""
    if value != int(value) or not 1 <= value <= 9:
        return None
    number = int(value)
    return RECODE[code][number] if code in RECODE else number


def cluster_mean(scores: Mapping[str, Number], cluster: str) -> Decimal | None:
    """Mean of the recoded entered items, to 2 decimals; None when fewer than half of the items were entered."""
    items = CLUSTERS[cluster]
    values: list[int] = []
    for code in items:
        value = _entered(scores, code)
        item = recoded(code, value) if value is not None else None
        if item is not None:
            values.append(item)
    if not values or 2 * len(values) < len(items):
        return None
    return (Decimal(sum(values)) / len(values)).quantize(TOLERANCE, rounding=ROUND_HALF_UP)


def non_optimal_reflexes(scores: Mapping[str, Number]) -> int | None:
    """Number of entered reflexes scored non-optimal; None when no reflex item was entered."""
    values = [v for c in REFLEXES if (v := _entered(scores, c)) is not None]
    if not values:
        return None
    return sum(1 for v in values if v in NON_OPTIMAL_REFLEX_SCORES)


def _fmt(value: Number) -> str:
    return f"{Decimal(str(value)).quantize(TOLERANCE, rounding=ROUND_HALF_UP)}".replace(".", ",")


def score(scores: Mapping[str, Number]) -> Result:
    derived: dict[str, Number] = {}
    warnings: list[str] = []
    for cluster in MEAN_CLUSTERS:
        name = CLUSTER_NAMES[cluster][0]
        computed = cluster_mean(scores, cluster)
        entered = _entered(scores, cluster)
        if entered is not None:
            derived[cluster] = entered
            if computed is not None and abs(Decimal(str(entered)) - computed) > TOLERANCE:
                warnings.append(
                    f"« {name} » : le score saisi ({_fmt(entered)}) diffère de la moyenne calculée à partir des "
                    f"items ({_fmt(computed)}) ; le score saisi est conservé."
                )
        elif computed is not None:
            derived[cluster] = float(computed)
        else:
            count = sum(1 for c in CLUSTERS[cluster] if _entered(scores, c) is not None)
            if count:
                warnings.append(
                    f"« {name} » non calculé : {count} item(s) saisi(s) sur {len(CLUSTERS[cluster])}, "
                    "il en faut au moins la moitié."
                )
    computed_reflexes = non_optimal_reflexes(scores)
    entered_reflexes = _entered(scores, REFLEX_CLUSTER)
    if entered_reflexes is not None:
        derived[REFLEX_CLUSTER] = entered_reflexes
        if computed_reflexes is not None and computed_reflexes != entered_reflexes:
            warnings.append(
                f"Réflexes : le nombre de réflexes non optimaux saisi ({int(entered_reflexes)}) diffère du décompte "
                f"des items saisis ({computed_reflexes}) ; le nombre saisi est conservé."
            )
    elif computed_reflexes is not None:
        derived[REFLEX_CLUSTER] = computed_reflexes
    return Result(derived=derived, warnings=warnings)


INSTRUMENT = Instrument(
    code="nbas",
    name="NBAS (Brazelton)",
    subject=CHILD,
    fields=FIELDS,
    score=score,
    groups=(
        ("behavioural", "Items comportementaux", "Behavioural items"),
        ("reflexes", "Réflexes", "Reflexes"),
        ("supplementary", "Items supplémentaires", "Supplementary items"),
        ("clusters", "Groupes (clusters)", "Clusters"),
    ),
    min_age_days=0,
    max_age_days=61,  # "up to 2 months" (corrected age)
    corrects_for_prematurity=True,
    trajectory=MEAN_CLUSTERS,
    source=(
        "Brazelton TB, Nugent JK. Neonatal Behavioral Assessment Scale, 4th ed. London: Mac Keith Press, 2011 "
        "(3rd ed. 1995). Lester BM, Als H, Brazelton TB. Regional obstetric anesthesia and newborn behavior: a "
        "reanalysis toward synergistic effects. Child Dev 1982;53:687–692."
    ),
    note_fr=(
        "28 items comportementaux cotés de 1 à 9, 18 réflexes cotés de 0 à 3, 7 items supplémentaires cotés de "
        "1 à 9, nouveau-nés jusqu'à 2 mois ; sept groupes : moyenne des items recodés (habituation, orientation, "
        "motricité, étendue des états, régulation des états, stabilité autonome) et nombre de réflexes non "
        "optimaux. Numérotation des items, recodages et règle des réflexes : choix documentés dans ce module, "
        "pas tous vérifiés sur le manuel."
    ),
    note_en=(
        "28 behavioural items 1–9, 18 reflexes 0–3, 7 supplementary items 1–9, newborns to 2 months; seven "
        "clusters: mean of the recoded items (habituation, orientation, motor, range of state, regulation of "
        "state, autonomic stability) and number of non-optimal reflexes. Item numbering, recodes and the reflex "
        "rule as chosen in this module's documentation, not all confirmed against the manual."
    ),
)
