"""Eligibility verdicts, by hand: each verdict, age boundaries, missing dates, prenatal requests."""

from datetime import date, timedelta

from admissions.eligibility import Criterion, evaluate
from unit.eligibility_defaults import DEFAULT_PROFILES


def _profile(kind):
    return [Criterion(c["code"], c["role"], c["rule"], c["params"]) for c in DEFAULT_PROFILES[kind]]


PBU = _profile("parent_baby_unit")
ALL_MET = {"health_insurance": "met", "therapeutic_project": "met", "no_decompensated_psychiatric_disorder": "met",
           "no_parental_addiction": "met", "no_intellectual_limitation": "met"}


def test_all_criteria_met_is_eligible():
    verdict = evaluate(PBU, ALL_MET, birth_dates=[date(2025, 6, 1)], on=date(2025, 12, 1))
    assert verdict.verdict == "eligible"
    assert verdict.answers["child_age"] == "met"
    assert verdict.computed["child_age"] == "age_months:6"


def test_a_failing_exclusion_makes_it_not_eligible_and_names_it():
    answers = {**ALL_MET, "no_parental_addiction": "not_met", "health_insurance": "unknown"}
    verdict = evaluate(PBU, answers, birth_dates=[date(2025, 6, 1)], on=date(2025, 12, 1))
    assert verdict.verdict == "not_eligible"
    assert verdict.failing == ["no_parental_addiction"]
    assert verdict.missing == ["health_insurance"]


def test_an_unknown_answer_makes_it_incomplete_with_what_is_missing():
    answers = {**ALL_MET, "therapeutic_project": "unknown"}
    verdict = evaluate(PBU, answers, birth_dates=[date(2025, 6, 1)], on=date(2025, 12, 1))
    assert verdict.verdict == "incomplete"
    assert verdict.missing == ["therapeutic_project"]


def test_unanswered_criteria_count_as_unknown():
    verdict = evaluate(PBU, {}, birth_dates=[date(2025, 6, 1)], on=date(2025, 12, 1))
    assert verdict.verdict == "incomplete"
    assert set(verdict.missing) == set(ALL_MET)


def test_child_of_exactly_36_months_is_admitted_in_a_parent_baby_unit():
    verdict = evaluate(PBU, ALL_MET, birth_dates=[date(2022, 12, 1)], on=date(2025, 12, 1))
    assert verdict.computed["child_age"] == "age_months:36"
    assert verdict.verdict == "eligible"


def test_child_of_37_months_is_not_and_the_age_criterion_is_named():
    verdict = evaluate(PBU, ALL_MET, birth_dates=[date(2022, 11, 1)], on=date(2025, 12, 1))
    assert verdict.verdict == "not_eligible"
    assert verdict.failing == ["child_age"]


def test_nursery_limit_is_strictly_under_36_months():
    nursery = _profile("nursery")
    day_before = evaluate(nursery, {}, birth_dates=[date(2022, 12, 2)], on=date(2025, 12, 1))
    exactly = evaluate(nursery, {}, birth_dates=[date(2022, 12, 1)], on=date(2025, 12, 1))
    assert day_before.verdict == "eligible"  # 35 completed months
    assert exactly.verdict == "not_eligible"


def test_request_without_birth_date_is_incomplete_not_refused():
    verdict = evaluate(PBU, ALL_MET, birth_dates=[], on=date(2025, 12, 1))
    assert verdict.verdict == "incomplete"
    assert verdict.missing == ["child_age"]
    assert verdict.computed["child_age"] == "no_birth_date"


def test_a_typed_answer_cannot_override_a_computed_age():
    verdict = evaluate(PBU, {**ALL_MET, "child_age": "met"}, birth_dates=[date(2020, 1, 1)], on=date(2025, 12, 1))
    assert verdict.answers["child_age"] == "not_met"


def test_age_is_computed_at_the_planned_admission_date():
    birth = date(2023, 1, 15)
    assert evaluate(PBU, ALL_MET, birth_dates=[birth], on=date(2026, 1, 15)).verdict == "eligible"
    assert evaluate(PBU, ALL_MET, birth_dates=[birth], on=date(2026, 2, 15)).verdict == "not_eligible"


