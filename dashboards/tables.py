"""The report's tables, each declared once: its code, page section, builder, charts and cover definitions.

`TABLES` is the one list of report tables. The page sections, the CSV downloads, the page charts
(`dashboards.charts`), the workbook's sheets, native charts and cover definitions
(`dashboards.workbook`) and the sheets a funder profile may name (`dashboards.models`) are all
read from it; nothing else lists the tables. Builders are pure: a Report in, cells out, labels in
the active language. This module imports no renderer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards import indicators as ind
from dashboards.suppression import KNOWN, NONE, SHOWN
from unit.ages import POST_TERM_FROM_WEEKS, PRETERM_BEFORE_WEEKS
from unit.labels import label, month_label

LINE_LIST = "line_list"  # the sheet of the pseudonymised stays, beside the tables' sheets


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    headers: list[str]
    rows: list[list]
    note: str = ""
    vocabulary: str = ""  # reference list of the first column, when it holds codes
    counts: bool = True  # cells are counts of people (small-cell suppression applies)
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Body:
    """What a builder lays out; the declaration adds the code, the title and whether cells are counts."""

    headers: list[str]
    rows: list[list]
    note: str = ""
    vocabulary: str = ""


class Definition(NamedTuple):
    """A sentence of the workbook cover: the indicator's code, its French name, its French definition."""

    code: str
    name: str
    text: str


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise


@dataclass(frozen=True)
class SheetChart:
    """A native Excel bar chart beside the table's sheet."""

    direction: str  # "bar" (horizontal) or "col"
    columns: tuple[int, int]  # first and last column charted (1-based, the sheet's columns)
    y_title: str
    # Two series drawn back to back (the first to the left): a masked cell is a gap, the series stays;
    # otherwise a series holding a masked cell is left out of the chart, with a note.
    pyramid: bool = False


@dataclass(frozen=True)
class Block:
    """Count columns of a table that add up together, and where their totals are published."""

    cols: tuple[int, ...]
    rows: tuple[int, ...] | None = None  # None: every row
    total_row: int | None = None  # a row of the table holding these columns' totals
    total_col: int | None = None  # a column of the table holding these rows' totals
    row_totals: str = NONE  # when total_col is None
    col_totals: str = KNOWN  # when total_row is None: a column's population is taken as public
    grand_total: str = KNOWN  # NONE: the sum of all its cells is published nowhere either


@dataclass(frozen=True)
class Means:
    """A count of people beside statistics of that same group (means, changes), on every row: the count
    follows the small-cell rule on its own (its sum is published nowhere) and the statistics are hidden
    whenever it is, since the mean of one to k−1 children gives back their scores."""

    count_col: int
    stat_cols: tuple[int, ...]


@dataclass(frozen=True)
class Pivot:
    """A long table (row key, column key, count) read as the two-way table it is."""

    row_totals: str = NONE
    col_totals: str = NONE
    count_col: int = 2  # the column of the counts (the period, or beside it the previous period)
    stat_cols: tuple[int, ...] = ()  # statistics of the group counted (means): hidden whenever the count is


@dataclass(frozen=True)
class ReportTable:
    """One report table, declared once."""

    name: str  # the table's code: CSV parameter, the name a funder profile lists
    title: Promise  # French, translated when the table is built
    section: str  # a key of SECTIONS, or OTHER
    build: Callable[[Any], Body]  # the report -> the table's cells
    chart: str | None = None  # a kind of page chart drawn by dashboards.charts (None: no chart)
    sheet_chart: SheetChart | None = None  # the workbook's native chart, if any
    definitions: tuple[Definition, ...] = ()  # the cover's sentences for the indicators it shows
    counts: bool = True  # cells are counts of people (small-cell suppression applies)
    # How its counts add up, for small-cell suppression; empty: every column after the first, alone.
    layout: tuple[Block | Pivot | Means, ...] = ()
    sheet: str = ""  # the workbook's French tab (at most 31 characters); empty: the title, cut short

    def table(self, report) -> Table:
        body = self.build(report)
        return Table(self.name, str(self.title), body.headers, body.rows, body.note, body.vocabulary, self.counts)


OTHER = "other"  # the row of small tables under the sections ("Autres chiffres")
SECTIONS = (
    Section("population", gettext_lazy("Enfants accueillis")),
    Section("diagnoses", gettext_lazy("Diagnostics")),
    Section("origins", gettext_lazy("Provenance et devenir")),
    Section("stays", gettext_lazy("Séjours et occupation")),
    Section("requests", gettext_lazy("Demandes")),
    Section("parents", gettext_lazy("Parents et naissance")),
    Section("activity", gettext_lazy("Activité")),
    Section("outcomes", gettext_lazy("Évolution")),
)
# The cover's sentences that belong to the whole report rather than to one table.
REPORT_DEFINITIONS = (
    Definition("period", "Période",
               "Les structures du rapport et la période [début, fin] ; la période précédente est l'année civile "
               "d'avant pour une année civile, sinon la même durée juste avant."),
    Definition("stays_active", "Séjours actifs",
               "Séjours dont l'admission est au plus tard la fin de la période et qui n'ont pas de sortie ou une "
               "sortie au plus tôt le début de la période ; les séjours saisis par erreur ne comptent jamais."),
)


