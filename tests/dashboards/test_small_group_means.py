"""Means of small groups follow the small-cell rule: a mean of 1 to k−1 children is never published (it
gives back the scores of so few children), whatever sheet or screen shows it."""

from __future__ import annotations

from dashboards.published import suppress_tables
from dashboards.tables import Table

HEADERS = ["Mesure", "Enfants ou parents", "Moyenne entrée", "Moyenne sortie", "Évolution moyenne", "IC 95 % bas",
           "IC 95 % haut", "Taille d'effet", "Sortis de la zone clinique", "Entrés dans la zone clinique",
           "Améliorés", "Inchangés", "Aggravés", "Période précédente", "Évolution, période précédente"]


def _measures(rows) -> Table:
    return Table("outcome_measures", "Évolution", HEADERS, rows)


def test_a_group_of_two_or_three_children_shows_no_mean_nor_interval():
    table = _measures([["Bayley : cognitif", 3, 85.0, 92.0, 7.0, 1.0, 13.0, 0.9, 1, 0, 2, 1, 0, 2, 4.0],
                       ["Bayley : langage", 8, 80.0, 90.0, 10.0, 4.0, 16.0, 1.2, 0, 0, 5, 3, 0, 6, 1.5],
                       ["Bayley : moteur", 0, None, None, None, None, None, None, 0, 0, 0, 0, 0, 0, None]])
    rows = suppress_tables({"outcome_measures": table}, 5)["outcome_measures"].rows
    assert rows[0][:8] == ["Bayley : cognitif", "< 5", "s", "s", "s", "s", "s", "s"]
    assert rows[0][8:] == ["< 5", 0, "< 5", "< 5", 0, "< 5", "s"]
    assert rows[1][:8] == ["Bayley : langage", 8, 80.0, 90.0, 10.0, 4.0, 16.0, 1.2]  # 8 children: published
    assert rows[1][13:] == [6, 1.5]
    assert rows[2] == table.rows[2]  # nobody: nothing to hide


def test_improved_unchanged_worse_add_up_to_the_pairs_and_are_protected_together():
    table = _measures([["PIR-GAS", 12, 50.0, 60.0, 10.0, 5.0, 15.0, 0.8, 6, 0, 9, 2, 1, 12, 8.0]])
    rows = suppress_tables({"outcome_measures": table}, 3)["outcome_measures"].rows
    # 2 and 1 are both small, so both hidden: with 12 and 9 published, their sum (3) is known but each of
    # them may be 1 or 2, so neither can be worked back and nothing more is hidden.
    assert rows[0][10:13] == [9, "< 3", "< 3"]
    assert rows[0][1:8] == [12, 50.0, 60.0, 10.0, 5.0, 15.0, 0.8]


def test_the_previous_period_is_masked_on_its_own():
    table = _measures([["PIR-GAS", 9, 85.0, 92.0, 7.0, 2.0, 12.0, 1.0, 0, 0, 9, 0, 0, 2, 4.0]])
    rows = suppress_tables({"outcome_measures": table}, 5)["outcome_measures"].rows
    assert rows[0][13:] == ["< 5", "s"]
    assert rows[0][1:5] == [9, 85.0, 92.0, 7.0]


def test_a_subgroup_below_the_threshold_shows_no_mean_and_cannot_be_worked_back():
    headers = ["Mesure et regroupement", "Sous-groupe", "Enfants ou parents", "Moyenne entrée", "Moyenne sortie",
               "Évolution moyenne", "IC 95 % bas", "IC 95 % haut"]
    table = Table("outcome_breakdown", "Par sous-groupe", headers, [
        ["PIR-GAS · Admission avec le père", "avec le père", 2, 50.0, 70.0, 20.0, None, None],
        ["PIR-GAS · Admission avec le père", "sans le père", 10, 55.0, 62.0, 7.0, 3.0, 11.0],
    ])
    rows = suppress_tables({"outcome_breakdown": table}, 3)["outcome_breakdown"].rows
    assert rows[0][2:6] == ["< 3", "s", "s", "s"]
    # The pairs of the measure (12) are published beside: the other group is hidden too, with its means.
    assert rows[1][2:6] == ["s", "s", "s", "s"]


def test_without_a_threshold_every_mean_is_shown():
    table = _measures([["PIR-GAS", 2, 85.0, 92.0, 7.0, 1.0, 13.0, 0.9, 1, 0, 2, 0, 0, 1, 4.0]])
    assert suppress_tables({"outcome_measures": table}, 1)["outcome_measures"].rows == [list(table.rows[0])]
