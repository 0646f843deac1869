"""The instruments: ranges, bands, flags and warnings, checked on hand-computed values."""

from decimal import Decimal

import pytest

from assessments.instruments import get, registry
from assessments.instruments.base import ADULT, CHILD

MINE = ("adbb", "bayley3", "bayley4", "epds", "pirgas")


def flag_codes(result):
    return [flag.code for flag in result.flags]


def alerts(result):
    return [flag.code for flag in result.flags if flag.alert]


def valid_minimum(instrument):
    """Every required field at its minimum: a valid entry to vary one field in."""
    return {f.code: f.minimum for f in instrument.fields if f.required}


# --- registry and declarations -------------------------------------------------------------------------


def test_registry_finds_all_five_instruments():
    assert set(MINE) <= set(registry())
    for code in MINE:
        assert get(code).code == code


@pytest.mark.parametrize(("code", "name", "subject", "min_days", "max_days", "corrects"), [
    ("bayley3", "Bayley-III", CHILD, 30, 1278, True),
    ("bayley4", "Bayley-4", CHILD, 16, 1278, True),
    ("epds", "EPDS", ADULT, None, None, False),
    ("adbb", "ADBB", CHILD, 61, 730, False),
    ("pirgas", "PIR-GAS", CHILD, None, None, False),
])
def test_declaration_subject_age_range_and_prematurity(code, name, subject, min_days, max_days, corrects):
    instrument = get(code)
    assert (instrument.name, instrument.subject) == (name, subject)
    assert (instrument.min_age_days, instrument.max_age_days) == (min_days, max_days)
    assert instrument.corrects_for_prematurity is corrects
    assert instrument.source


@pytest.mark.parametrize("code", MINE)
def test_every_field_has_labels_in_both_languages_and_a_declared_group(code):
    instrument = get(code)
    group_codes = {g[0] for g in instrument.groups}
    for score_field in instrument.fields:
        assert score_field.fr and score_field.en
        assert score_field.group in group_codes


@pytest.mark.parametrize("code", MINE)
def test_trajectory_scores_are_fields_or_banded_derived_scores(code):
    instrument = get(code)
    field_codes = {f.code for f in instrument.fields}
    assert instrument.trajectory
    for score_code in instrument.trajectory:
        assert score_code in field_codes or score_code in instrument.bands


BAND_RANGES = {
    ("bayley3", "cog"): (40, 160), ("bayley3", "lang"): (40, 160), ("bayley3", "motor"): (40, 160),
    ("bayley3", "se"): (40, 160), ("bayley3", "ab"): (40, 160),
    ("bayley4", "cog"): (40, 160), ("bayley4", "lang"): (40, 160), ("bayley4", "motor"): (40, 160),
    ("bayley4", "se"): (40, 160), ("bayley4", "ab"): (40, 160),
    ("epds", "total"): (0, 30), ("adbb", "total"): (0, 32), ("pirgas", "score"): (1, 100),
}


def test_every_banded_score_is_in_the_table_below():
    declared = {(code, score_code) for code in MINE for score_code in get(code).bands}
    assert declared == set(BAND_RANGES)


@pytest.mark.parametrize(("code", "score_code"), sorted(BAND_RANGES))
def test_bands_cover_the_score_range_exactly_without_gap_or_overlap(code, score_code):
    low, high = BAND_RANGES[(code, score_code)]
    bands = sorted(get(code).bands[score_code], key=lambda b: b.low)
    assert bands[0].low == low
    assert bands[-1].high == high
    for before, after in zip(bands, bands[1:], strict=False):
        assert after.low == before.high + 1


# --- validation: every field of every instrument -------------------------------------------------------


FIELDS = [(code, f.code) for code in MINE for f in get(code).fields]


@pytest.mark.parametrize(("code", "field_code"), FIELDS)
def test_validate_refuses_min_minus_one_and_max_plus_one_with_a_french_message(code, field_code):
    instrument = get(code)
    score_field = instrument.field(field_code)
    for value in (score_field.minimum - 1, score_field.maximum + 1):
        errors = instrument.validate({**valid_minimum(instrument), field_code: value})
        assert set(errors) == {field_code}
        assert errors[field_code].startswith("Hors limites")
        assert f"« {score_field.fr} »" in errors[field_code]