# ---------------------------------------------------------------- labels and cells


def _pct(value: float | None) -> str:
    # French number format: « 61,5 % » (decimal comma; the JSON keeps the fraction).
    return "—" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def _month(iso_month: str) -> str:
    """« janv. 2025 » for the series' "2025-01"."""
    year, month = iso_month.split("-")
    return month_label(int(year), int(month))


def _num(value) -> str:
    return "—" if value is None else f"{value:g}"


def _period_headers(first: str) -> list[str]:
    return [first, _("Période"), _("Période précédente")]


def _pairs(current: list[dict], previous: list[dict], left: str, right: str, left_label, right_label) -> list[list]:
    """Flows (left → right, n) of the period beside the same flows of the previous period."""
    before = {(row[left], row[right]): row["n"] for row in previous}
    now = {(row[left], row[right]): row["n"] for row in current}
    keys = sorted(set(now) | set(before), key=lambda k: (-now.get(k, 0), -before.get(k, 0), k[0] or "", k[1] or ""))
    return [[left_label(a), right_label(b), now.get((a, b), 0), before.get((a, b), 0)] for a, b in keys]


def _coded(key: str, vocabulary: str = "", *, diagnoses: bool = False) -> Callable[[Any], Body]:
    """A builder of the distribution {code: n} `key` of the indicators, beside the previous period's
    (`diagnoses`: codes of diagnoses, shown with the title recorded with them)."""
    def build(report) -> Body:
        current, previous = report.indicators[key], report.previous[key]
        codes = sorted(set(current) | set(previous), key=lambda c: (-current.get(c, 0), c))
        rows = [[label(vocabulary, code) if vocabulary else report.diagnosis(code) if diagnoses else code,
                 current.get(code, 0), previous.get(code, 0)] for code in codes]
        return Body(_period_headers(_("Catégorie")), rows, vocabulary=vocabulary)
    return build


def _by_step(report, key: str, steps) -> list[list]:
    """Rows [label, period, previous period] of the fields `steps` ((field, label), …) of an indicator."""
    cur, prev = report.indicators[key], report.previous[key]
    return [[str(name), cur[step], prev[step]] for step, name in steps]


MODE_LABELS = {
    "mother_only": gettext_lazy("Mère seule"), "father_only": gettext_lazy("Père seul"),
    "both_whole_stay": gettext_lazy("Les deux parents, tout le séjour"),
    "both_partial": gettext_lazy("Les deux parents, l'un en partie"), "none": gettext_lazy("Sans parent"),
}
OLDER_BAND_LABELS = {"3y": gettext_lazy("3 ans (moins de 4 ans)"), "4-5y": gettext_lazy("4–5 ans"),
                     "6-11y": gettext_lazy("6–11 ans"), "12-16y": gettext_lazy("12–16 ans"),
                     "17y+": gettext_lazy("17 ans et plus")}
# Labels of indicators.STAY_LENGTH_BINS, in its order.
STAY_LENGTH_LABELS = (gettext_lazy("30 jours ou moins"), gettext_lazy("31–91 jours (1–3 mois)"),
                      gettext_lazy("92–182 jours (3–6 mois)"), gettext_lazy("183–365 jours (6–12 mois)"),
                      gettext_lazy("plus de 365 jours"))
BAND_LABELS = {"0-5m": gettext_lazy("0–5 mois"), "6-11m": gettext_lazy("6–11 mois"),
               "12-23m": gettext_lazy("12–23 mois"), "24-35m": gettext_lazy("24–35 mois"),
               "36m+": gettext_lazy("36 mois et plus")}
COMPOSITE_LABELS = {"cog": gettext_lazy("Cognitif"), "lang": gettext_lazy("Langage"),
                    "motor": gettext_lazy("Moteur"), "se": gettext_lazy("Socio-émotionnel"),
                    "ab": gettext_lazy("Comportement adaptatif")}
REQUEST_STEPS = (("received", gettext_lazy("Reçues")), ("eligible", gettext_lazy("Éligibles")),
                 ("accepted", gettext_lazy("Acceptées")), ("admitted", gettext_lazy("Admises")),
                 ("waiting_list", gettext_lazy("Liste d'attente")), ("refused", gettext_lazy("Refusées")),
                 ("pending", gettext_lazy("Sans décision")))
FAMILY_STEPS = (("followed", gettext_lazy("Suivies")), ("new", gettext_lazy("Nouvelles")),
                ("continuing", gettext_lazy("Poursuivies")), ("closed", gettext_lazy("Clôturées")))
ACTIVITY_STEPS = (("signalements", gettext_lazy("Signalements")),
                  ("synthesis_meetings", gettext_lazy("Réunions de synthèse")))


# ---------------------------------------------------------------- one builder per table


def _by_sex_and_total(bands: list[str], labels: dict, current: dict, previous: dict) -> list[list]:
    return [[str(labels[band]), current[band]["F"], current[band]["M"], current[band]["F"] + current[band]["M"],
             previous[band]["F"] + previous[band]["M"]] for band in bands]


