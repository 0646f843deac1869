"""One demo family: its dossier, adults and children, request and decision, stays, presence and care."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from admissions import services as adm
from admissions.eligibility import NOT_ELIGIBLE, Verdict
from admissions.models import AdmissionRequest, Adult, Child, Family, Stay
from interchange.demo.context import Context, Weighted, between, in_days, pick
from interchange.demo.plans import (
    ADULT_DIAGNOSES,
    ADULT_WEIGHTS,
    CHILD_DIAGNOSES,
    CHILD_ENTRY_WEIGHTS,
    CHILD_NO_DIAGNOSIS,
    CONTACT_TITLES,
    DISCHARGE_KINDS,
    FATHER_SHARE,
    FIRST_NAMES,
    LAST_NAMES,
    MEDIAN_WEIGHT,
    MEETING_ADAPTATIONS,
    MEETING_EVALUATIONS,
    MEETING_PARTICIPANTS,
    MOTHER_AGE_YEARS,
    OVERRIDE_REASONS,
    REFERRER_DIRECTORY,
    REFUSAL_FOR_FAILING,
    REFUSAL_WHEN_ELIGIBLE,
    RESIDENCE_AFTER,
    WITH_FATHER,
    FacilityPlan,
)
from interchange.demo.scores import stay_assessments
from unit.ages import PRETERM_BEFORE_WEEKS, is_preterm
from unit.models import Facility


@dataclass
class _ChildPlan:
    sex: str
    birth_date: date
    gestational_weeks: int | None
    gestational_days: int | None
    birth_weight_g: int | None


def _gestation(rng: random.Random) -> tuple[int | None, int | None, int | None]:
    """(weeks, days, weight in g); about 15% preterm, a few unknown."""
    roll = rng.random()
    if roll < 0.04:
        return None, None, (rng.randint(260, 400) * 10 if rng.random() < 0.5 else None)
    if roll < 0.19:
        weeks = pick(rng, ((28, 1), (29, 1), (30, 2), (31, 2), (32, 3), (33, 4), (34, 6), (35, 8), (36, 12)))
    elif roll < 0.975:
        weeks = pick(rng, ((37, 10), (38, 20), (39, 30), (40, 28), (41, 12)))
    else:
        weeks = 42
    weight = round(MEDIAN_WEIGHT[weeks] * rng.gauss(1.0, 0.11) / 10) * 10
    return weeks, rng.randint(0, 6), min(max(weight, 600), 5200)


def _child_plan(rng: random.Random, birth_date: date) -> _ChildPlan:
    weeks, days, weight = _gestation(rng)
    return _ChildPlan(rng.choice("FM"), birth_date, weeks, days, weight)


def _birth_at(due: date, weeks: int | None, days: int | None) -> date:
    """Birth date of a pregnancy due on `due` (40 weeks) ending at the given gestational age."""
    if weeks is None:
        return due
    return due - in_days(280 - (weeks * 7 + (days or 0)))


def _years_before(on: date, years: int, rng: random.Random) -> date:
    return on - in_days(round(years * 365.25) + rng.randint(0, 364))


def _reference(ctx: Context, plan: FacilityPlan, year: int) -> str:
    key = (plan.prefix, year)
    ctx.sequences[key] = ctx.sequences.get(key, 0) + 1
    return f"{plan.prefix}-{year}-{ctx.sequences[key]:03d}"


def _plan_children(rng: random.Random, plan: FacilityPlan, received_on: date,
                   admit_on: date) -> tuple[list[_ChildPlan], date | None, date, date]:
    """The children of a request, born before it or (pregnancy) due after it: (plans, due date, planned
    admission, admission day pushed after the birth and any neonatal care)."""
    due: date | None = None
    children_plan: list[_ChildPlan] = []
    if rng.random() < plan.prenatal_share:
        weeks_at_request = pick(rng, ((18, 2), (20, 3), (22, 3), (24, 5), (26, 10), (28, 15), (30, 18),
                                       (32, 18), (34, 16), (36, 10)))
        due = received_on + in_days((40 - weeks_at_request) * 7 - rng.randint(0, 6))
        child = _child_plan(rng, due)
        for _attempt in range(5):
            child.birth_date = _birth_at(due, child.gestational_weeks, child.gestational_days)
            if child.birth_date > received_on:
                break
            child = _child_plan(rng, due)
        child.birth_date = max(child.birth_date, received_on + in_days(1))
        children_plan.append(child)
        # The mother comes in around the 7th month; the child's stay starts after the birth.
        planned_on = received_on + in_days(rng.randint(7, 28))
        neonatal = (PRETERM_BEFORE_WEEKS - child.gestational_weeks) * 7 if is_preterm(child.gestational_weeks) else 0
        admit_on = max(admit_on, child.birth_date + in_days(rng.randint(3, 10) + neonatal))
    else:
        first, last = pick(rng, plan.child_age_months)
        age_days = rng.randint(max(3, round(first * 30.44)), round((last + 1) * 30.44) - 1)
        birth = received_on - in_days(age_days)
        children_plan.append(_child_plan(rng, birth))
        if rng.random() < plan.sibling_share:
            # An elder sibling still under about 32 months, else twins.
            gap = 0 if age_days > 590 or rng.random() < 0.3 else rng.randint(365, min(900, 960 - age_days))
            sibling = _child_plan(rng, birth - in_days(gap))
            if gap == 0:  # twins share the pregnancy
                sibling.gestational_weeks = children_plan[0].gestational_weeks
                sibling.gestational_days = children_plan[0].gestational_days
            children_plan.append(sibling)
        planned_on = admit_on
    return children_plan, due, planned_on, admit_on


def seed_family(ctx: Context, plan: FacilityPlan, facility: Facility, received_on: date) -> None:
    rng, today = ctx.rng, ctx.today
    clerk = ctx.users["admissions"]
    family = adm.family_create(user=clerk, facility=facility, reference=_reference(ctx, plan, received_on.year))
    ctx.count("Family")

    decided_on = received_on + in_days(rng.randint(2, 21) if rng.random() < 0.85 else rng.randint(22, 60))
    admit_on = decided_on + in_days(rng.randint(3, 35))

    children_plan, due, planned_on, admit_on = _plan_children(rng, plan, received_on, admit_on)
    oldest_birth = min(c.birth_date for c in children_plan)

    adults = _seed_adults(ctx, plan, family, received_on, oldest_birth)
    children: list[Child] = []
    if due is None:
        children = [_add_child(ctx, family, c, adults) for c in children_plan]

    request = _seed_request(ctx, plan, facility, family, received_on, children, due)
    decision = _decide(ctx, plan, facility, request, received_on, decided_on, planned_on)
    if decision != "accepted" or admit_on > today:
        return
    if due is not None:
        if children_plan[0].birth_date > today:
            return
        children = [_add_child(ctx, family, children_plan[0], adults)]
    stays = _admit(ctx, plan, facility, request, children, admit_on)
    if not stays:
        # Full on at least one day of the stay: the request waits for a place, never above capacity.
        adm.request_decide(user=clerk, request=request, decision="waiting_list", decided_on=min(admit_on, today),
                           note="Unité complète à la date d'admission prévue.",
                           override_reason=request.verdict_override_reason)
        return
    _follow_stay(ctx, plan, facility, family, stays, adults)


def _seed_adults(ctx: Context, plan: FacilityPlan, family: Family, on: date, oldest_birth: date) -> list[Adult]:
    rng, clerk = ctx.rng, ctx.users["admissions"]
    family_name = rng.choice(LAST_NAMES)
    region = pick(rng, plan.regions)
    nationality = pick(rng, plan.nationalities)
    has_mother = rng.random() < 0.97
    has_father = rng.random() < FATHER_SHARE or not has_mother
    if rng.random() < plan.minor_mother_share:
        mother_age = rng.randint(16, 17)
    else:
        first, last = pick(rng, MOTHER_AGE_YEARS)
        mother_age = rng.randint(first, last)
    mother_birth = _years_before(on, mother_age, rng)
    # A mother is at least 15 at her eldest child's birth.
    mother_birth = min(mother_birth, oldest_birth - in_days(round(15 * 365.25)))
    specs: list[tuple[str, str, str, date, str, str]] = []
    if has_mother:
        last_name = family_name if rng.random() < 0.5 else rng.choice(LAST_NAMES)
        specs.append(("mother", rng.choice(FIRST_NAMES["F"]), last_name, mother_birth, nationality, region))
    if has_father:
        father_age = min(max(mother_age + rng.randint(-2, 8), 17), 50)
        father_birth = min(_years_before(on, father_age, rng), oldest_birth - in_days(round(16 * 365.25)))
        father_nationality = nationality if rng.random() < 0.7 else pick(rng, plan.nationalities)
        father_region = region if rng.random() < 0.85 else pick(rng, plan.regions)
        specs.append(("father", rng.choice(FIRST_NAMES["M"]), family_name, father_birth, father_nationality,
                      father_region))
    if rng.random() < 0.06 or not has_mother:
        specs.append(("other_guardian", rng.choice(FIRST_NAMES["F"]), rng.choice(LAST_NAMES),
                      _years_before(on, rng.randint(30, 45), rng), nationality, region))
    adults = []
    for role, first_name, last_name, birth, nat, reg in specs:
        adults.append(adm.adult_add(user=clerk, family=family, role=role, first_name=first_name,
                                    last_name=last_name, birth_date=birth, nationality=nat, region=reg))
        ctx.count("Adult")
    return adults


def _add_child(ctx: Context, family: Family, plan: _ChildPlan, adults: list[Adult]) -> Child:
    fathers = [a for a in adults if a.role == "father"]
    last_name = (fathers or adults)[0].last_name
    child = adm.child_add(
        user=ctx.users["admissions"], family=family, first_name=ctx.rng.choice(FIRST_NAMES[plan.sex]),
        last_name=last_name, sex=plan.sex, birth_date=plan.birth_date, gestational_weeks=plan.gestational_weeks,
        gestational_days=plan.gestational_days, birth_weight_g=plan.birth_weight_g,
    )
    ctx.count("Child")
    return child


def _referrer(ctx: Context, country: str, category: str):
    names = REFERRER_DIRECTORY.get((country, category))
    if not names:
        return None
    name = ctx.rng.choice(names)
    key = (name, category)
    if key not in ctx.referrers:
        ctx.referrers[key] = adm.referrer_organisation_get_or_create(
            user=ctx.users["admissions"], name=name, category=category
        )
        ctx.count("ReferrerOrganisation")
    return ctx.referrers[key]


def _seed_request(ctx: Context, plan: FacilityPlan, facility: Facility, family: Family, received_on: date,
                  children: list[Child], due: date | None) -> AdmissionRequest:
    rng = ctx.rng
    category = pick(rng, plan.referrers)
    organisation = _referrer(ctx, plan.country, category)
    contact = ""
    if category in CONTACT_TITLES:
        contact = f"{CONTACT_TITLES[category]} {rng.choice(LAST_NAMES)}"
    elif organisation is not None and rng.random() < 0.6:
        contact = f"Mme {rng.choice(LAST_NAMES)}, assistante sociale"
    request = adm.request_create(
        user=ctx.users["admissions"], facility=facility, family=family, received_on=received_on,
        requester="family" if category == "family_self" else "professional",
        referrer_category=category, referrer_organisation=organisation, referrer_contact=contact,
        reason=pick(rng, plan.reasons), mandate=pick(rng, plan.mandates), children=children,
        expected_due_date=due,
    )
    ctx.count("AdmissionRequest")
    return request


def _decide(ctx: Context, plan: FacilityPlan, facility: Facility, request: AdmissionRequest, received_on: date,
            decided_on: date, planned_on: date) -> str:
    """Check the criteria and decide; returns the decision code, "" while the request is pending."""
    rng, today, clerk = ctx.rng, ctx.today, ctx.users["admissions"]
    pending = decided_on > today or (received_on >= today - in_days(45) and rng.random() < 0.6)
    if pending and rng.random() < 0.5:
        return ""
    answers = {code: "met" for code in ctx.manual_criteria[facility.pk]}
    roll = rng.random()
    if answers and roll < 0.13:
        answers[rng.choice(sorted(answers))] = "not_met" if roll < 0.07 else "unknown"
    verdict: Verdict = adm.request_check_eligibility(user=clerk, request=request, answers=answers,
                                                     planned_admission_on=planned_on)
    if pending:
        return ""
    refusal_reason = override = ""
    roll = rng.random()
    if verdict.verdict == "eligible":
        decision = "accepted" if roll < 0.72 else ("waiting_list" if roll < 0.87 else "refused")
        if decision == "refused":
            refusal_reason = pick(rng, REFUSAL_WHEN_ELIGIBLE)
    elif verdict.verdict == NOT_ELIGIBLE:
        decision = "refused" if roll < 0.85 else ("accepted" if roll < 0.95 else "waiting_list")
        refusal_reason = next((REFUSAL_FOR_FAILING[c] for c in verdict.failing if c in REFUSAL_FOR_FAILING),
                              "criteria_not_met")
    else:  # incomplete: the missing answers never came, or the team went ahead
        decision = "waiting_list" if roll < 0.35 else ("refused" if roll < 0.70 else "accepted")
        refusal_reason = pick(rng, (("no_follow_up", 70), ("family_refused", 30)))
    if decision != "refused":
        refusal_reason = ""
        if verdict.verdict != "eligible":
            override = rng.choice(OVERRIDE_REASONS)
    adm.request_decide(user=clerk, request=request, decision=decision, decided_on=decided_on,
                       refusal_reason=refusal_reason, override_reason=override)
    return decision


def _discharge_plan(ctx: Context, plan: FacilityPlan, admit_on: date) -> tuple[date, date | None, str]:
    """(planned end, discharge date or None while open, discharge kind)."""
    rng = ctx.rng
    length = rng.randint(*plan.stay_days)
    planned_end = admit_on + in_days(length)
    kind = pick(rng, DISCHARGE_KINDS)
    if kind == "planned":
        actual = length + rng.randint(-14, 21) + (rng.randint(30, 90) if rng.random() < 0.1 else 0)
    elif kind == "early_family":
        actual = round(length * rng.uniform(0.1, 0.7))
    else:
        actual = round(length * rng.uniform(0.2, 0.95))
    discharged_on = admit_on + in_days(max(actual, 3))
    return planned_end, (discharged_on if discharged_on <= ctx.today else None), kind


def _admit(ctx: Context, plan: FacilityPlan, facility: Facility, request: AdmissionRequest, children: list[Child],
           admit_on: date) -> list[tuple[Stay, date | None, str]]:
    """Admit every child of the request, or none when the unit is full (siblings come together)."""
    rng = ctx.rng
    planned_end, discharged_on, kind = _discharge_plan(ctx, plan, admit_on)
    residence_before = pick(rng, plan.residence_before)
    try:
        with transaction.atomic():
            stays = [
                adm.stay_admit(user=ctx.users["admissions"], facility=facility, child=child, request=request,
                               admitted_on=admit_on, residence_before=residence_before, mandate=request.mandate,
                               planned_end_on=planned_end)
                for child in children
            ]
    except adm.CapacityError:
        return []
    ctx.count("Stay", len(stays))
    return [(stay, discharged_on, kind) for stay in stays]


def _follow_stay(ctx: Context, plan: FacilityPlan, facility: Facility, family: Family,
                 stays: list[tuple[Stay, date | None, str]], adults: list[Adult]) -> None:
    """What happens during the stay(s) of one admission: presence, diagnoses, care events, discharge."""
    rng, today = ctx.rng, ctx.today
    therapist = ctx.users["therapist"]
    first, discharged_on, kind = stays[0]
    admit_on = first.admitted_on
    until = discharged_on or today  # last day with care events
    by_role = {a.role: a for a in reversed(adults)}
    mother, father = by_role.get("mother"), by_role.get("father")

    present: list[Adult] = []
    if plan.presence_modes:
        present = _presence(ctx, plan, [stay for stay, _d, _k in stays], by_role, until)

    candidates = present if plan.presence_modes else [a for a in (mother, father) if a is not None]
    entry_codes, adult_entry = _entry_diagnoses(ctx, stays, candidates, admit_on, until)

    # Synthesis meetings about every six weeks.
    meeting_on = admit_on + in_days(rng.randint(28, 45))
    while meeting_on <= until:
        adm.meeting_add(user=therapist, stay=first, held_on=meeting_on,
                        participants=rng.choice(MEETING_PARTICIPANTS),
                        evaluation=rng.choice(MEETING_EVALUATIONS), adaptations=rng.choice(MEETING_ADAPTATIONS))
        ctx.count("SynthesisMeeting")
        meeting_on += in_days(rng.randint(35, 49))

    _interventions(ctx, plan, facility, family, first, admit_on, until)

    if rng.random() < plan.signalement_share and (until - admit_on).days >= 14:
        adm.signalement_add(user=therapist, facility=facility, family=family, stay=first,
                            made_on=between(rng, admit_on + in_days(7), until), addressee=rng.choice(plan.addressees))
        ctx.count("Signalement")

    if plan.presence_modes:
        stay_assessments(ctx, plan, stays, present, until)

    if discharged_on is not None:
        _discharge(ctx, stays, candidates, entry_codes, adult_entry, discharged_on, kind)


def _entry_diagnoses(ctx: Context, stays: list[tuple[Stay, date | None, str]], candidates: list[Adult],
                     admit_on: date, until: date) -> tuple[dict[int, tuple], dict[int, tuple]]:
    """Entry diagnoses within the first weeks: the children's and the adults', by stay and adult."""
    rng, first = ctx.rng, stays[0][0]
    entry_codes: dict[int, tuple[str, str, str]] = {}
    if (until - admit_on).days >= 7:
        for stay, _d, _k in stays:
            if rng.random() < 0.88:
                entry = rng.choices(CHILD_DIAGNOSES, CHILD_ENTRY_WEIGHTS)[0]
                _diagnose(ctx, stay, "entry", entry, True, child=stay.child,
                          made_on=between(rng, admit_on + in_days(7), min(admit_on + in_days(28), until)))
                entry_codes[stay.pk] = entry
                if rng.random() < 0.25:
                    other = rng.choice([d for d in CHILD_DIAGNOSES if d != entry])
                    _diagnose(ctx, stay, "entry", other, False, child=stay.child,
                              made_on=between(rng, admit_on + in_days(7), min(admit_on + in_days(28), until)))
    adult_entry: dict[int, tuple[str, str, str]] = {}
    if (until - admit_on).days >= 7:
        for adult in candidates:
            share = 0.35 if adult.role == "mother" else (0.10 if adult.role == "father" else 0.0)
            if rng.random() < share:
                code = rng.choices(ADULT_DIAGNOSES, ADULT_WEIGHTS)[0]
                _diagnose(ctx, first, "entry", code, True, adult=adult,
                          made_on=between(rng, admit_on + in_days(7), min(admit_on + in_days(35), until)))
                adult_entry[adult.pk] = code

    return entry_codes, adult_entry


def _discharge(ctx: Context, stays: list[tuple[Stay, date | None, str]], candidates: list[Adult],
               entry_codes: dict[int, tuple], adult_entry: dict[int, tuple], discharged_on: date, kind: str) -> None:
    """The discharge of every stay of the admission, with exit diagnoses for some entry ones."""
    rng, first = ctx.rng, stays[0][0]
    admit_on = first.admitted_on
    residence_after = pick(rng, RESIDENCE_AFTER[kind])
    for stay, _d, _k in stays:
        adm.stay_discharge(user=ctx.users["admissions"], stay=stay, discharged_on=discharged_on,
                           discharge_kind=kind, residence_after=residence_after)
        entry = entry_codes.get(stay.pk)
        if entry is not None and rng.random() < 0.85:
            roll = rng.random()
            if roll < 0.40:
                exit_code = entry
            elif roll < 0.75:
                exit_code = CHILD_NO_DIAGNOSIS
            else:
                exit_code = rng.choice(CHILD_DIAGNOSES)
            _diagnose(ctx, stay, "exit", exit_code, True, child=stay.child,
                      made_on=between(rng, max(admit_on, discharged_on - in_days(7)), discharged_on))
    for adult in candidates:
        code = adult_entry.get(adult.pk)
        if code is not None and rng.random() < 0.5:
            _diagnose(ctx, first, "exit", code, True, adult=adult,
                      made_on=between(rng, max(admit_on, discharged_on - in_days(7)), discharged_on))


def _presence_modes_given(modes: Weighted, *, has_father: bool) -> Weighted:
    """Mode weights for a family with or without a father, so that the overall mix stays `modes`."""
    total = sum(w for _m, w in modes)
    with_father = sum(w for m, w in modes if m in WITH_FATHER) / total
    without = [(m, w) for m, w in modes if m not in WITH_FATHER]
    if not has_father:
        return without
    scaled = min(with_father / FATHER_SHARE, 1.0)
    rest = sum(w for _m, w in without)
    return [(m, w / total / with_father * scaled) for m, w in modes if m in WITH_FATHER] + [
        (m, w / rest * (1 - scaled)) for m, w in without
    ]


def _presence(ctx: Context, plan: FacilityPlan, stays: list[Stay], by_role: dict[str, Adult],
              until: date) -> list[Adult]:
    """The parents admitted with the child(ren) (DOMAIN.md admission modes); returns who was present."""
    rng, user = ctx.rng, ctx.users["admissions"]
    mother, father, guardian = by_role.get("mother"), by_role.get("father"), by_role.get("other_guardian")
    mode = pick(rng, _presence_modes_given(plan.presence_modes, has_father=father is not None))
    if mode in ("mother_only", "both_whole_stay", "both_partial") and mother is None:
        mode = "father_only" if father is not None else "none"
    if mode == "father_only" and father is None:
        mode = "mother_only" if mother is not None else "none"
    admit_on = stays[0].admitted_on
    length = (until - admit_on).days
    # (adult, start, end or None); the end of an early leave is recorded when it happens.
    periods: list[tuple[Adult, date, date | None]] = []
    if mode in ("mother_only", "both_whole_stay", "both_partial"):
        periods.append((mother, admit_on, None))
    if mode in ("father_only", "both_whole_stay"):
        periods.append((father, admit_on, None))
    elif mode == "both_partial":
        if rng.random() < 0.5:
            joins = admit_on + in_days(rng.randint(7, 21))
            if joins < until:  # else the father never came: mother only in the end
                periods.append((father, joins, None))
        elif length >= 4:
            periods.append((father, admit_on, admit_on + in_days(round(length * rng.uniform(0.3, 0.8)))))
    elif mode == "none" and guardian is not None and rng.random() < 0.5:
        periods.append((guardian, admit_on, None))
    for stay in stays:
        for adult, start, end in periods:
            period = adm.presence_add(user=user, stay=stay, adult=adult, start=start)
            if end is not None:
                adm.presence_end(user=user, period=period, end=end)
            ctx.count("PresencePeriod")
    return [adult for adult, _start, _end in periods]


def _diagnose(ctx: Context, stay: Stay, timepoint: str, code: tuple[str, str, str], primary: bool, *,
              made_on: date, child: Child | None = None, adult: Adult | None = None) -> None:
    classification, value, label = code
    adm.diagnosis_add(user=ctx.users["therapist"], stay=stay, timepoint=timepoint, classification=classification,
                      code=value, label=label, primary=primary, child=child, adult=adult, made_on=made_on)
    ctx.count("Diagnosis")


def _interventions(ctx: Context, plan: FacilityPlan, facility: Facility, family: Family, stay: Stay,
                   admit_on: date, until: date) -> None:
    rng, therapist = ctx.rng, ctx.users["therapist"]
    professionals = [therapist]
    if facility.code == "ads-lux":
        professionals.append(ctx.users["therapist.lu"])
    # The first interview precedes the admission: it belongs to the family, not yet to a stay.
    adm.intervention_add(user=therapist, facility=facility, family=family, kind="first_interview",
                         done_on=between(rng, stay.request.received_on, admit_on),
                         duration_min=rng.choice((60, 90)), professional=rng.choice(professionals))
    ctx.count("Intervention")
    week = admit_on
    while week <= until:
        for _n in range(pick(rng, plan.interventions_per_week)):
            done_on = week + in_days(rng.randint(0, 6))
            if done_on > until:
                continue
            kind = pick(rng, plan.interventions)
            duration = rng.choice((30, 30, 45, 60, 60, 90, 120) if kind != "network_meeting" else (60, 90, 120))
            adm.intervention_add(user=therapist, facility=facility, family=family, stay=stay, kind=kind,
                                 done_on=done_on, duration_min=duration, professional=rng.choice(professionals))
            ctx.count("Intervention")
        week += in_days(7)