@pytest.mark.parametrize(("code", "field_code"), FIELDS)
def test_validate_accepts_min_and_max(code, field_code):
    instrument = get(code)
    score_field = instrument.field(field_code)
    for value in (score_field.minimum, score_field.maximum):
        assert instrument.validate({**valid_minimum(instrument), field_code: value}) == {}


@pytest.mark.parametrize(("code", "field_code"), FIELDS)
def test_validate_refuses_text_and_booleans(code, field_code):
    instrument = get(code)
    for value in ("abc", True):
        errors = instrument.validate({**valid_minimum(instrument), field_code: value})
        assert errors == {field_code: "Ce score doit être un nombre."}


@pytest.mark.parametrize(("code", "field_code"),
                         [(c, f) for c, f in FIELDS if get(c).field(f).decimals == 0])
def test_validate_refuses_a_non_integer_in_a_whole_number_field(code, field_code):
    instrument = get(code)
    value = instrument.field(field_code).minimum + 0.5
    errors = instrument.validate({**valid_minimum(instrument), field_code: value})
    assert errors == {field_code: "Ce score doit être un nombre entier."}


@pytest.mark.parametrize(("code", "field_code"), [(c, f) for c, f in FIELDS if get(c).field(f).required])
def test_validate_refuses_a_missing_required_score(code, field_code):
    instrument = get(code)
    scores = valid_minimum(instrument)
    del scores[field_code]
    assert instrument.validate(scores) == {field_code: "Ce score est obligatoire."}
    assert instrument.validate({**scores, field_code: ""}) == {field_code: "Ce score est obligatoire."}


@pytest.mark.parametrize("code", MINE)
def test_validate_refuses_an_unknown_score_code(code):
    instrument = get(code)
    errors = instrument.validate({**valid_minimum(instrument), "zz_unknown": 1})
    assert errors == {"zz_unknown": "Score inconnu pour cet instrument."}


def test_which_fields_are_required():
    assert {f.code for f in get("epds").fields if f.required} == {f"e{n:02d}" for n in range(1, 11)}
    assert {f.code for f in get("adbb").fields if f.required} == {f"a{n:02d}" for n in range(1, 9)}
    assert {f.code for f in get("pirgas").fields if f.required} == {"score"}
    assert not [f for f in get("bayley3").fields if f.required]
    assert not [f for f in get("bayley4").fields if f.required]


# --- Bayley ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["bayley3", "bayley4"])
def test_bayley_fields_groups_and_ranges(code):
    instrument = get(code)
    by_group = {}
    for f in instrument.fields:
        by_group.setdefault(f.group, []).append(f.code)
    assert by_group == {
        "subtests": ["cog_ss", "rc_ss", "ec_ss", "fm_ss", "gm_ss"],
        "composites": ["cog", "lang", "motor"],
        "questionnaires": ["se", "ab"],
        "percentiles": ["cog_pr", "lang_pr", "motor_pr", "se_pr", "ab_pr"],
    }
    assert [(f.minimum, f.maximum) for f in instrument.fields if f.group == "subtests"] == [(1, 19)] * 5
    assert {(f.minimum, f.maximum) for f in instrument.fields if f.group in ("composites", "questionnaires")} == {
        (40, 160)}
    assert {(f.minimum, f.maximum, f.decimals) for f in instrument.fields if f.group == "percentiles"} == {
        (0.1, 99.9, 1)}
    assert instrument.trajectory == ("cog", "lang", "motor")


def test_bayley_percentile_rank_with_one_decimal_is_valid():
    assert get("bayley3").validate({"cog_pr": 2.3, "lang_pr": Decimal("97.5")}) == {}


BAYLEY3_EDGES = [
    (40, "extremely_low"), (69, "extremely_low"), (70, "borderline"), (79, "borderline"), (80, "low_average"),
    (89, "low_average"), (90, "average"), (109, "average"), (110, "high_average"), (119, "high_average"),
    (120, "superior"), (129, "superior"), (130, "very_superior"), (160, "very_superior"),
]
BAYLEY4_EDGES = [
    (40, "extremely_low"), (69, "extremely_low"), (70, "very_low"), (79, "very_low"), (80, "low_average"),
    (89, "low_average"), (90, "average"), (109, "average"), (110, "high_average"), (119, "high_average"),
    (120, "very_high"), (129, "very_high"), (130, "extremely_high"), (160, "extremely_high"),
]
COMPOSITES = ("cog", "lang", "motor", "se", "ab")