def _sex_headers(first: str) -> list[str]:
    return [first, _("Filles"), _("Garçons"), _("Total"), _("Total période précédente")]


def age_pyramid(report) -> Body:
    cur, prev = report.indicators, report.previous
    note = _("Moins de 6 mois : %(a)s (précédente %(b)s) · moins d'un an : %(c)s (précédente %(d)s) · "
             "filles/garçons : %(f)s/%(m)s") % {
        "a": _pct(cur["share_under_6_months"]), "b": _pct(prev["share_under_6_months"]),
        "c": _pct(cur["share_under_1_year"]), "d": _pct(prev["share_under_1_year"]),
        "f": cur["children_by_sex"]["F"], "m": cur["children_by_sex"]["M"]}
    return Body(_sex_headers(_("Tranche d'âge")),
                _by_sex_and_total(ind.AGE_BANDS, BAND_LABELS, cur["age_band_by_sex"], prev["age_band_by_sex"]), note)


def older_children(report) -> Body:
    rows = _by_sex_and_total(ind.OLDER_AGE_BANDS, OLDER_BAND_LABELS, report.series["older_age_band_by_sex"],
                             report.previous_series["older_age_band_by_sex"])
    return Body(_sex_headers(_("Âge")), rows,
                _("Âge en années révolues à l'admission ; ces enfants forment la ligne « 36 mois et plus » de la "
                  "pyramide."))


def admission_mode(report) -> Body:
    cur, prev = report.indicators, report.previous
    return Body(_period_headers(_("Mode")), _by_step(report, "admission_mode", MODE_LABELS.items()),
                _("Part des admissions avec le père : %(a)s (période précédente %(b)s)") % {
                    "a": _pct(cur["share_with_father"]), "b": _pct(prev["share_with_father"])})


def _flow_headers(left: str, right: str) -> list[str]:
    return [left, right, _("Enfants"), _("Période précédente")]


def diagnosis_entry_exit(report) -> Body:
    def unrecorded(code):
        return report.diagnosis(code) if code else _("non renseigné")
    return Body(_flow_headers(_("Entrée"), _("Sortie")),
                _pairs(report.indicators["diagnosis_entry_exit"], report.previous["diagnosis_entry_exit"], "entry",
                       "exit", unrecorded, unrecorded))


def residence_flow(report) -> Body:
    return Body(_flow_headers(_("Avant"), _("Après")),
                _pairs(report.series["residence_flow"], report.previous_series["residence_flow"], "before", "after",
                       lambda code: label("residence_before", code), lambda code: label("residence_after", code)))


def length_of_stay(report) -> Body:
    los, plos = report.indicators["length_of_stay_days"], report.previous["length_of_stay_days"]
    bins, pbins = report.series["length_of_stay_bins"], report.previous_series["length_of_stay_bins"]
    note = _("Séjours : %(n)s (précédente %(pn)s) · médiane %(med)s j (%(pmed)s) · moyenne %(mean)s j (%(pmean)s) "
             "· de %(min)s à %(max)s j (%(pmin)s à %(pmax)s) ; séjours en cours comptés jusqu'à la fin de la "
             "période, ou jusqu'à la date du rapport si la période la dépasse") % {
        "n": los["n"], "pn": plos["n"], "med": _num(los["median"]), "pmed": _num(plos["median"]),
        "mean": _num(los["mean"]), "pmean": _num(plos["mean"]), "min": _num(los["min"]),
        "max": _num(los["max"]), "pmin": _num(plos["min"]), "pmax": _num(plos["max"])}
    return Body(_period_headers(_("Durée")),
                [[str(name), n, pn] for name, n, pn in zip(STAY_LENGTH_LABELS, bins, pbins, strict=True)], note)


def occupancy(report) -> Body:
    cur, prev = report.indicators, report.previous
    return Body([_("Mois"), _("Enfants présents (moyenne)"), _("Places")],
                [[_month(m["month"]), "—" if m["mean_children"] is None else m["mean_children"], m["capacity"]]
                 for m in report.series["occupancy_by_month"]],
                _("Taux d'occupation : %(a)s (période précédente %(b)s)") % {
                    "a": _pct(cur["occupancy_rate"]), "b": _pct(prev["occupancy_rate"])})


def requests(report) -> Body:
    # The decisions are the indicator's; only the eligible and admitted steps come from the funnel.
    cur = {**report.series["funnel"], **report.indicators["requests"]}
    prev = {**report.previous_series["funnel"], **report.previous["requests"]}
    return Body(_period_headers(_("Étape")), [[str(name), cur[step], prev[step]] for step, name in REQUEST_STEPS])


def families(report) -> Body:
    return Body(_period_headers(_("Familles")), _by_step(report, "families", FAMILY_STEPS))


def _parents_headers(first: str) -> list[str]:
    return [first, _("Mères"), _("Pères"), _("Mères, période précédente"), _("Pères, période précédente")]


def parent_age(report) -> Body:
    bands, pbands = report.indicators["parent_age_band"], report.previous["parent_age_band"]
    return Body(_parents_headers(_("Âge")),
                [[band if band != "unknown" else _("inconnu"), bands["mother"][band], bands["father"][band],
                  pbands["mother"][band], pbands["father"][band]] for band in ind.PARENT_AGE_BANDS])


