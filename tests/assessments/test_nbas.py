"""NBAS: declaration, validation, and the seven clusters checked on hand-computed sheets."""

from decimal import Decimal

import pytest

from assessments.instruments import get, registry
from assessments.instruments.base import CHILD
from assessments.instruments.nbas import (
    CLUSTERS,
    INSTRUMENT,
    RECODE,
    REFLEXES,
    SUPPLEMENTARY,
    recoded,
)

# A full sheet. Recoded items (fold: 6→4, 3→3, 7→3, 4→4, 8→2, 5→5; reverse: x→10−x) noted beside.
BEHAVIOUR = {
    "b01": 8, "b02": 7, "b03": 6, "b04": 5,  # habituation: 26 / 4 = 6.50
    "b05": 5, "b06": 6, "b07": 7, "b08": 4, "b09": 5, "b10": 6, "b11": 8,  # orientation: 41 / 7 = 5.857… → 5.86
    "b12": 6, "b13": 5, "b14": 6, "b15": 7, "b16": 3,  # motor: 4 + 5 + 6 + 7 + 3 = 25 / 5 = 5.00
    "b17": 7, "b18": 4, "b19": 8, "b20": 5,  # range of state: 3 + 4 + 2 + 5 = 14 / 4 = 3.50
    "b21": 6, "b22": 5, "b23": 4, "b24": 7,  # regulation of state: 22 / 4 = 5.50
    "b25": 3, "b26": 2, "b27": 4,  # autonomic stability: 7 + 8 + 6 = 21 / 3 = 7.00
    "b28": 5,  # smiles: in no cluster
}
REFLEX_SHEET = {code: 2 for code in REFLEXES} | {"r03": 0, "r07": 3, "r10": 1}  # non-optimal: r03, r07 → 2
SUPPLEMENT = {code: 5 for code in SUPPLEMENTARY}
SHEET = BEHAVIOUR | REFLEX_SHEET | SUPPLEMENT
EXPECTED = {
    "habituation": 6.5, "orientation": 5.86, "motor": 5.0, "range_of_state": 3.5, "regulation_of_state": 5.5,
    "autonomic_stability": 7.0, "reflexes": 2,
}


def score(scores):
    return INSTRUMENT.score(scores)


# --- declaration -----------------------------------------------------------------------------------------------


def test_registry_finds_nbas():
    assert "nbas" in registry()
    assert get("nbas") is INSTRUMENT


def test_declaration():
    assert (INSTRUMENT.code, INSTRUMENT.name, INSTRUMENT.subject) == ("nbas", "NBAS (Brazelton)", CHILD)
    assert (INSTRUMENT.min_age_days, INSTRUMENT.max_age_days) == (0, 61)
    assert INSTRUMENT.corrects_for_prematurity is True
    assert [g[0] for g in INSTRUMENT.groups] == ["behavioural", "reflexes", "supplementary", "clusters"]
    assert INSTRUMENT.trajectory == (
        "habituation", "orientation", "motor", "range_of_state", "regulation_of_state", "autonomic_stability")
    assert INSTRUMENT.bands == {}
    assert "Lester" in INSTRUMENT.source and "Brazelton" in INSTRUMENT.source


def test_fields_by_group_and_none_required():
    by_group = {}
    for f in INSTRUMENT.fields:
        by_group.setdefault(f.group, []).append(f.code)
    assert by_group["behavioural"] == [f"b{n:02d}" for n in range(1, 29)]
    assert by_group["reflexes"] == [f"r{n:02d}" for n in range(1, 19)]
    assert by_group["supplementary"] == [f"s{n:02d}" for n in range(1, 8)]
    assert by_group["clusters"] == list(EXPECTED)
    assert not any(f.required for f in INSTRUMENT.fields)
    assert all(f.fr and f.en for f in INSTRUMENT.fields)