@pytest.mark.parametrize("composite", COMPOSITES)
@pytest.mark.parametrize(("value", "band"), BAYLEY3_EDGES)
def test_bayley3_composite_band_edges(composite, value, band):
    assert get("bayley3").score({composite: value}).bands == {composite: band}
    assert get("bayley3").band_of(composite, value).code == band


@pytest.mark.parametrize("composite", COMPOSITES)
@pytest.mark.parametrize(("value", "band"), BAYLEY4_EDGES)
def test_bayley4_composite_band_edges(composite, value, band):
    assert get("bayley4").score({composite: value}).bands == {composite: band}
    assert get("bayley4").band_of(composite, value).code == band


@pytest.mark.parametrize("code", ["bayley3", "bayley4"])
def test_bayley_severity_zero_at_average_and_above_then_one_two_three(code):
    instrument = get(code)
    assert [instrument.band_of("cog", v).severity for v in (160, 130, 120, 110, 90, 89, 79, 69)] == [
        0, 0, 0, 0, 0, 1, 2, 3]


@pytest.mark.parametrize("code", ["bayley3", "bayley4"])
def test_bayley_derives_nothing_and_bands_only_the_entered_composites(code):
    result = get(code).score({"cog_ss": 8, "cog": 90, "cog_pr": 25.0})
    assert result.derived == {}
    assert result.bands == {"cog": "average"}
    assert result.warnings == []


@pytest.mark.parametrize("code", ["bayley3", "bayley4"])
def test_bayley_composites_entered_without_their_subtests_warn_naming_them(code):
    result = get(code).score({"cog": 100, "lang": 100, "motor": 100})
    assert result.warnings == [
        "Composite Cognitif saisi sans ses sous-tests : cognitif.",
        "Composite Langage saisi sans ses sous-tests : communication réceptive, communication expressive.",
        "Composite Moteur saisi sans ses sous-tests : motricité fine, motricité globale.",
    ]


@pytest.mark.parametrize("code", ["bayley3", "bayley4"])
def test_bayley_composite_with_one_of_its_two_subtests_names_the_missing_one(code):
    result = get(code).score({"rc_ss": 10, "lang": 100, "gm_ss": 9, "motor": 95})
    assert result.warnings == [
        "Composite Langage saisi sans ses sous-tests : communication expressive.",
        "Composite Moteur saisi sans ses sous-tests : motricité fine.",
    ]


@pytest.mark.parametrize("code", ["bayley3", "bayley4"])
def test_bayley_no_warning_when_the_subtests_are_present(code):
    scores = {"cog_ss": 10, "rc_ss": 10, "ec_ss": 10, "fm_ss": 10, "gm_ss": 10, "cog": 100, "lang": 100,
              "motor": 100, "se": 100, "ab": 100}
    assert get(code).score(scores).warnings == []


@pytest.mark.parametrize("code", ["bayley3", "bayley4"])
def test_bayley_questionnaire_composites_need_no_subtests(code):
    assert get(code).score({"se": 85, "ab": 85}).warnings == []


@pytest.mark.parametrize("code", ["bayley3", "bayley4"])
@pytest.mark.parametrize("composite", COMPOSITES)
def test_bayley_delay_flag_below_70_is_not_an_alert(code, composite):
    result = get(code).score({composite: 69})
    assert flag_codes(result) == ["delay"]
    assert alerts(result) == []
    assert result.flags[0].fr == "Score composite < 70"
    assert get(code).score({composite: 70}).flags == []


@pytest.mark.parametrize("code", ["bayley3", "bayley4"])
def test_bayley_delay_flag_once_even_with_several_low_composites(code):
    assert flag_codes(get(code).score({"cog": 55, "lang": 60, "motor": 100})) == ["delay"]


# --- EPDS ----------------------------------------------------------------------------------------------


def epds(*items):
    return {f"e{n:02d}": value for n, value in enumerate(items, start=1)}


def test_epds_labels_are_item_numbers_only():
    assert [(f.fr, f.en) for f in get("epds").fields] == [(f"Item {n}", f"Item {n}") for n in range(1, 11)]
    assert {(f.minimum, f.maximum) for f in get("epds").fields} == {(0, 3)}