def nationalities(report) -> Body:
    nat, pnat = report.indicators["nationalities"], report.previous["nationalities"]
    top = {role: dict(nat[role]["top"]) for role in ("mother", "father")}
    ptop = {role: dict(pnat[role]["top"]) for role in ("mother", "father")}
    codes = sorted(set(top["mother"]) | set(top["father"]),
                   key=lambda c: (-(top["mother"].get(c, 0) + top["father"].get(c, 0)), c))
    note = _("Nationalités distinctes : %(m)s chez les mères, %(f)s chez les pères (période précédente : %(pm)s "
             "et %(pf)s). Période précédente : vide quand la nationalité n'y était pas parmi les plus "
             "fréquentes.") % {"m": nat["mother"]["distinct"], "f": nat["father"]["distinct"],
                               "pm": pnat["mother"]["distinct"], "pf": pnat["father"]["distinct"]}
    return Body(_parents_headers(_("Nationalité")),
                [[code, top["mother"].get(code, 0), top["father"].get(code, 0), ptop["mother"].get(code),
                  ptop["father"].get(code)] for code in codes], note)


def gestational(report) -> Body:
    weeks = {"preterm": PRETERM_BEFORE_WEEKS, "last_term": POST_TERM_FROM_WEEKS - 1,
             "post_term": POST_TERM_FROM_WEEKS}
    names = {"preterm": _("Prématuré (< %(preterm)s SA)") % weeks,
             "term": _("À terme (%(preterm)s–%(last_term)s SA)") % weeks,
             "post_term": _("Post-terme (≥ %(post_term)s SA)") % weeks, "unknown": _("Inconnu")}
    return Body(_period_headers(_("Catégorie")), _by_step(report, "gestational_category", names.items()))


def activity(report) -> Body:
    cur, prev = report.indicators, report.previous
    return Body(_period_headers(_("Activité")),
                [[str(name), cur[key], prev[key]] for key, name in ACTIVITY_STEPS])


MEASURE_LABELS = {
    "bayley_cog": gettext_lazy("Bayley : cognitif"), "bayley_lang": gettext_lazy("Bayley : langage"),
    "bayley_motor": gettext_lazy("Bayley : moteur"), "pirgas": gettext_lazy("PIR-GAS : relation parent-enfant"),
    "adbb": gettext_lazy("ADBB : retrait relationnel"), "epds_mother": gettext_lazy("EPDS de la mère"),
    "epds_father": gettext_lazy("EPDS du père"),
}
BREAKDOWN_LABELS = {"admission_mode": gettext_lazy("Admission avec le père"),
                    "age_band": gettext_lazy("Âge à l'admission"),
                    "length_of_stay": gettext_lazy("Durée de séjour"), "mandate": gettext_lazy("Mandat")}
GROUP_LABELS = {
    "with_father": gettext_lazy("avec le père"), "without_father": gettext_lazy("sans le père"),
    **BAND_LABELS,
    "le_91": gettext_lazy("91 jours ou moins"), "92_182": gettext_lazy("92 à 182 jours"),
    "gt_182": gettext_lazy("plus de 182 jours"),
    "voluntary": gettext_lazy("sans mandat"), "judicial": gettext_lazy("mandat judiciaire ou administratif"),
}
DISPOSITION_STEPS = (
    ("discharged", gettext_lazy("Séjours terminés")), ("planned", gettext_lazy("Fins de séjour prévues")),
    ("home_with_parent", gettext_lazy("Retours à la maison avec un parent")),
    ("placement", gettext_lazy("Placements de l'enfant")),
    ("signalement_during_stay", gettext_lazy("Séjours avec un signalement")),
    ("eligible", gettext_lazy("Sortis depuis au moins un an")),
    ("readmitted", gettext_lazy("… dont réadmis dans l'année")),
)


def _ci(figures: dict, bound: int):
    return figures["ci95"][bound] if figures["ci95"] else None


def outcome_measures(report) -> Body:
    cur, prev = report.indicators["outcomes"]["measures"], report.previous["outcomes"]["measures"]
    rows = [[str(MEASURE_LABELS[code]), v["n"], v["entry_mean"], v["exit_mean"], v["mean_change"], _ci(v, 0),
             _ci(v, 1), v["effect_size"], v["recovered"], v["deteriorated"], v["improved"], v["unchanged"],
             v["worse"], prev[code]["n"], prev[code]["mean_change"]] for code, v in cur.items()]
    return Body([_("Mesure"), _("Enfants ou parents"), _("Moyenne entrée"), _("Moyenne sortie"),
                 _("Évolution moyenne"), _("IC 95 % bas"), _("IC 95 % haut"), _("Taille d'effet"),
                 _("Sortis de la zone clinique"), _("Entrés dans la zone clinique"), _("Améliorés"),
                 _("Inchangés"), _("Aggravés"), _("Période précédente"), _("Évolution, période précédente")],
                rows,
                _("Séjours terminés dans la période ayant une valeur d'entrée (admission à +42 jours) et de sortie "
                  "(sortie −42 à +14 jours), à au moins 28 jours d'écart. Zone clinique : Bayley < 85, PIR-GAS ≤ 70, "
                  "ADBB ≥ 5, EPDS ≥ 13. Améliorés / aggravés : changement de catégorie (Bayley, PIR-GAS) ou d'au "
                  "moins 2 points (ADBB), 4 points (EPDS) ; pour l'ADBB et l'EPDS, une baisse est une amélioration."))