def test_field_ranges():
    b, r, s = INSTRUMENT.field("b01"), INSTRUMENT.field("r01"), INSTRUMENT.field("s07")
    assert (b.minimum, b.maximum, r.minimum, r.maximum, s.minimum, s.maximum) == (1, 9, 0, 3, 1, 9)
    motor, reflexes = INSTRUMENT.field("motor"), INSTRUMENT.field("reflexes")
    assert (motor.minimum, motor.maximum, motor.decimals) == (1, 9, 2)
    assert (reflexes.minimum, reflexes.maximum, reflexes.decimals) == (0, 18, 0)


def test_labels_are_names_or_item_numbers():
    assert INSTRUMENT.field("b01").en == "Response decrement to light"
    assert INSTRUMENT.field("b01").fr == "Décrément de réponse à la lumière"
    assert INSTRUMENT.field("b07").fr == "Item comportemental 7"
    assert INSTRUMENT.field("r05").en == "Reflex item 5"
    assert all(len(f.fr) <= 60 and len(f.en) <= 60 for f in INSTRUMENT.fields)


def test_clusters_cover_items_1_to_27_once():
    items = [code for codes in CLUSTERS.values() for code in codes]
    assert sorted(items) == [f"b{n:02d}" for n in range(1, 28)]
    assert set(RECODE) <= set(items)
    assert len(RECODE) == 9


# --- validation ------------------------------------------------------------------------------------------------


def test_full_sheet_with_clusters_is_valid():
    assert INSTRUMENT.validate(SHEET | EXPECTED | {"orientation": Decimal("5.86")}) == {}
    assert INSTRUMENT.validate({}) == {}


@pytest.mark.parametrize(("code", "value"), [
    ("b01", 0), ("b01", 10), ("b28", 10), ("r01", 4), ("r18", -1), ("s01", 0), ("s07", 10),
    ("habituation", Decimal("0.99")), ("motor", Decimal("9.01")), ("reflexes", 19), ("reflexes", -1),
])
def test_out_of_range_values_are_refused(code, value):
    errors = INSTRUMENT.validate({code: value})
    assert set(errors) == {code}
    assert errors[code].startswith("Hors limites")


def test_items_must_be_whole_numbers_clusters_may_have_decimals():
    assert set(INSTRUMENT.validate({"b05": 5.5, "r02": 1.5, "reflexes": 2.5})) == {"b05", "r02", "reflexes"}
    assert INSTRUMENT.validate({"habituation": Decimal("6.25")}) == {}


# --- clusters from items -------------------------------------------------------------------------------------


def test_each_cluster_from_a_full_sheet():
    result = score(SHEET)
    assert result.derived == EXPECTED
    assert result.warnings == []
    assert result.bands == {} and result.flags == []


