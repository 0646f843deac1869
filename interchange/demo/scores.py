"""The demo's assessments: Bayley, ADBB, PIR-GAS and EPDS, drawn around plausible norms and changes."""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Sequence
from datetime import date

from django.conf import settings

from admissions.models import Adult, Child, Stay
from assessments import instruments
from assessments import services as assessment_services
from assessments.models import Assessment
from interchange.demo.context import Context, between, in_days, pick
from interchange.demo.plans import FacilityPlan
from unit.ages import corrected_age_days, is_preterm

_NORMS = statistics.NormalDist(100, 15)
# Relative weight of each EPDS item (1–9) in the points of a total: anxiety, coping and sadness weigh most.
_EPDS_ITEM_WEIGHTS = (2, 1, 3, 4, 3, 3, 2, 3, 2)
# ADBB items (facial expression … attractiveness): eye contact, vocalisations and relationship weigh most.
_ADBB_ITEM_WEIGHTS = (3, 4, 2, 1, 3, 2, 4, 2)
_ALERT_NOTES = (
    "Entretien avec la mère le jour même : pas de projet suicidaire ; plan de sécurité établi avec elle.",
    "Évaluation psychiatrique en urgence ; suivi psychiatrique renforcé et surveillance rapprochée.",
    "Psychiatre de l'équipe et médecin traitant informés ; réévaluation à 48 h, idées passives sans projet.",
    "Entretien avec la psychologue de référence ; le conjoint et le réseau sont informés avec l'accord de la mère.",
)
# Mean change of the Bayley scaled scores (and PIR-GAS points) from entry to exit, by discharge kind.
_BAYLEY_GAIN = {"planned": 1.2, "early_family": 0.8, "early_team": 0.2, "transfer": 0.5, "placement": 0.1}
_PIRGAS_GAIN = {"planned": 15, "early_family": 8, "early_team": 1, "transfer": 5, "placement": -2}


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _norm_age_fits(child: Child, on: date, code: str) -> bool:
    """Whether the child's age on `on` (corrected when the instrument corrects) is in the instrument's range."""
    instrument = instruments.get(code)
    age = (on - child.birth_date).days
    if age < 0:
        return False
    if instrument.corrects_for_prematurity:
        corrected = corrected_age_days(child.birth_date, on, child.gestational_weeks, child.gestational_days,
                                       until_months=settings.CORRECTED_AGE_UNTIL_MONTHS)
        if corrected is not None:
            age = corrected
    return instrument.in_age_range(age)


def _day_in(rng: random.Random, first: date, last: date, fits: Callable[[date], bool] | None = None) -> date | None:
    """A random day of [first, last] for which `fits` holds, None when there is none."""
    days = [first + in_days(n) for n in range((last - first).days + 1)]
    if fits is not None:
        days = [d for d in days if fits(d)]
    return rng.choice(days) if days else None


def _record(ctx: Context, stay: Stay, code: str, on: date, scores: dict, *, child: Child | None = None,
            adult: Adult | None = None) -> Assessment:
    assessment = assessment_services.assessment_record(
        user=ctx.users["therapist"], stay=stay, instrument_code=code, assessed_on=on, scores=scores,
        child=child, adult=adult)
    ctx.count("Assessment")
    return assessment


def stay_assessments(ctx: Context, plan: FacilityPlan, stays: list[tuple[Stay, date | None, str]], present: list[Adult],
                 until: date) -> None:
    """Bayley-4, ADBB and PIR-GAS of each child, EPDS of the admitted mother: as the unit's rules expect."""
    rng = ctx.rng
    pbu = plan.kind == "parent_baby_unit"
    first, discharged_on, kind = stays[0]
    for stay, _d, _k in stays:
        _bayley(ctx, stay, discharged_on, kind, until, share=0.92 if pbu else 0.45)
        _adbb(ctx, stay, discharged_on, until, share=0.45 if pbu else 0.25)
        if pbu and rng.random() < 0.9:
            _pirgas(ctx, stay, discharged_on, kind, until)
    for adult in present:
        if adult.role == "mother" and rng.random() < 0.93:
            # The mother is admitted with the child: her presence starts on the admission day.
            _epds(ctx, first, adult, first.admitted_on, discharged_on, until)


def _bayley_scores(rng: random.Random, subtests: dict[str, int], *, questionnaires: bool) -> dict:
    """Composites consistent with the scaled scores (≈ 100 + 5 × (mean − 10)), percentile ranks from them."""
    scores: dict[str, int | float] = dict(subtests)
    cog = 100 + 5 * (subtests["cog_ss"] - 10) + rng.gauss(0, 1.2)
    lang = 100 + 5.5 * ((subtests["rc_ss"] + subtests["ec_ss"]) / 2 - 10) + rng.gauss(0, 2.5)
    motor = 100 + 5.5 * ((subtests["fm_ss"] + subtests["gm_ss"]) / 2 - 10) + rng.gauss(0, 2.5)
    composites = {"cog": _clamp(cog, 40, 160), "lang": _clamp(lang, 40, 160), "motor": _clamp(motor, 40, 160)}
    if questionnaires:
        level = statistics.fmean(subtests.values()) - 10
        composites["se"] = _clamp(rng.gauss(93 + 2 * level, 13), 40, 160)
        composites["ab"] = _clamp(rng.gauss(95 + 2.5 * level, 12), 40, 160)
    scores.update(composites)
    if rng.random() < 0.8:
        for code, value in composites.items():
            scores[f"{code}_pr"] = min(max(round(_NORMS.cdf(value) * 100, 1), 0.1), 99.9)
    return scores