def outcome_breakdown(report) -> Body:
    by = report.indicators["outcomes"]["by"]
    rows = []
    for measure, measure_label in MEASURE_LABELS.items():
        for breakdown, groups in by.items():
            for group, figures in groups.items():
                v = figures[measure]
                if v["n"]:
                    rows.append([f"{measure_label} · {BREAKDOWN_LABELS[breakdown]}", str(GROUP_LABELS[group]),
                                 v["n"], v["entry_mean"], v["exit_mean"], v["mean_change"], _ci(v, 0), _ci(v, 1)])
    return Body([_("Mesure et regroupement"), _("Sous-groupe"), _("Enfants ou parents"), _("Moyenne entrée"),
                 _("Moyenne sortie"), _("Évolution moyenne"), _("IC 95 % bas"), _("IC 95 % haut")], rows,
                _("Les mêmes paires par sous-groupe : avec ou sans le père admis, âge à l'admission, durée de séjour, "
                  "mandat. Un sous-groupe sans paire n'est pas listé."))


def outcome_disposition(report) -> Body:
    def figures(indicators) -> dict:
        disposition = indicators["outcomes"]["disposition"]
        return {**disposition, **disposition["readmission"]}
    cur, prev = figures(report.indicators), figures(report.previous)
    return Body(_period_headers(_("Devenir")), [[str(name), cur[key], prev[key]] for key, name in DISPOSITION_STEPS],
                _("Séjours terminés dans la période. Réadmission : un autre séjour de l'enfant commencé dans une "
                  "structure de l'organisation dans les 365 jours suivant la sortie, pour les sorties d'au moins un "
                  "an avant la date du rapport."))


CONTACT_STEPS = (
    ("by_caller", "parent", gettext_lazy("Appelant : parent")),
    ("by_caller", "relative", gettext_lazy("Appelant : proche")),
    ("by_caller", "professional", gettext_lazy("Appelant : professionnel du réseau")),
    ("by_outcome", "advice", gettext_lazy("Suite : conseil donné")),
    ("by_outcome", "oriented", gettext_lazy("Suite : orienté ailleurs")),
    ("by_outcome", "request_opened", gettext_lazy("Suite : demande ouverte")),
)


def contacts_without_file(report) -> Body:
    cur, prev = report.indicators["contacts_without_file"], report.previous["contacts_without_file"]
    rows = [[_("Contacts sans dossier"), cur["n"], prev["n"]]]
    rows += [[str(name), cur[group][code], prev[group][code]] for group, code, name in CONTACT_STEPS]
    return Body(_period_headers(_("Contacts")), rows)


# ---------------------------------------------------------------- the declaration