def test_every_sibling_must_fit_the_age_range():
    verdict = evaluate(PBU, ALL_MET, birth_dates=[date(2025, 6, 1), date(2021, 1, 1)], on=date(2025, 12, 1))
    assert verdict.verdict == "not_eligible"


def test_prenatal_request_counts_pregnancy_weeks_from_the_due_date():
    maternal = _profile("maternal_centre")
    # Due 1 March: on 7 December the pregnancy is at 40 - 12 = 28 weeks (12 weeks = 84 days before).
    at_28 = evaluate(maternal, {}, due_date=date(2026, 3, 1), on=date(2025, 12, 7))
    at_27 = evaluate(maternal, {}, due_date=date(2026, 3, 1), on=date(2025, 12, 6))
    assert at_28.computed["pregnancy_or_child"] == "pregnancy_weeks:28"
    assert at_28.verdict == "eligible"
    assert at_27.computed["pregnancy_or_child"] == "pregnancy_weeks:27"
    assert at_27.verdict == "not_eligible"


def test_no_birth_nor_due_date_is_incomplete():
    verdict = evaluate(_profile("home_support"), {"no_active_domestic_violence": "met",
                                                  "no_equivalent_service": "met"}, on=date(2025, 12, 1))
    assert verdict.verdict == "incomplete"
    assert verdict.missing == ["pregnancy_or_child"]


def test_children_home_takes_minors_under_21_years():
    home = _profile("childrens_home")
    assert evaluate(home, {}, birth_dates=[date(2005, 1, 2)], on=date(2026, 1, 1)).verdict == "eligible"
    assert evaluate(home, {}, birth_dates=[date(2005, 1, 1)], on=date(2026, 1, 1)).verdict == "not_eligible"


def test_home_support_takes_a_pregnancy_at_any_term():
    """DOMAIN.md, home_support: "pregnancy or child < 36 months" (no minimum term, unlike a maternal centre)."""
    home = _profile("home_support")
    manual = {"no_active_domestic_violence": "met", "no_equivalent_service": "met"}
    due = date(2026, 3, 1)
    for weeks in (4, 23, 27, 28, 39):
        on = due - timedelta(weeks=40 - weeks)
        verdict = evaluate(home, manual, due_date=due, on=on)
        assert verdict.computed["pregnancy_or_child"] == f"pregnancy_weeks:{weeks}"
        assert verdict.verdict == "eligible", weeks
    # Before any pregnancy (a due date more than 40 weeks ahead) there is nothing to support yet.
    assert evaluate(home, manual, due_date=due, on=due - timedelta(weeks=41)).verdict == "not_eligible"


# DOMAIN.md, Facility kinds, "default eligibility", read as the computed rule of each kind.
DOMAIN_COMPUTED_RULES = {
    "parent_baby_unit": ("child_age_months", {"min_months": 0, "max_months": 36, "max_inclusive": True}),
    "maternal_centre": ("pregnancy_or_child", {"min_pregnancy_weeks": 28, "max_months": 36}),
    "parental_centre": ("pregnancy_or_child", {"min_pregnancy_weeks": 28, "max_months": 36}),
    "nursery": ("child_age_months", {"min_months": 0, "max_months": 36, "max_inclusive": False}),
    "childrens_home": ("age_years", {"max_years": 21}),
    "foster_care_service": ("age_years", {"max_years": 21}),
    "parental_respite": ("age_years", {"max_years": 18}),
    "home_support": ("pregnancy_or_child", {"min_pregnancy_weeks": 0, "max_months": 36}),
    "consultation": ("age_years", {"max_years": 21}),
}


def test_every_kind_has_the_computed_rule_of_domain_md():
    assert set(DEFAULT_PROFILES) == set(DOMAIN_COMPUTED_RULES)
    for kind, (rule, params) in DOMAIN_COMPUTED_RULES.items():
        computed = [(c["rule"], dict(c["params"])) for c in DEFAULT_PROFILES[kind] if c["rule"] != "manual"]
        assert computed == [(rule, params)], kind
    home_exclusions = {c["code"] for c in DEFAULT_PROFILES["home_support"] if c["role"] == "exclusion"}
    assert home_exclusions == {"no_active_domestic_violence", "no_equivalent_service"}