def _entry_day(ctx: Context, stay: Stay, code: str, until: date, *,
               share: float) -> tuple[date, Callable[[date], bool]] | None:
    """For a `share` of the stays, a day in the first 30 where the instrument's norms fit the child's age (and
    that test, for a later passation), or None."""
    rng, child = ctx.rng, stay.child
    if rng.random() >= share:
        return None
    admit_on = stay.admitted_on

    def fits(d: date) -> bool:
        return _norm_age_fits(child, d, code)

    entry_on = _day_in(rng, admit_on + in_days(2), admit_on + in_days(30), fits)
    if entry_on is None or entry_on > until:
        return None
    return entry_on, fits


def _bayley(ctx: Context, stay: Stay, discharged_on: date | None, kind: str, until: date, *, share: float) -> None:
    """Entry Bayley-4 within 30 days of admission; before discharge (or the planned end) after ~2 months."""
    rng, child, admit_on = ctx.rng, stay.child, stay.admitted_on
    entry = _entry_day(ctx, stay, "bayley4", until, share=share)
    if entry is None:
        return
    entry_on, fits = entry
    weeks = child.gestational_weeks or 39
    level = rng.gauss(-1.0, 2.3) - (1.2 if weeks < 32 else (0.5 if is_preterm(weeks) else 0.0))
    offsets = {"cog_ss": 0.0, "rc_ss": -0.2, "ec_ss": -0.5, "fm_ss": 0.2, "gm_ss": 0.1}
    entry = {code: _clamp(10 + level + offset + rng.gauss(0, 1.6), 1, 19) for code, offset in offsets.items()}
    questionnaires = rng.random() < 0.4
    _record(ctx, stay, "bayley4", entry_on, _bayley_scores(rng, entry, questionnaires=questionnaires), child=child)

    # Exit: in the 30 days before discharge, or before the planned end while the stay is open.
    if discharged_on is not None:
        end, share_exit = discharged_on, 0.85
    elif stay.planned_end_on is not None:
        end, share_exit = min(stay.planned_end_on, until), 0.5
    else:
        return
    if (end - admit_on).days < 60 or rng.random() >= share_exit:
        return
    window_start = max(end - in_days(30), entry_on + in_days(30))
    if stay.planned_end_on is not None and discharged_on is None:
        window_start = max(window_start, stay.planned_end_on - in_days(30))
    exit_on = _day_in(rng, window_start, end, fits)
    if exit_on is None:
        return
    expected = _BAYLEY_GAIN.get(kind, 0.8) if discharged_on is not None else 0.9
    gain = rng.gauss(expected, 0.9) + 0.5 * ctx.gain_deficit
    ctx.gain_deficit += expected - gain
    later = {code: _clamp(value + gain + rng.gauss(0, 0.6), 1, 19) for code, value in entry.items()}
    _record(ctx, stay, "bayley4", exit_on, _bayley_scores(rng, later, questionnaires=questionnaires), child=child)


def _items(rng: random.Random, total: int, weights: Sequence[int], top: int) -> list[int]:
    """Spread `total` points over items scored 0–`top`, the heavier items first."""
    items = [0] * len(weights)
    for _point in range(min(total, top * len(items))):
        free = [i for i, value in enumerate(items) if value < top]
        items[rng.choices(free, [weights[i] for i in free])[0]] += 1
    return items


def _adbb(ctx: Context, stay: Stay, discharged_on: date | None, until: date, *, share: float) -> None:
    """ADBB (2–24 months) in the first month, again before discharge for some."""
    rng, child, admit_on = ctx.rng, stay.child, stay.admitted_on
    entry = _entry_day(ctx, stay, "adbb", until, share=share)
    if entry is None:
        return
    entry_on, fits = entry
    total = rng.randint(5, 15) if rng.random() < 0.35 else rng.randint(0, 4)
    codes = ("a01", "a02", "a03", "a04", "a05", "a06", "a07", "a08")
    items = _items(rng, total, _ADBB_ITEM_WEIGHTS, 4)
    _record(ctx, stay, "adbb", entry_on, dict(zip(codes, items, strict=True)), child=child)
    if discharged_on is None or (discharged_on - admit_on).days < 60 or rng.random() >= 0.6:
        return
    exit_on = _day_in(rng, max(discharged_on - in_days(21), entry_on + in_days(30)), discharged_on, fits)
    if exit_on is None:
        return
    later = _clamp(total * rng.uniform(0.3, 1.1) + rng.choice((-1, 0, 0, 1)), 0, 32)
    items = _items(rng, later, _ADBB_ITEM_WEIGHTS, 4)
    _record(ctx, stay, "adbb", exit_on, dict(zip(codes, items, strict=True)), child=child)


