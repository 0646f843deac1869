"""Admission mode from presence periods, overlaps and peak occupancy, computed by hand."""

from datetime import date

import pytest

from admissions.rules import Period, admission_mode, overlaps
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