def test_epds_total_is_the_plain_sum_of_the_items_as_entered():
    # Items 3 and 5-10 are already reverse-keyed on the paper form: 0+1+2+3+0+1+2+3+0+1 = 13.
    result = get("epds").score(epds(0, 1, 2, 3, 0, 1, 2, 3, 0, 1))
    assert result.derived == {"total": 13}


def test_epds_total_zero_and_thirty():
    assert get("epds").score(epds(*[0] * 10)).derived == {"total": 0}
    assert get("epds").score(epds(*[3] * 10)).derived == {"total": 30}


@pytest.mark.parametrize(("total", "band", "flags"), [
    (0, "below_threshold", []),
    (9, "below_threshold", []),
    (10, "possible_depression", ["possible_depression"]),
    (12, "possible_depression", ["possible_depression"]),
    (13, "probable_depression", ["possible_depression", "probable_depression"]),
    (27, "probable_depression", ["possible_depression", "probable_depression"]),
])
def test_epds_band_edges_and_depression_flags(total, band, flags):
    # e10 = 0, the total spread over items 1-9 (3 each at most).
    items = [min(3, max(0, total - 3 * i)) for i in range(9)] + [0]
    assert sum(items) == total
    result = get("epds").score(epds(*items))
    assert result.bands == {"total": band}
    assert flag_codes(result) == flags
    assert alerts(result) == []


def test_epds_item_10_above_zero_raises_the_self_harm_alert():
    result = get("epds").score(epds(0, 0, 0, 0, 0, 0, 0, 0, 0, 1))
    assert result.derived == {"total": 1}
    assert result.bands == {"total": "below_threshold"}
    assert alerts(result) == ["self_harm"]


def test_epds_item_10_at_zero_gives_no_alert_even_with_the_highest_total_possible():
    result = get("epds").score(epds(3, 3, 3, 3, 3, 3, 3, 3, 3, 0))
    assert result.derived == {"total": 27}
    assert alerts(result) == []
    assert flag_codes(result) == ["possible_depression", "probable_depression"]


def test_epds_total_thirty_raises_both_depression_flags_and_the_alert():
    result = get("epds").score(epds(*[3] * 10))
    assert flag_codes(result) == ["self_harm", "possible_depression", "probable_depression"]
    assert alerts(result) == ["self_harm"]


def test_epds_with_missing_items_gives_no_total_but_still_the_alert():
    result = get("epds").score({"e01": 3, "e10": 2})
    assert result.derived == {}
    assert alerts(result) == ["self_harm"]
    assert result.warnings == ["Total non calculé : item(s) manquant(s) 2, 3, 4, 5, 6, 7, 8, 9."]


# --- ADBB ----------------------------------------------------------------------------------------------


def adbb(*items):
    return {f"a{n:02d}": value for n, value in enumerate(items, start=1)}


def test_adbb_labels_are_the_item_names():
    assert [f.en for f in get("adbb").fields] == [
        "Facial expression", "Eye contact", "General activity", "Self-stimulating gestures", "Vocalisations",
        "Briskness of response", "Relationship", "Attractiveness"]
    assert [f.fr for f in get("adbb").fields] == [
        "Expression du visage", "Contact visuel", "Niveau d'activité", "Gestes d'autostimulation", "Vocalisations",
        "Vivacité de la réaction à la stimulation", "Relation", "Attractivité"]
    assert {(f.minimum, f.maximum) for f in get("adbb").fields} == {(0, 4)}


@pytest.mark.parametrize(("items", "total", "band", "flags"), [
    ((0, 0, 0, 0, 0, 0, 0, 0), 0, "no_withdrawal", []),
    ((1, 1, 0, 0, 1, 0, 1, 0), 4, "no_withdrawal", []),
    ((1, 1, 0, 0, 1, 0, 1, 1), 5, "withdrawal", ["withdrawal"]),
    ((4, 4, 4, 4, 4, 4, 4, 4), 32, "withdrawal", ["withdrawal"]),
])
def test_adbb_total_band_edges_and_withdrawal_flag(items, total, band, flags):
    result = get("adbb").score(adbb(*items))
    assert result.derived == {"total": total}
    assert result.bands == {"total": band}
    assert flag_codes(result) == flags
    assert alerts(result) == []