_D = Definition
TABLES: tuple[ReportTable, ...] = (
    ReportTable(
        "age_pyramid", gettext_lazy("Âge à l'admission et sexe"), "population", age_pyramid, chart="age_pyramid",
        sheet_chart=SheetChart("bar", (2, 3), "Enfants", pyramid=True), sheet="Âge et sexe",
        # Filles + Garçons = Total in each band; the previous period's totals stand alone.
        layout=(Block(cols=(1, 2), total_col=3), Block(cols=(4,))),
        definitions=(
            _D("children_by_sex", "Enfants par sexe",
               "Enfants des séjours actifs par sexe ; chaque enfant compte une fois, à son premier séjour actif dans "
               "la période."),
            _D("age_band_by_sex", "Âge à l'admission",
               "Enfants des séjours actifs, une fois chacun, par âge à l'admission de leur premier séjour actif en "
               "mois révolus (0–5, 6–11, 12–23, 24–35, 36 et plus) et par sexe."),
            _D("share_under_6_months", "Moins de 6 mois",
               "Part des enfants (une fois chacun) qui avaient moins de 6 mois à l'admission de leur premier séjour "
               "actif (— sans séjour)."),
            _D("share_under_1_year", "Moins d'un an",
               "Part des enfants (une fois chacun) qui avaient moins de 12 mois à l'admission de leur premier séjour "
               "actif (— sans séjour)."))),
    ReportTable(
        "older_children", gettext_lazy("Enfants de 3 ans et plus à l'admission (détail de « 36 mois et plus »)"),
        "population", older_children, sheet="Enfants de 3 ans et plus",
        layout=(Block(cols=(1, 2), total_col=3), Block(cols=(4,)))),
    ReportTable(
        "admission_mode", gettext_lazy("Admission avec le(s) parent(s)"), "population", admission_mode,
        sheet="Admission avec les parents",
        chart="bars", sheet_chart=SheetChart("col", (2, 3), "Séjours"),
        definitions=(
            _D("admission_mode", "Admission avec le(s) parent(s)",
               "Séjours actifs des structures résidentielles selon les périodes de présence dans la période : mère "
               "seule, père seul, les deux parents tout le séjour (chacun présent sans interruption de l'admission à "
               "la sortie, ou à la fin de la période si le séjour continue), les deux dont l'un en partie, sans "
               "parent (un autre responsable seul compte ici) ; une présence qui commence après la fin de la "
               "période n'existe pas pour elle."),
            _D("share_with_father", "Admissions avec le père",
               "(Père seul + les deux tout le séjour + les deux en partie) / séjours actifs des structures "
               "résidentielles (— sans séjour)."))),
    ReportTable(
        "diagnosis_entry_exit", gettext_lazy("Diagnostics de l'enfant, entrée → sortie"), "diagnoses",
        diagnosis_entry_exit, sheet="Diagnostics entrée-sortie", chart="diagnosis_flow",
        layout=(Pivot(), Pivot(count_col=3)),  # flows of the period, then of the previous period
        definitions=(_D(
            "diagnosis_entry_exit", "Diagnostics entrée → sortie",
            "Séjours terminés dans la période : paires (diagnostic principal de l'enfant à l'entrée, à la sortie) ; "
            "un diagnostic manquant est « non renseigné »."),)),
    ReportTable(
        "parent_diagnoses", gettext_lazy("Diagnostics des parents admis"), "diagnoses",
        _coded("parent_diagnoses", diagnoses=True), sheet="Diagnostics des parents",
        chart="bars", layout=(Block(cols=(1, 2), col_totals=NONE),),  # overlapping groups: sums published nowhere
        definitions=(_D(
            "parent_diagnoses", "Diagnostics des parents",
            "Diagnostics (principaux ou non) des adultes admis avec l'enfant (présents à un moment de la période) "
            "dans les séjours actifs ; chaque adulte compte une fois par code."),)),
    ReportTable(
        "residence_flow", gettext_lazy("Lieu de vie avant → après (séjours terminés)"), "origins", residence_flow,
        sheet="Lieu de vie avant-après",
        chart="residence_flow",
        # Its columns add up to the residence-after table's period and previous period (linked in suppression).
        layout=(Pivot(col_totals=SHOWN), Pivot(col_totals=SHOWN, count_col=3))),
    ReportTable(
        "residence_before", gettext_lazy("Lieu de vie avant le séjour"), OTHER,
        _coded("residence_before", "residence_before"), sheet_chart=SheetChart("col", (2, 3), "Séjours"),
        sheet="Lieu de vie avant",
        definitions=(_D("residence_before", "Lieu de vie avant", "Lieu de vie avant le séjour, séjours actifs."),)),
    ReportTable(
        "residence_after", gettext_lazy("Lieu de vie après le séjour"), OTHER,
        _coded("residence_after", "residence_after"), sheet="Lieu de vie après",
        definitions=(_D("residence_after", "Lieu de vie après",
                        "Lieu de vie après le séjour, séjours terminés dans la période."),)),
    ReportTable(
        "discharge_kind", gettext_lazy("Type de fin de séjour"), OTHER, _coded("discharge_kind", "discharge_kind"),
        sheet="Type de fin de séjour",
        definitions=(_D("discharge_kind", "Type de fin de séjour",
                        "Type de sortie des séjours terminés dans la période."),)),
    ReportTable(
        "referrer_category", gettext_lazy("Réseau envoyeur"), "origins",
        _coded("referrer_category", "referrer_category"), sheet="Réseau envoyeur", chart="bars",
        sheet_chart=SheetChart("col", (2, 3), "Séjours"),
        definitions=(_D(
            "referrer_category", "Réseau envoyeur",
            "Catégorie d'envoyeur de la demande qui a mené au séjour, séjours actifs ; un séjour sans demande "
            "n'est pas compté."),)),
    ReportTable(
        "region", gettext_lazy("Région de résidence de la famille"), "origins", _coded("region", "region"),
        sheet="Région",
        chart="bars",
        definitions=(_D(
            "region", "Région",
            "Région de résidence de la famille (celle de la mère, sinon du père, sinon d'un autre adulte), séjours "
            "actifs ; sans région connue, le séjour n'est pas compté."),)),
    ReportTable(
        "mandate", gettext_lazy("Mandat de protection"), "origins", _coded("mandate", "mandate"), chart="bars",
        sheet="Mandat de protection",
        definitions=(_D("mandate", "Mandat de protection", "Mandat de protection du séjour, séjours actifs."),)),
    ReportTable(
        "length_of_stay", gettext_lazy("Durée de séjour (jours)"), "stays", length_of_stay, chart="columns",
        sheet="Durée de séjour",
        definitions=(_D(
            "length_of_stay_days", "Durée de séjour",
            "Jours de l'admission à la sortie, ou à la fin de la période si le séjour continue (à la date du "
            "rapport si la période la dépasse), pour les séjours actifs : nombre, médiane, moyenne, minimum, "
            "maximum."),)),
    ReportTable(
        "occupancy", gettext_lazy("Occupation (enfants présents en moyenne par mois)"), "stays", occupancy,
        sheet="Occupation",
        chart="occupancy", counts=False,
        definitions=(_D(
            "occupancy_rate", "Taux d'occupation",
            "Journées-enfants dans la période / (places × jours de la période), structures résidentielles "
            "seulement, l'une et l'autre comptées jusqu'à la date du rapport si la période la dépasse ; le jour de "
            "sortie est une place libre, un séjour d'un seul jour compte un jour (la règle des places à "
            "l'admission)."),)),
    ReportTable(
        "requests", gettext_lazy("Demandes reçues"), "requests", requests, sheet="Demandes", chart="columns",
        sheet_chart=SheetChart("col", (2, 3), "Demandes"),
        # Reçues = acceptées + liste d'attente + refusées + sans décision; éligibles and admises are subsets.
        layout=(Block(cols=(1, 2), rows=(2, 4, 5, 6), total_row=0),
                Block(cols=(1, 2), rows=(1,), col_totals=NONE), Block(cols=(1, 2), rows=(3,), col_totals=NONE)),
        definitions=(_D(
            "requests", "Demandes",
            "Demandes reçues dans la période et leur décision : acceptées, liste d'attente, refusées, sans "
            "décision."),)),
    ReportTable(
        "refusal_reason", gettext_lazy("Motifs de refus"), "requests", _coded("refusal_reason", "refusal_reason"),
        sheet="Motifs de refus",
        chart="bars",
        # Refusals by reason add up to the "Refusées" line of the requests table (linked in suppression).
        layout=(Block(cols=(1, 2), col_totals=SHOWN),),
        definitions=(_D("refusal_reason", "Motifs de refus",
                        "Motif des demandes reçues dans la période et refusées."),)),
    ReportTable(
        "families", gettext_lazy("Familles"), OTHER, families, sheet="Familles",
        # Suivies = nouvelles + poursuivies; clôturées is a subset.
        layout=(Block(cols=(1, 2), rows=(1, 2), total_row=0), Block(cols=(1, 2), rows=(3,), col_totals=NONE)),
        definitions=(_D(
            "families", "Familles",
            "Suivies : familles ayant un séjour actif ; nouvelles : suivies dont la première demande à ces "
            "structures a été reçue dans la période ; poursuivies : suivies moins nouvelles ; clôturées : suivies "
            "dont un séjour a pris fin dans la période et qui n'ont plus de séjour en cours à la fin de la "
            "période."),)),
    ReportTable(
        "parent_age", gettext_lazy("Âge des parents au début du séjour"), "parents", parent_age, chart="parent_age",
        sheet="Âge des parents",
        definitions=(_D(
            "parent_age_band", "Âge des parents",
            "Mères et pères des familles dont un séjour a commencé dans la période, une fois chacun, par âge en "
            "années révolues au début du premier de ces séjours ; sans date de naissance : « inconnu »."),)),
    ReportTable(
        "nationalities", gettext_lazy("Nationalités des parents (les plus fréquentes de la période)"), OTHER,
        nationalities, sheet="Nationalités des parents", layout=(Block(cols=(1, 2, 3, 4), col_totals=NONE),),
        definitions=(_D(
            "nationalities", "Nationalités",
            "Les mêmes mères et pères : nombre de nationalités distinctes et les cinq plus fréquentes (à égalité, "
            "par ordre des codes)."),)),
    ReportTable(
        "gestational", gettext_lazy("Âge gestationnel à la naissance"), "parents", gestational, chart="columns",
        sheet="Âge gestationnel",
        definitions=(_D(
            "gestational_category", "Âge gestationnel",
            "Enfants dont un séjour a commencé dans la période, une fois chacun (au premier de ces séjours) : "
            "prématuré (moins de 37 SA), à terme (37 à 41), post-terme (42 et plus), inconnu."),)),
    ReportTable(
        "interventions", gettext_lazy("Interventions par type"), "activity",
        _coded("interventions", "intervention_kind"), sheet="Interventions", chart="bars",
        definitions=(_D("interventions", "Interventions",
                        "Interventions des structures datées dans la période, par type (hors séjours saisis par "
                        "erreur)."),)),
    ReportTable(
        "activity", gettext_lazy("Signalements et réunions de synthèse"), OTHER, activity,
        sheet="Signalements et synthèses",
        layout=(Block(cols=(1, 2), col_totals=NONE),),  # events: their sums are published nowhere
        definitions=(
            _D("signalements", "Signalements",
               "Signalements des structures faits dans la période (hors séjours saisis par erreur)."),
            _D("synthesis_meetings", "Réunions de synthèse",
               "Réunions de synthèse tenues dans la période pour les séjours des structures."))),
    ReportTable(
        "outcome_measures", gettext_lazy("Évolution entre l'entrée et la sortie, par mesure"), "outcomes",
        outcome_measures, sheet="Évolution par mesure", chart="outcome_pairs",
        # The pairs and their statistics; recovered/deteriorated and improved/unchanged/worse are counts of the
        # same pairs (the last three add up to them); then the previous period's pairs and mean change.
        layout=(Means(1, (2, 3, 4, 5, 6, 7)), Means(13, (14,)),
                Block(cols=(10, 11, 12), total_col=1, col_totals=NONE, grand_total=NONE),
                Block(cols=(8, 9), col_totals=NONE, grand_total=NONE)),
        definitions=(
            _D("outcomes", "Évolution (entrée → sortie)",
               "Séjours terminés dans la période. Valeur d'entrée : la première évaluation datée de l'admission à "
               "l'admission + 42 jours ; de sortie : la dernière datée de la sortie − 42 jours à la sortie + 14 "
               "jours ; deux évaluations différentes à au moins 28 jours d'écart. Mesures : Bayley (scores "
               "composites cognitif, langage, moteur, lus à l'âge corrigé), PIR-GAS, ADBB, EPDS de chaque parent "
               "admis. Par mesure : nombre de paires, moyennes, évolution moyenne (sortie − entrée) et son "
               "intervalle de confiance à 95 % (loi de Student), taille d'effet (évolution moyenne / écart-type "
               "des évolutions), sortis et entrés dans la zone clinique, améliorés, inchangés, aggravés."),
            _D("bayley_change", "Évolution Bayley",
               "La partie Bayley de l'évolution, avec les mêmes fenêtres, pour les cinq scores composites (dont "
               "socio-émotionnel et comportement adaptatif) : nombre d'enfants, moyennes et évolution moyenne."))),
    ReportTable(
        "outcome_breakdown", gettext_lazy("Évolution par sous-groupe"), "outcomes", outcome_breakdown,
        sheet="Évolution par sous-groupe", chart="forest",
        # The groups of one measure and one breakdown share the pairs of that measure (published beside).
        layout=(Pivot(row_totals=KNOWN, col_totals=NONE, count_col=2, stat_cols=(3, 4, 5, 6, 7)),),
        definitions=(_D(
            "outcomes.by", "Évolution par sous-groupe",
            "Les mêmes paires selon l'admission avec ou sans le père (père seul, les deux parents tout le séjour "
            "ou en partie / les autres), l'âge à l'admission (tranches de la pyramide), la durée de séjour (91 "
            "jours ou moins, 92 à 182, plus de 182) et le mandat (sans mandat / judiciaire ou administratif) ; un "
            "sous-groupe sous le seuil des petits effectifs n'a pas de moyenne."),)),
    ReportTable(
        "outcome_disposition", gettext_lazy("Devenir des séjours terminés"), "outcomes", outcome_disposition,
        sheet="Devenir", chart="bars", sheet_chart=SheetChart("bar", (2, 3), "Séjours"),
        # Overlapping subsets: their sums are published nowhere.
        layout=(Block(cols=(1, 2), col_totals=NONE, grand_total=NONE),),
        definitions=(_D(
            "outcomes.disposition", "Devenir",
            "Séjours terminés dans la période : fins prévues, retours à la maison avec au moins un parent, "
            "placements, séjours avec un signalement daté pendant le séjour ; réadmissions : parmi les séjours "
            "terminés au moins 365 jours avant la date du rapport, ceux dont l'enfant a commencé un autre séjour "
            "dans une structure de l'organisation dans les 365 jours."),)),
    ReportTable(
        "contacts_without_file", gettext_lazy("Contacts sans dossier"), "activity", contacts_without_file,
        sheet="Contacts sans dossier",
        # Callers add up to the contacts, and so do outcomes.
        layout=(Block(cols=(1, 2), rows=(1, 2, 3), total_row=0), Block(cols=(1, 2), rows=(4, 5, 6), total_row=0)),
        definitions=(_D(
            "contacts_without_file", "Contacts sans dossier",
            "Appels et demandes datés dans la période, traités sans ouvrir de dossier (aucun nom n'est gardé) : "
            "nombre, par appelant (parent, proche, professionnel du réseau) et par suite donnée (conseil, "
            "orientation ailleurs, demande ouverte)."),)),
)


