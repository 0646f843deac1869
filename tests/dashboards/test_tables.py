"""The dashboard's tables show each figure beside the previous period's, from hand-built rows (no database)."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.utils import translation

from dashboards import indicators as ind
from dashboards.charts import build_figures
from dashboards.engine import Period, report_from
from dashboards.tables import build_tables

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))
FACILITY = ind.FacilityRow(1, "upb", 10, True)


def _stay(n, *, born, admitted, discharged=None, before="family_home", after="", sex="F"):
    return ind.StayRow(id=n, facility_id=1, child_id=n, family_id=n, sex=sex, birth_date=born, gestational_weeks=39,
                       admitted_on=admitted, discharged_on=discharged, discharge_kind="planned" if discharged else "",
                       residence_before=before, residence_after=after, mandate="none", referrer_category="cpas")


@pytest.mark.parametrize("months,band", [
    (35, None), (36, "3y"), (47, "3y"), (48, "4-5y"), (71, "4-5y"), (72, "6-11y"), (143, "6-11y"),
    (144, "12-16y"), (16 * 12 + 11, "12-16y"), (17 * 12, "17y+"),
])
def test_older_children_fall_in_the_year_bands_of_domain(months, band):
    assert ind.older_age_band(months) == band


def test_stay_lengths_fall_in_their_bins_at_the_edges():
    assert ind.stay_length_bins([0, 30, 31, 91, 92, 182, 183, 365, 366, 900]) == [2, 2, 2, 2, 2]
    assert ind.stay_length_bins([]) == [0, 0, 0, 0, 0]


@pytest.fixture
def tables(db):  # labels come from the reference lists
    stays = [
        # 2024: discharged home after 40 days, F43.2 → F43.0; a 5-year-old
        _stay(1, born=date(2023, 6, 1), admitted=date(2024, 3, 1), discharged=date(2024, 4, 10),
              after="home_with_parent"),
        _stay(2, born=date(2019, 1, 10), admitted=date(2024, 5, 1), discharged=date(2024, 12, 1),
              before="hospital", after="foster_family", sex="M"),
        # 2025: one infant discharged after 20 days, F43.2 → F43.0, one 3-year-old still there
        _stay(3, born=date(2025, 1, 5), admitted=date(2025, 2, 1), discharged=date(2025, 2, 21),
              after="home_with_parent"),
        _stay(4, born=date(2021, 9, 1), admitted=date(2025, 3, 1)),
    ]
    diagnoses = [ind.DiagnosisRow(s, s, None, t, code, True) for s, t, code in (
        (1, "entry", "F43.2"), (1, "exit", "F43.0"), (3, "entry", "F43.2"), (3, "exit", "F43.0"))]
    adults = [ind.AdultRow(10 + n, n, "mother", date(1990, 1, 1), "BE", "BE-BRU") for n in (1, 2, 3, 4)]
    requests = [ind.RequestRow(n, n, date(2024 + (n > 2), 1, 15), "accepted", "", "eligible", True)
                for n in (1, 2, 3, 4)]
    data = ind.ReportData(facilities=[FACILITY], stays=stays, adults=adults, requests=requests,
                          diagnoses=diagnoses)
    report = report_from(data, [SimpleNamespace(code="upb")], YEAR)
    with translation.override("fr"):
        built = build_tables(report)
        figures = build_figures(report, built)
    return built, figures


def _row(table, first):
    return next(row for row in table.rows if str(row[0]) == first)


def test_flows_show_the_previous_period_beside(tables):
    built, _figures = tables
    # stay 2 left in 2024 without diagnoses: counted as "not recorded" then, not now
    assert built["diagnosis_entry_exit"].rows == [["F43.2", "F43.0", 1, 1], ["non renseigné", "non renseigné", 0, 1]]
    flow = {(row[0], row[1]): row[2:] for row in built["residence_flow"].rows}
    assert list(flow.values()) == [[1, 1], [0, 1]]  # family home → home: both years; hospital → foster: 2024


def test_requests_funnel_parents_and_stay_lengths_have_their_previous_figures(tables):
    built, _figures = tables
    assert _row(built["requests"], "Éligibles")[1:] == [2, 2]
    assert _row(built["requests"], "Admises")[1:] == [2, 2]
    assert _row(built["parent_age"], "31-35")[1:] == [2, 0, 2, 0]  # mothers 35 in 2025, 34 in 2024
    lengths = {str(row[0]): row[1:] for row in built["length_of_stay"].rows}
    # 2025: 20 days and 305 days to the period end (open); 2024: 40 and 214 days
    assert lengths["30 jours ou moins"] == [1, 0]
    assert lengths["31–91 jours (1–3 mois)"] == [0, 1]
    assert lengths["183–365 jours (6–12 mois)"] == [1, 1]
    assert "médiane" in built["length_of_stay"].note


def test_older_children_detail_the_last_band_of_the_pyramid(tables):
    built, _figures = tables
    older = {str(row[0]): row[1:] for row in built["older_children"].rows}
    assert older["3 ans (moins de 4 ans)"] == [1, 0, 1, 0]  # 3 years 6 months in 2025
    assert older["4–5 ans"] == [0, 0, 0, 1]                # 5 years 3 months in 2024
    pyramid = _row(built["age_pyramid"], "36 mois et plus")
    assert pyramid[3] == sum(row[3] for row in built["older_children"].rows)


def test_each_chart_draws_the_numbers_of_its_table(tables):
    built, figures = tables
    lengths = figures["length_of_stay"]["data"]
    assert list(lengths[0]["y"]) == [row[1] for row in built["length_of_stay"].rows]
    assert list(lengths[1]["y"]) == [row[2] for row in built["length_of_stay"].rows]
    interventions = figures["interventions"]["data"]
    assert [list(trace["x"]) for trace in interventions] == [[row[1] for row in built["interventions"].rows],
                                                            [row[2] for row in built["interventions"].rows]]


def test_diagnoses_are_shown_by_their_label_with_the_code_beside(db):
    """The flows and the parents' diagnoses showed bare codes (6B44, FEED-DIS): a manager reads the label."""
    stays = [_stay(1, born=date(2025, 1, 5), admitted=date(2025, 2, 1), discharged=date(2025, 2, 21),
                   after="home_with_parent")]
    diagnoses = [
        ind.DiagnosisRow(1, 1, None, "entry", "6B44", True, None, "Trouble réactionnel de l'attachement"),
        ind.DiagnosisRow(1, 1, None, "exit", "FEED-DIS", True, None, "Trouble de l'alimentation du nourrisson"),
        ind.DiagnosisRow(1, None, 11, "entry", "6A70", True, None, "Trouble dépressif à épisode unique"),
    ]
    presence = [ind.PresenceRow(1, 11, "mother", date(2025, 2, 1), None)]
    data = ind.ReportData(facilities=[FACILITY], stays=stays, diagnoses=diagnoses, presence=presence,
                          adults=[ind.AdultRow(11, 1, "mother", date(1990, 1, 1), "BE", "BE-BRU")])
    report = report_from(data, [SimpleNamespace(code="upb")], YEAR)
    with translation.override("fr"):
        built = build_tables(report)
    assert built["diagnosis_entry_exit"].rows[0][:2] == [
        "Trouble réactionnel de l'attachement (6B44)", "Trouble de l'alimentation du nourrisson (FEED-DIS)"]
    assert built["parent_diagnoses"].rows[0][0] == "Trouble dépressif à épisode unique (6A70)"