def test_recoding_of_mid_scale_and_reversed_items():
    assert [recoded("b12", x) for x in range(1, 10)] == [1, 2, 3, 4, 5, 4, 3, 2, 1]
    assert [recoded("b25", x) for x in range(1, 10)] == [9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert [recoded("b13", x) for x in range(1, 10)] == list(range(1, 10))
    # general tonus 9 (extreme) counts as 1: (1 + 5 + 5) / 3 = 3.67, not (9 + 5 + 5) / 3 = 6.33
    assert score({"b12": 9, "b13": 5, "b14": 5}).derived == {"motor": 3.67}
    # no tremors, no startles, stable colour (all 1) is the most stable: 9.00
    assert score({"b25": 1, "b26": 1, "b27": 1}).derived == {"autonomic_stability": 9.0}


def test_mean_of_the_items_entered_only():
    # 3 of the 4 habituation items: (8 + 7 + 5) / 3 = 6.666… → 6.67
    assert score({"b01": 8, "b02": 7, "b04": 5}).derived == {"habituation": 6.67}


def test_cluster_with_fewer_than_half_of_its_items_is_not_computed():
    result = score({"b01": 8, "b05": 5, "b06": 6, "b07": 7})
    assert result.derived == {}
    assert len(result.warnings) == 2
    assert any("« Habituation » non calculé : 1 item(s) saisi(s) sur 4" in w for w in result.warnings)
    assert any("« Orientation (social-interactif) » non calculé : 3 item(s) saisi(s) sur 7" in w
               for w in result.warnings)


def test_half_of_the_items_is_enough():
    # 2 of 4 habituation items; 4 of 7 orientation items: (5 + 6 + 7 + 4) / 4 = 5.50
    result = score({"b01": 8, "b02": 6, "b05": 5, "b06": 6, "b07": 7, "b08": 4})
    assert result.derived == {"habituation": 7.0, "orientation": 5.5}
    assert result.warnings == []


def test_mean_rounds_half_up_to_two_decimals():
    # orientation: (1 + 1 + 1 + 2 + 2 + 2 + 2) / 7 = 1.571… → 1.57
    assert score({f"b{n:02d}": v for n, v in zip(range(5, 12), (1, 1, 1, 2, 2, 2, 2), strict=True)}).derived == {
        "orientation": 1.57}
    # motor (3 + 4 + 4) / 3 = 3.666… → 3.67 with b16 = 3 (fold 3)
    assert score({"b13": 4, "b14": 4, "b16": 3}).derived == {"motor": 3.67}


# --- clusters entered directly -------------------------------------------------------------------------------


def test_direct_entry_without_items_is_kept_as_entered():
    entered = {"habituation": Decimal("6.25"), "orientation": 5, "motor": 4.8, "range_of_state": Decimal("3.5"),
               "regulation_of_state": Decimal("5.75"), "autonomic_stability": 7, "reflexes": 3}
    result = score(entered)
    assert result.derived == entered
    assert result.warnings == []


def test_direct_entry_agreeing_with_items_within_a_hundredth_gives_no_warning():
    result = score(SHEET | {"orientation": Decimal("5.85"), "motor": 5, "reflexes": 2})
    assert result.derived["orientation"] == Decimal("5.85")
    assert result.warnings == []


def test_conflicting_direct_entry_is_kept_with_a_french_warning():
    result = score(SHEET | {"habituation": Decimal("5.5")})
    assert result.derived == EXPECTED | {"habituation": Decimal("5.5")}
    assert result.warnings == [
        "« Habituation » : le score saisi (5,50) diffère de la moyenne calculée à partir des items (6,50) ; "
        "le score saisi est conservé."
    ]


def test_direct_entry_is_kept_when_too_few_items_for_a_mean():
    result = score({"b01": 8, "habituation": Decimal("6.25")})
    assert result.derived == {"habituation": Decimal("6.25")}
    assert result.warnings == []


# --- reflexes ------------------------------------------------------------------------------------------------


def test_reflexes_scored_0_or_3_are_counted_1_and_2_are_not():
    assert score({"r01": 0, "r02": 1, "r03": 2, "r04": 3}).derived == {"reflexes": 2}
    assert score({"r01": 1, "r02": 2, "r03": 1}).derived == {"reflexes": 0}
    assert score({code: 3 for code in REFLEXES}).derived == {"reflexes": 18}


def test_no_reflex_item_entered_means_no_count():
    assert "reflexes" not in score(BEHAVIOUR).derived


def test_reflexes_entered_directly_without_items():
    assert score({"reflexes": 4}).derived == {"reflexes": 4}


def test_reflexes_entered_directly_and_differing_from_the_items_are_kept_with_a_warning():
    result = score(REFLEX_SHEET | {"reflexes": 5})
    assert result.derived == {"reflexes": 5}
    assert result.warnings == [
        "Réflexes : le nombre de réflexes non optimaux saisi (5) diffère du décompte des items saisis (2) ; "
        "le nombre saisi est conservé."
    ]


def test_supplementary_items_do_not_change_the_clusters():
    assert score(SUPPLEMENT).derived == {}
    assert score(SHEET | {code: 9 for code in SUPPLEMENTARY}).derived == EXPECTED