def _pirgas(ctx: Context, stay: Stay, discharged_on: date | None, kind: str, until: date) -> None:
    """PIR-GAS in the first month and in the last two weeks: the relationship usually better at exit."""
    rng, admit_on = ctx.rng, stay.admitted_on
    entry_on = _day_in(rng, admit_on + in_days(3), admit_on + in_days(30))
    if entry_on is None or entry_on > until:
        return
    rounded = rng.random() < 0.5  # some clinicians rate in steps of five
    def rating(value: float) -> int:
        return _clamp(round(value / 5) * 5 if rounded else value, 5, 95)
    entry = rating(rng.gauss(50, 11))
    _record(ctx, stay, "pirgas", entry_on, {"score": entry}, child=stay.child)
    if discharged_on is None or (discharged_on - admit_on).days < 45 or rng.random() >= 0.85:
        return
    exit_on = _day_in(rng, max(discharged_on - in_days(14), entry_on + in_days(14)), discharged_on)
    if exit_on is None:
        return
    later = rating(entry + rng.gauss(_PIRGAS_GAIN.get(kind, 5), 9))
    _record(ctx, stay, "pirgas", exit_on, {"score": later}, child=stay.child)


def _epds_total(rng: random.Random) -> int:
    """~30% probable depression (≥ 13), ~15% possible (10–12), the rest below the threshold."""
    roll = rng.random()
    if roll < 0.30:
        return 13 + min(int(rng.expovariate(1 / 4.5)), 14)
    if roll < 0.45:
        return rng.randint(10, 12)
    return int(rng.triangular(0, 9.99, 5))


def _epds_items(ctx: Context, total: int, *, harm: bool | None = None) -> dict[str, int]:
    """Items giving `total`; item 10 above 0 in ~5% overall, mostly with high totals (unless `harm` is given)."""
    rng = ctx.rng
    if harm is None:
        # Drawn against the running deficit, so that even a small demo has its few alerts.
        ctx.harm_expected += 0.13 if total >= 13 else (0.04 if total >= 10 else 0.01)
        harm = rng.random() < ctx.harm_expected - ctx.harm_drawn
        ctx.harm_drawn += harm
    e10 = pick(rng, ((1, 75), (2, 20), (3, 5))) if harm else 0
    items = _items(rng, max(total - e10, 0), _EPDS_ITEM_WEIGHTS, 3)
    scores = {f"e{n:02d}": value for n, value in enumerate(items, start=1)}
    scores["e10"] = e10
    return scores


def _epds(ctx: Context, stay: Stay, mother: Adult, start: date, discharged_on: date | None, until: date) -> None:
    """EPDS within 14 days of the mother's presence start, repeated 2–5 weeks later for some positive screens."""
    rng = ctx.rng
    on = _day_in(rng, start, start + in_days(14))
    if on is None or on > until:
        return
    total = _epds_total(rng)
    _record_epds(ctx, stay, mother, on, _epds_items(ctx, total), discharged_on)
    if total >= 10 and rng.random() < 0.5:
        again = on + in_days(rng.randint(14, 35))
        if again <= until:
            total = _clamp(total + rng.gauss(-3, 3.5), 0, 30)
            _record_epds(ctx, stay, mother, again, _epds_items(ctx, total), discharged_on)
            on = again
    if discharged_on is None:
        ctx.current_epds.append((stay, mother, on, total))


def _record_epds(ctx: Context, stay: Stay, mother: Adult, on: date, scores: dict[str, int],
                 discharged_on: date | None) -> None:
    """Record; a self-harm alert is acknowledged with a note, but stays open on a current stay (two at most)."""
    rng = ctx.rng
    assessment = _record(ctx, stay, "epds", on, scores, adult=mother)
    if "self_harm" not in assessment.flags:
        return
    for alert in assessment.alerts.order_by("pk"):
        ctx.count("Alert")
        if discharged_on is None and ctx.open_alerts < 2:
            ctx.open_alerts += 1  # the team has not written its note yet
            continue
        if discharged_on is not None and rng.random() < 0.1:
            continue
        assessment_services.alert_acknowledge(user=ctx.users["therapist"], alert=alert,
                                              note=rng.choice(_ALERT_NOTES))


def open_alert_on_current_stay(ctx: Context) -> None:
    """When no current stay shows an open alert, a repeat EPDS of the most depressed current mother raises one."""
    if ctx.open_alerts or not ctx.current_epds:
        return
    candidates = [item for item in ctx.current_epds if (ctx.today - item[2]).days >= 14]
    if not candidates:
        return
    stay, mother, last_on, total = max(candidates, key=lambda item: (item[3], item[0].pk))
    on = between(ctx.rng, last_on + in_days(14), min(last_on + in_days(35), ctx.today))
    scores = _epds_items(ctx, max(total, 13) + ctx.rng.randint(0, 3), harm=True)
    _record_epds(ctx, stay, mother, on, scores, None)