# ---------------------------------------------------------------- what derives from it (read at call time)


def build_tables(report) -> dict[str, Table]:
    """Every declared table of the report, in the declaration's order (the workbook's sheet order)."""
    return {spec.name: spec.table(report) for spec in TABLES}


def declared(name: str) -> ReportTable | None:
    return next((spec for spec in TABLES if spec.name == name), None)


def table_names() -> tuple[str, ...]:
    """The codes of the tables: the CSV downloads and the workbook's table sheets, in order."""
    return tuple(spec.name for spec in TABLES)


def sheet_names() -> tuple[str, ...]:
    """Every sheet a funder profile may name, in the workbook's order."""
    return (*table_names(), LINE_LIST)


def page_sections() -> list[tuple[Section, list[str]]]:
    """The page's sections with the tables of each, in the declaration's order."""
    return [(section, [spec.name for spec in TABLES if spec.section == section.key]) for section in SECTIONS]


def other_tables() -> list[str]:
    """The small tables shown under the sections."""
    return [spec.name for spec in TABLES if spec.section == OTHER]


def cover_definitions() -> tuple[Definition, ...]:
    """The sentences of the workbook cover: the report's, then each table's, in the sheets' order."""
    return (*REPORT_DEFINITIONS, *(definition for spec in TABLES for definition in spec.definitions))
