"""The report as tables of numbers: what the pages show beside each chart, the CSV downloads and
the workbook's sheets. Pure: a Report in, tables out; labels in the active language."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards import indicators as ind
from unit.ages import POST_TERM_FROM_WEEKS, PRETERM_BEFORE_WEEKS
from unit.labels import label


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


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _num(value) -> str:
    return "—" if value is None else f"{value:g}"


def _pairs(current: list[dict], previous: list[dict], left: str, right: str, left_label, right_label) -> list[list]:
    """Flows (left → right, n) of the period beside the same flows of the previous period."""
    before = {(row[left], row[right]): row["n"] for row in previous}
    now = {(row[left], row[right]): row["n"] for row in current}
    keys = sorted(set(now) | set(before), key=lambda k: (-now.get(k, 0), -before.get(k, 0), k[0] or "", k[1] or ""))
    return [[left_label(a), right_label(b), now.get((a, b), 0), before.get((a, b), 0)] for a, b in keys]


def _coded(name: str, title: str, vocabulary: str, current: dict, previous: dict) -> Table:
    codes = sorted(set(current) | set(previous), key=lambda c: (-current.get(c, 0), c))
    rows = [[label(vocabulary, code) if vocabulary else code, current.get(code, 0), previous.get(code, 0)]
            for code in codes]
    return Table(name, title, [_("Catégorie"), _("Période"), _("Période précédente")], rows, vocabulary=vocabulary)


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


def build_tables(report) -> dict[str, Table]:
    cur, prev = report.indicators, report.previous
    tables: dict[str, Table] = {}
    tables["age_pyramid"] = Table(
        "age_pyramid", _("Âge à l'admission et sexe"), [_("Tranche d'âge"), _("Filles"), _("Garçons"), _("Total"),
                                                         _("Total période précédente")],
        [[str(BAND_LABELS[band]), cur["age_band_by_sex"][band]["F"], cur["age_band_by_sex"][band]["M"],
          cur["age_band_by_sex"][band]["F"] + cur["age_band_by_sex"][band]["M"],
          prev["age_band_by_sex"][band]["F"] + prev["age_band_by_sex"][band]["M"]] for band in ind.AGE_BANDS],
        note=_("Moins de 6 mois : %(a)s (précédente %(b)s) · moins d'un an : %(c)s (précédente %(d)s) · "
               "filles/garçons : %(f)s/%(m)s") % {
            "a": _pct(cur["share_under_6_months"]), "b": _pct(prev["share_under_6_months"]),
            "c": _pct(cur["share_under_1_year"]), "d": _pct(prev["share_under_1_year"]),
            "f": cur["children_by_sex"]["F"], "m": cur["children_by_sex"]["M"]},
    )
    older, polder = report.series["older_age_band_by_sex"], report.previous_series["older_age_band_by_sex"]
    tables["older_children"] = Table(
        "older_children", _("Enfants de 3 ans et plus à l'admission (détail de « 36 mois et plus »)"),
        [_("Âge"), _("Filles"), _("Garçons"), _("Total"), _("Total période précédente")],
        [[str(OLDER_BAND_LABELS[band]), older[band]["F"], older[band]["M"], older[band]["F"] + older[band]["M"],
          polder[band]["F"] + polder[band]["M"]] for band in ind.OLDER_AGE_BANDS],
        note=_("Âge en années révolues à l'admission ; ces enfants forment la ligne « 36 mois et plus » de la "
               "pyramide."))
    tables["admission_mode"] = Table(
        "admission_mode", _("Admission avec le(s) parent(s)"), [_("Mode"), _("Période"), _("Période précédente")],
        [[str(MODE_LABELS[m]), cur["admission_mode"][m], prev["admission_mode"][m]] for m in MODE_LABELS],
        note=_("Part des admissions avec le père : %(a)s (période précédente %(b)s)") % {
            "a": _pct(cur["share_with_father"]), "b": _pct(prev["share_with_father"])},
    )
    tables["diagnosis_entry_exit"] = Table(
        "diagnosis_entry_exit", _("Diagnostics de l'enfant, entrée → sortie"),
        [_("Entrée"), _("Sortie"), _("Enfants"), _("Période précédente")],
        _pairs(cur["diagnosis_entry_exit"], prev["diagnosis_entry_exit"], "entry", "exit",
               lambda code: code or _("non renseigné"), lambda code: code or _("non renseigné")))
    tables["parent_diagnoses"] = _coded("parent_diagnoses", _("Diagnostics des parents admis"), "",
                                        cur["parent_diagnoses"], prev["parent_diagnoses"])
    tables["residence_flow"] = Table(
        "residence_flow", _("Lieu de vie avant → après (séjours terminés)"),
        [_("Avant"), _("Après"), _("Enfants"), _("Période précédente")],
        _pairs(report.series["residence_flow"], report.previous_series["residence_flow"], "before", "after",
               lambda code: label("residence_before", code), lambda code: label("residence_after", code)))
    tables["residence_before"] = _coded("residence_before", _("Lieu de vie avant le séjour"), "residence_before",
                                        cur["residence_before"], prev["residence_before"])
    tables["residence_after"] = _coded("residence_after", _("Lieu de vie après le séjour"), "residence_after",
                                       cur["residence_after"], prev["residence_after"])
    tables["discharge_kind"] = _coded("discharge_kind", _("Type de fin de séjour"), "discharge_kind",
                                      cur["discharge_kind"], prev["discharge_kind"])
    tables["referrer_category"] = _coded("referrer_category", _("Réseau envoyeur"), "referrer_category",
                                         cur["referrer_category"], prev["referrer_category"])
    tables["region"] = _coded("region", _("Région de résidence de la famille"), "region", cur["region"], prev["region"])
    tables["mandate"] = _coded("mandate", _("Mandat de protection"), "mandate", cur["mandate"], prev["mandate"])
    los, plos = cur["length_of_stay_days"], prev["length_of_stay_days"]
    bins, pbins = report.series["length_of_stay_bins"], report.previous_series["length_of_stay_bins"]
    tables["length_of_stay"] = Table(
        "length_of_stay", _("Durée de séjour (jours)"), [_("Durée"), _("Période"), _("Période précédente")],
        [[str(name), n, pn] for name, n, pn in zip(STAY_LENGTH_LABELS, bins, pbins, strict=True)],
        note=_("Séjours : %(n)s (précédente %(pn)s) · médiane %(med)s j (%(pmed)s) · moyenne %(mean)s j (%(pmean)s) "
               "· de %(min)s à %(max)s j (%(pmin)s à %(pmax)s) ; séjours en cours comptés jusqu'à la fin de la "
               "période, ou jusqu'à la date du rapport si la période la dépasse") % {
            "n": los["n"], "pn": plos["n"], "med": _num(los["median"]), "pmed": _num(plos["median"]),
            "mean": _num(los["mean"]), "pmean": _num(plos["mean"]), "min": _num(los["min"]),
            "max": _num(los["max"]), "pmin": _num(plos["min"]), "pmax": _num(plos["max"])})
    tables["occupancy"] = Table(
        "occupancy", _("Occupation (enfants présents en moyenne par mois)"),
        [_("Mois"), _("Enfants présents (moyenne)"), _("Places")],
        [[m["month"], "—" if m["mean_children"] is None else m["mean_children"], m["capacity"]]
         for m in report.series["occupancy_by_month"]],
        note=_("Taux d'occupation : %(a)s (période précédente %(b)s)") % {
            "a": _pct(cur["occupancy_rate"]), "b": _pct(prev["occupancy_rate"])}, counts=False)
    req, preq = cur["requests"], prev["requests"]
    funnel, pfunnel = report.series["funnel"], report.previous_series["funnel"]
    tables["requests"] = Table(
        "requests", _("Demandes reçues"), [_("Étape"), _("Période"), _("Période précédente")],
        [[_("Reçues"), req["received"], preq["received"]], [_("Éligibles"), funnel["eligible"], pfunnel["eligible"]],
         [_("Acceptées"), req["accepted"], preq["accepted"]], [_("Admises"), funnel["admitted"], pfunnel["admitted"]],
         [_("Liste d'attente"), req["waiting_list"], preq["waiting_list"]],
         [_("Refusées"), req["refused"], preq["refused"]], [_("Sans décision"), req["pending"], preq["pending"]]])
    tables["refusal_reason"] = _coded("refusal_reason", _("Motifs de refus"), "refusal_reason",
                                      cur["refusal_reason"], prev["refusal_reason"])
    fam, pfam = cur["families"], prev["families"]
    tables["families"] = Table(
        "families", _("Familles"), [_("Familles"), _("Période"), _("Période précédente")],
        [[_("Suivies"), fam["followed"], pfam["followed"]], [_("Nouvelles"), fam["new"], pfam["new"]],
         [_("Poursuivies"), fam["continuing"], pfam["continuing"]], [_("Clôturées"), fam["closed"], pfam["closed"]]])
    bands, pbands = cur["parent_age_band"], prev["parent_age_band"]
    tables["parent_age"] = Table(
        "parent_age", _("Âge des parents au début du séjour"),
        [_("Âge"), _("Mères"), _("Pères"), _("Mères, période précédente"), _("Pères, période précédente")],
        [[band if band != "unknown" else _("inconnu"), bands["mother"][band], bands["father"][band],
          pbands["mother"][band], pbands["father"][band]] for band in ind.PARENT_AGE_BANDS])
    nat, pnat = cur["nationalities"], prev["nationalities"]
    top = {role: dict(nat[role]["top"]) for role in ("mother", "father")}
    ptop = {role: dict(pnat[role]["top"]) for role in ("mother", "father")}
    codes = sorted(set(top["mother"]) | set(top["father"]), key=lambda c: (-(top["mother"].get(c, 0)
                                                                              + top["father"].get(c, 0)), c))
    tables["nationalities"] = Table(
        "nationalities", _("Nationalités des parents (les plus fréquentes de la période)"),
        [_("Nationalité"), _("Mères"), _("Pères"), _("Mères, période précédente"), _("Pères, période précédente")],
        [[code, top["mother"].get(code, 0), top["father"].get(code, 0), ptop["mother"].get(code),
          ptop["father"].get(code)] for code in codes],
        note=_("Nationalités distinctes : %(m)s chez les mères, %(f)s chez les pères (période précédente : %(pm)s "
               "et %(pf)s). Période précédente : vide quand la nationalité n'y était pas parmi les plus "
               "fréquentes.") % {"m": nat["mother"]["distinct"], "f": nat["father"]["distinct"],
                                 "pm": pnat["mother"]["distinct"], "pf": pnat["father"]["distinct"]})
    gest, pgest = cur["gestational_category"], prev["gestational_category"]
    weeks = {"preterm": PRETERM_BEFORE_WEEKS, "last_term": POST_TERM_FROM_WEEKS - 1, "post_term": POST_TERM_FROM_WEEKS}
    gest_labels = {"preterm": _("Prématuré (< %(preterm)s SA)") % weeks,
                   "term": _("À terme (%(preterm)s–%(last_term)s SA)") % weeks,
                   "post_term": _("Post-terme (≥ %(post_term)s SA)") % weeks, "unknown": _("Inconnu")}
    tables["gestational"] = Table(
        "gestational", _("Âge gestationnel à la naissance"), [_("Catégorie"), _("Période"), _("Période précédente")],
        [[gest_labels[k], gest[k], pgest[k]] for k in gest_labels])
    tables["interventions"] = _coded("interventions", _("Interventions par type"), "intervention_kind",
                                     cur["interventions"], prev["interventions"])
    tables["activity"] = Table(
        "activity", _("Signalements et réunions de synthèse"), [_("Activité"), _("Période"), _("Période précédente")],
        [[_("Signalements"), cur["signalements"], prev["signalements"]],
         [_("Réunions de synthèse"), cur["synthesis_meetings"], prev["synthesis_meetings"]]])
    names = {"cog": _("Cognitif"), "lang": _("Langage"), "motor": _("Moteur"), "se": _("Socio-émotionnel"),
             "ab": _("Comportement adaptatif")}
    pbay = prev["bayley_change"]
    tables["bayley_change"] = Table(
        "bayley_change", _("Bayley : scores composites à l'entrée et à la sortie"),
        [_("Composite"), _("Enfants"), _("Moyenne entrée"), _("Moyenne sortie"), _("Évolution moyenne"),
         _("Enfants, période précédente"), _("Évolution moyenne, période précédente")],
        [[names[c], v["n"], v["entry_mean"], v["exit_mean"], v["mean_change"], pbay[c]["n"], pbay[c]["mean_change"]]
         for c, v in cur["bayley_change"].items()], counts=False)
    return tables
