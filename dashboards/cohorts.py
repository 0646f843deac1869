"""Cohort comparison of the outcomes: several facilities side by side for one year, or the last five discharge
years of one facility. Pure builders: the outcomes of each cohort in, published-ready tables out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dashboards import indicators as ind
from dashboards import outcomes as outcome_rules
from dashboards.suppression import NONE
from dashboards.tables import MEASURE_LABELS, Block, Means, Table

FACILITIES, YEARS = "facilities", "years"
YEARS_BACK = 5


@dataclass(frozen=True)
class Cohorts:
    """What a comparison covers: the cohorts by label, their discharged stays, the period loaded."""

    mode: str
    start: date
    end: date
    stays: dict[str, list[ind.StayRow]]


def span(mode: str, facilities, year: int) -> tuple[date, date]:
    """The period a comparison loads, or ValidationError (French) for a comparison that cannot be made."""
    if mode not in (FACILITIES, YEARS):
        raise ValidationError(_("Choisissez une comparaison : structures côte à côte ou années de sortie."))
    if mode == YEARS and len(facilities) != 1:
        raise ValidationError(_("Pour comparer les années de sortie, choisissez une seule structure."))
    first = year - YEARS_BACK + 1 if mode == YEARS else year
    return date(first, 1, 1), date(year, 12, 31)


def facilities_side_by_side(data: ind.ReportData, facilities, year: int) -> Cohorts:
    start, end = date(year, 1, 1), date(year, 12, 31)
    discharged = [s for s in data.stays if ind.is_discharged_in(s, start, end)]
    return Cohorts(FACILITIES, start, end,
                   {f.name: [s for s in discharged if s.facility_id == f.pk] for f in facilities})


def discharge_years(data: ind.ReportData, last_year: int) -> Cohorts:
    years = range(last_year - YEARS_BACK + 1, last_year + 1)
    start, end = date(years[0], 1, 1), date(last_year, 12, 31)
    return Cohorts(YEARS, start, end, {str(y): [s for s in data.stays if ind.is_discharged_in(
        s, date(y, 1, 1), date(y, 12, 31))] for y in years})


def measures_table(results: dict[str, dict]) -> Table:
    """One row per measure and cohort (measures first, so that a measure's cohorts read together)."""
    rows = []
    for code, label in MEASURE_LABELS.items():
        if not any(figures["measures"][code]["n"] for figures in results.values()):
            continue  # a measure with no pair in any cohort: nothing to compare
        for cohort, figures in results.items():
            v = figures["measures"][code]
            ci = v["ci95"] or [None, None]
            rows.append([str(label), cohort, v["n"], v["entry_mean"], v["exit_mean"], v["mean_change"], ci[0], ci[1],
                         v["recovered"], v["deteriorated"]])
    return Table("cohort_measures", _("Évolution par mesure et par cohorte"),
                 [_("Mesure"), _("Cohorte"), _("Enfants ou parents"), _("Moyenne entrée"), _("Moyenne sortie"),
                  _("Évolution moyenne"), _("IC 95 % bas"), _("IC 95 % haut"), _("Sortis de la zone clinique"),
                  _("Entrés dans la zone clinique")], rows,
                 _("Mêmes définitions que la section « Évolution » du tableau de bord, pour les séjours terminés de "
                   "chaque cohorte ; une mesure sans paire dans aucune cohorte n'est pas listée."),
                 extra={"layout": (Means(2, (3, 4, 5, 6, 7)), Block(cols=(8, 9), col_totals=NONE,
                                                                     grand_total=NONE))})


DISPOSITION_KEYS = ("discharged", "planned", "home_with_parent", "placement", "signalement_during_stay")


def disposition_table(results: dict[str, dict]) -> Table:
    rows = []
    for cohort, figures in results.items():
        d = figures["disposition"]
        rows.append([cohort, *(d[k] for k in DISPOSITION_KEYS), d["readmission"]["eligible"],
                     d["readmission"]["readmitted"]])
    return Table("cohort_disposition", _("Devenir des séjours terminés, par cohorte"),
                 [_("Cohorte"), _("Séjours terminés"), _("Fins de séjour prévues"),
                  _("Retours à la maison avec un parent"), _("Placements de l'enfant"),
                  _("Séjours avec un signalement"), _("Sortis depuis au moins un an"),
                  _("… dont réadmis dans l'année")], rows,
                 extra={"layout": (Block(cols=tuple(range(1, 8)), col_totals=NONE, grand_total=NONE),)})


def forest_rows(table: Table) -> Table:
    """The measures table as the forest chart reads it: panel (measure), label (cohort), n, …, change, CI."""
    return Table(table.name, table.title, table.headers,
                 [[row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7]] for row in table.rows])


def compare(data: ind.ReportData, cohorts: Cohorts, report_date: date) -> dict[str, dict]:
    return outcome_rules.cohort_outcomes(data, cohorts.stays, report_date)
