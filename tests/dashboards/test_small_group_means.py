"""Means of small groups follow the small-cell rule: a mean of 1 to k−1 children is never published (it
gives back the scores of so few children), whatever sheet or screen shows it."""

from __future__ import annotations

from dashboards import tables as catalogue
from dashboards.published import suppress_tables
from dashboards.tables import Table

HEADERS = ["Composite", "Enfants", "Moyenne entrée", "Moyenne sortie", "Évolution moyenne",
           "Enfants, période précédente", "Évolution moyenne, période précédente"]


def _bayley(rows) -> Table:
    spec = catalogue.declared("bayley_change")
    return Table("bayley_change", "Bayley", HEADERS, rows, counts=spec.counts)


def test_a_bayley_group_of_two_or_three_children_shows_no_mean():
    table = _bayley([["Cognitif", 3, 85.0, 92.0, 7.0, 2, 4.0],
                     ["Langage", 8, 80.0, 90.0, 10.0, 6, 1.5],
                     ["Moteur", 0, None, None, None, 0, None]])
    rows = suppress_tables({"bayley_change": table}, 5)["bayley_change"].rows
    assert rows[0] == ["Cognitif", "< 5", "s", "s", "s", "< 5", "s"]
    assert rows[1] == ["Langage", 8, 80.0, 90.0, 10.0, 6, 1.5]  # 8 and 6 children: published
    assert rows[2] == ["Moteur", 0, None, None, None, 0, None]  # nobody: nothing to hide


def test_the_previous_period_is_masked_on_its_own():
    table = _bayley([["Cognitif", 9, 85.0, 92.0, 7.0, 2, 4.0]])
    rows = suppress_tables({"bayley_change": table}, 5)["bayley_change"].rows
    assert rows[0] == ["Cognitif", 9, 85.0, 92.0, 7.0, "< 5", "s"]


def test_without_a_threshold_every_mean_is_shown():
    table = _bayley([["Cognitif", 2, 85.0, 92.0, 7.0, 1, 4.0]])
    assert suppress_tables({"bayley_change": table}, 1)["bayley_change"].rows == [list(table.rows[0])]
