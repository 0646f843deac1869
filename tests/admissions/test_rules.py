"""Admission mode, overlaps, peak occupancy and the date-order rules, computed by hand."""

from datetime import date

import pytest

from admissions.rules import (
    Period,
    admission_birth_problem,
    admission_mode,
    decision_date_problem,
    discharge_date_problem,
    in_stay,
    overlaps,
    planned_end_problem,
    presence_day_problem,
    presence_end_problem,
)
from admissions.stay_dates import peak_occupancy

ADMIT, END = date(2025, 3, 1), date(2025, 6, 30)


@pytest.mark.parametrize(
    "periods,expected",
    [
        ([Period("mother", ADMIT, END)], "mother_only"),
        ([Period("father", ADMIT, None)], "father_only"),
        ([Period("mother", ADMIT, END), Period("father", ADMIT, END)], "both_whole_stay"),
        # A father who joins in the second week: both present, one of them only part of the stay.
        ([Period("mother", ADMIT, END), Period("father", date(2025, 3, 10), END)], "both_partial"),
        ([Period("mother", ADMIT, date(2025, 5, 1)), Period("father", ADMIT, END)], "both_partial"),
        # Back-to-back periods of the same parent cover the stay without a gap.
        ([Period("mother", ADMIT, date(2025, 4, 15)), Period("mother", date(2025, 4, 16), END),
          Period("father", ADMIT, None)], "both_whole_stay"),
        # A gap of one day breaks "whole stay".
        ([Period("mother", ADMIT, date(2025, 4, 15)), Period("mother", date(2025, 4, 17), END),
          Period("father", ADMIT, None)], "both_partial"),
        ([], "none"),
        ([Period("other_guardian", ADMIT, END)], "none"),
    ],
)
def test_admission_mode(periods, expected):
    assert admission_mode(periods, ADMIT, END) == expected


def test_open_presence_covers_an_open_stay_up_to_the_period_end():
    periods = [Period("mother", ADMIT, None), Period("father", ADMIT, None)]
    assert admission_mode(periods, ADMIT, date(2025, 12, 31)) == "both_whole_stay"


def test_overlaps_is_inclusive_and_open_ends_run_forever():
    assert overlaps(date(2025, 1, 1), date(2025, 1, 10), date(2025, 1, 10), None)
    assert not overlaps(date(2025, 1, 1), date(2025, 1, 9), date(2025, 1, 10), None)
    assert overlaps(date(2025, 1, 1), None, date(2030, 1, 1), date(2030, 1, 2))


def test_peak_occupancy_counts_discharge_day_as_free():
    stays = [(date(2025, 1, 1), date(2025, 1, 10)), (date(2025, 1, 10), None)]
    assert peak_occupancy(stays, date(2025, 1, 1), None) == 1
    stays.append((date(2025, 1, 5), date(2025, 1, 20)))
    assert peak_occupancy(stays, date(2025, 1, 1), None) == 2
    assert peak_occupancy(stays, date(2025, 1, 21), None) == 1


DAY_BEFORE, DAY_AFTER = date(2025, 2, 28), date(2025, 3, 2)


@pytest.mark.parametrize(
    "rule,expected",
    [
        (decision_date_problem, "La décision ne peut précéder la réception de la demande."),
        (discharge_date_problem, "La sortie ne peut précéder l'admission."),
        (admission_birth_problem, "L'admission ne peut précéder la naissance de l'enfant."),
        (planned_end_problem, "La fin prévue ne peut précéder l'admission."),
        (presence_end_problem, "La fin de présence ne peut précéder son début."),
    ],
)
def test_a_date_order_rule_refuses_the_day_before_and_allows_the_same_day(rule, expected):
    # Each rule takes (the date that comes first, the date that must not precede it).
    assert rule(ADMIT, DAY_BEFORE) == expected
    assert rule(ADMIT, ADMIT) is None  # same day: a decision on receipt, a one-day stay, admitted at birth
    assert rule(ADMIT, DAY_AFTER) is None


def test_a_day_is_in_a_stay_from_admission_to_discharge_both_included():
    assert [in_stay(d, ADMIT, END) for d in (DAY_BEFORE, ADMIT, END, date(2025, 7, 1))] == [
        False, True, True, False]
    assert in_stay(date(2030, 1, 1), ADMIT, None)  # an open stay runs on
    assert not in_stay(DAY_BEFORE, ADMIT, None)


def test_a_presence_day_outside_its_stay_is_refused_with_the_stay_dates():
    assert presence_day_problem(ADMIT, ADMIT, END) is None
    assert presence_day_problem(END, ADMIT, END) is None  # the discharge day is still a day of the stay
    assert presence_day_problem(DAY_BEFORE, ADMIT, END) == (
        "La présence doit être comprise dans le séjour (du 01/03/2025 au 30/06/2025).")
    assert presence_day_problem(date(2025, 7, 1), ADMIT, END) == (
        "La présence doit être comprise dans le séjour (du 01/03/2025 au 30/06/2025).")
    assert presence_day_problem(date(2030, 1, 1), ADMIT, None) is None
    assert presence_day_problem(DAY_BEFORE, ADMIT, None) == (
        "La présence doit être comprise dans le séjour (en cours depuis le 01/03/2025).")


@pytest.mark.parametrize("day,within_closed,within_open", [
    (date(2025, 2, 28), False, False), (date(2025, 3, 1), True, True),
    (date(2025, 4, 30), True, True), (date(2025, 5, 1), False, True)])
def test_an_assessment_is_passed_within_its_stay_both_ends_included(day, within_closed, within_open):
    from admissions.rules import assessment_date_problem

    assert (assessment_date_problem(day, date(2025, 3, 1), date(2025, 4, 30)) is None) is within_closed
    assert (assessment_date_problem(day, date(2025, 3, 1), None) is None) is within_open
