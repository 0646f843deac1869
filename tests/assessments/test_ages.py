"""unit/ages.py: completed months as clinicians count them, and the age corrected for prematurity."""

from datetime import date, timedelta

from unit.ages import age_in_months, age_in_years, age_parts, corrected_age_days, corrected_birth_date

# --- corrected age -------------------------------------------------------------------------------------


def test_born_at_32_weeks_six_months_old_is_four_months_corrected():
    birth, on = date(2024, 1, 10), date(2024, 7, 10)
    assert age_in_months(birth, on) == 6
    corrected_birth = corrected_birth_date(birth, 32)
    assert corrected_birth == birth + timedelta(weeks=8) == date(2024, 3, 6)
    assert age_in_months(corrected_birth, on) == 4
    assert corrected_age_days(birth, on, 32) == (on - birth).days - 56 == 126


def test_no_correction_at_37_weeks_or_later():
    birth, on = date(2024, 1, 10), date(2024, 7, 10)
    assert corrected_age_days(birth, on, 37) is None
    assert corrected_age_days(birth, on, 40, 3) is None


def test_no_correction_when_gestational_age_unknown():
    assert corrected_age_days(date(2024, 1, 10), date(2024, 7, 10), None) is None


def test_correction_applies_at_36_weeks_6_days_and_is_3_weeks_1_day():
    birth, on = date(2024, 1, 10), date(2024, 7, 10)
    assert corrected_age_days(birth, on, 36, 6) == (on - birth).days - 22 == 160
    assert corrected_birth_date(birth, 36, 6) == date(2024, 2, 1)


def test_gestational_days_count_in_the_correction():
    birth, on = date(2024, 1, 10), date(2024, 7, 10)
    assert corrected_age_days(birth, on, 32, 4) == (on - birth).days - 52


def test_no_correction_at_or_after_24_months_chronological():
    birth = date(2022, 1, 15)
    assert corrected_age_days(birth, date(2024, 1, 14), 30) == (date(2024, 1, 14) - birth).days - 70
    assert corrected_age_days(birth, date(2024, 1, 15), 30) is None
    assert corrected_age_days(birth, date(2025, 6, 1), 30) is None


def test_until_months_is_configurable():
    birth = date(2022, 1, 15)
    assert corrected_age_days(birth, date(2023, 1, 15), 30, until_months=12) is None
    assert corrected_age_days(birth, date(2023, 1, 14), 30, until_months=12) is not None
    assert corrected_age_days(birth, date(2024, 1, 15), 30, until_months=36) == (
        date(2024, 1, 15) - birth).days - 70


# --- completed months ----------------------------------------------------------------------------------


def test_born_31_january_is_one_month_old_on_29_february():
    assert age_in_months(date(2024, 1, 31), date(2024, 2, 29)) == 1
    assert age_in_months(date(2024, 1, 31), date(2024, 2, 28)) == 0
    assert age_in_months(date(2023, 1, 31), date(2023, 2, 28)) == 1


def test_the_day_before_the_monthly_anniversary_is_not_a_completed_month():
    assert age_in_months(date(2024, 1, 15), date(2024, 2, 14)) == 0
    assert age_in_months(date(2024, 1, 15), date(2024, 2, 15)) == 1
    assert age_in_months(date(2023, 6, 20), date(2024, 6, 19)) == 11
    assert age_in_months(date(2023, 6, 20), date(2024, 6, 20)) == 12


def test_age_in_months_on_the_birth_day_and_before_birth():
    assert age_in_months(date(2024, 3, 1), date(2024, 3, 1)) == 0
    assert age_in_months(date(2024, 3, 1), date(2024, 1, 1)) == -2


def test_age_in_years_counts_completed_years():
    assert age_in_years(date(2000, 2, 29), date(2018, 2, 28)) == 18
    assert age_in_years(date(2000, 3, 1), date(2018, 2, 28)) == 17


# --- months and days -----------------------------------------------------------------------------------


def test_age_parts_months_and_days_beyond():
    assert age_parts(date(2024, 1, 15), date(2024, 5, 27)) == (4, 12)
    assert age_parts(date(2024, 1, 15), date(2024, 1, 15)) == (0, 0)
    assert age_parts(date(2024, 1, 15), date(2024, 2, 14)) == (0, 30)


def test_age_parts_anchor_on_the_last_day_of_a_shorter_month():
    assert age_parts(date(2024, 1, 31), date(2024, 2, 29)) == (1, 0)
    assert age_parts(date(2024, 1, 31), date(2024, 3, 1)) == (1, 1)