def test_shares_are_written_the_french_way(tables):
    """The occupancy and shares read « 61.5 % » before: the French write a decimal comma."""
    built, _figures = tables
    note = built["age_pyramid"].note
    assert "%" in note and not re.search(r"\d\.\d %", note)
    assert re.search(r"\d,\d %", note)


def test_the_exports_page_states_its_period_dd_mm_yyyy(client, facility_a, users_a):
    """The header read « du 2025-01-01 au 2025-12-31 » before."""
    client.force_login(users_a["reporting"])
    page = client.get("/dashboards/exports/?facility=upb-a&year=2025").content.decode()
    assert "du 01/01/2025 au 31/12/2025" in page
    assert "2025-01-01 au" not in page


def test_count_axes_tick_whole_numbers(tables):
    """A bar of 1 or 2 stays was drawn on an axis ticked 0, 0.5, 1, 1.5: a count axis steps by whole numbers."""
    from dashboards.tables import TABLES

    built, figures = tables
    counted = [spec for spec in TABLES if spec.chart in ("bars", "columns", "parent_age")]
    assert counted
    for spec in counted:
        layout = figures[spec.name]["layout"]
        horizontal = figures[spec.name]["data"][0].get("orientation") == "h"
        axis = layout["xaxis" if horizontal else "yaxis"]
        assert axis.get("tick0") == 0 and isinstance(axis.get("dtick"), int) and axis["dtick"] >= 1, spec.name


def test_occupancy_months_read_the_french_way(tables):
    """The occupancy table listed « 2025-01 »: a French reader reads « janv. 2025 »."""
    built, _figures = tables
    months = [row[0] for row in built["occupancy"].rows]
    assert months[:3] == ["janv. 2025", "févr. 2025", "mars 2025"]
    assert months[4:8] == ["mai 2025", "juin 2025", "juil. 2025", "août 2025"]
    assert months[-1] == "déc. 2025"