# --- PIR-GAS -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "band"), [
    (1, "disordered"), (40, "disordered"), (41, "disturbed"), (50, "disturbed"), (51, "distressed"),
    (60, "distressed"), (61, "significantly_perturbed"), (70, "significantly_perturbed"), (71, "perturbed"),
    (80, "perturbed"), (81, "adapted"), (90, "adapted"), (91, "well_adapted"), (100, "well_adapted"),
])
def test_pirgas_band_edges(value, band):
    result = get("pirgas").score({"score": value})
    assert result.bands == {"score": band}
    assert result.derived == {}


def test_pirgas_disordered_flag_at_40_and_under_only():
    assert flag_codes(get("pirgas").score({"score": 40})) == ["disordered"]
    assert flag_codes(get("pirgas").score({"score": 1})) == ["disordered"]
    assert get("pirgas").score({"score": 41}).flags == []
    assert alerts(get("pirgas").score({"score": 1})) == []


# --- ages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "inside", "outside"), [
    ("bayley3", (30, 1278), (29, 1279)),
    ("bayley4", (16, 1278), (15, 1279)),
    ("adbb", (61, 730), (60, 731)),
])
def test_age_range_edges_in_days(code, inside, outside):
    instrument = get(code)
    assert all(instrument.in_age_range(days) for days in inside)
    assert not any(instrument.in_age_range(days) for days in outside)


# --- EPDS: which answer was ticked, and the keying of the paper form ------------------------------------------

# DOMAIN.md: items 3 and 5-10 reverse-keyed on the paper form. The score of the 1st, 2nd, 3rd, 4th answer:
FORWARD, REVERSE = (0, 1, 2, 3), (3, 2, 1, 0)
EPDS_KEYING = {1: FORWARD, 2: FORWARD, 3: REVERSE, 4: FORWARD, 5: REVERSE, 6: REVERSE, 7: REVERSE, 8: REVERSE,
               9: REVERSE, 10: REVERSE}


def ticked(*answers):
    """The answer ticked for each item, 1 (first) to 4 (fourth), in the questionnaire's order."""
    return {f"e{n:02d}": answer for n, answer in enumerate(answers, start=1)}


def test_epds_keying_is_that_of_the_paper_form():
    tool = get("epds")
    for n, keying in EPDS_KEYING.items():
        assert tool.field(f"e{n:02d}").answer_scores == keying, n


def test_epds_all_first_answers_score_21_with_the_self_harm_alert():
    # Items 1, 2, 4 score 0 on their first answer, the seven reverse-keyed items 3 each: 7 x 3 = 21.
    tool = get("epds")
    scores = tool.scores_from_answers(ticked(*[1] * 10))
    assert scores == epds(0, 0, 3, 0, 3, 3, 3, 3, 3, 3)
    result = tool.score(scores)
    assert result.derived == {"total": 21}
    assert alerts(result) == ["self_harm"]  # item 10's first answer scores 3


def test_epds_all_first_answers_but_never_on_item_10_raise_no_self_harm_alert():
    tool = get("epds")
    result = tool.score(tool.scores_from_answers(ticked(*[1] * 9, 4)))
    assert result.derived == {"total": 18}
    assert alerts(result) == []
    assert flag_codes(result) == ["possible_depression", "probable_depression"]


def test_epds_all_last_answers_score_9_without_alert():
    # Items 1, 2, 4 score 3 on their fourth answer, the reverse-keyed ones 0: 3 x 3 = 9.
    tool = get("epds")
    result = tool.score(tool.scores_from_answers(ticked(*[4] * 10)))
    assert result.derived == {"total": 9}
    assert result.bands == {"total": "below_threshold"}
    assert alerts(result) == []


def test_epds_ticked_answers_come_back_from_the_stored_scores():
    tool = get("epds")
    for answers in (ticked(*[1] * 10), ticked(*[4] * 10), ticked(1, 2, 3, 4, 1, 2, 3, 4, 1, 2)):
        assert tool.answers_from_scores(tool.scores_from_answers(answers)) == answers
    assert tool.answers_from_scores({"e03": 0, "e04": 0}) == {"e03": 4, "e04": 1}
