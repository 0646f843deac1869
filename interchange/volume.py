"""Volume data for benchmarks: years of plausible stays in many facilities, bulk-inserted with their history.

`seed_volume(scale=SCALES["M"], seed=1)` fills a database the way years of use would: families,
requests checked against the facility's criteria and decided, stays that never put a residential
facility above its places on any day, parents present within the stays, diagnoses, care events and
assessments scored by their instrument. Rows go in with `bulk_create` in batches, and every row gets
its history row (user and reason "Volume de test"), as a service would have written it.

The same seed and `until` give the same rows: each facility draws from its own generator, so the
first facilities of scale L are built exactly like those of scale M.
"""

from __future__ import annotations

import csv
import heapq
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from admissions import eligibility, stay_dates
from admissions.models import (
    AdmissionRequest,
    Adult,
    Child,
    Diagnosis,
    Family,
    Intervention,
    PresencePeriod,
    Signalement,
    Stay,
    SynthesisMeeting,
)
from admissions.services import ICD11_FILE
from assessments import instruments
from assessments.models import Assessment
from interchange.volume_rows import Rows, Writer
from unit import services as unit_services
from unit.ages import corrected_age_days
from unit.models import EligibilityCriterion, Facility, Organisation

# The last day of data by default: fixed, so that a seed gives the same rows whatever the day it runs.
DEFAULT_UNTIL = date(2025, 12, 31)
CODE_PREFIX = "vol-"
USERNAMES = {"admissions": "vol.admissions", "therapist": "vol.therapist", "manager": "vol.manager"}
WARM_UP_DAYS = 365  # played before the first day, so that facilities start with their current residents

Weighted = Sequence[tuple[Any, float]]


@dataclass(frozen=True)
class Scale:
    code: str
    facilities: int
    years: int


# S ≈ 25 stays; M: 26 facilities × 10 years ≈ 12,000 stays; L ≈ 103,000 stays and 1,000,000 assessments.
SCALES: dict[str, Scale] = {
    "S": Scale("S", facilities=1, years=1),
    "M": Scale("M", facilities=26, years=10),
    "L": Scale("L", facilities=219, years=10),
}


@dataclass(frozen=True)
class Template:
    """What a facility looks like: its kind, places, how long children stay and how old they are."""

    kind: str
    country: str
    region: str
    capacity: int | None  # None: non-residential
    stay_days: tuple[int, int]
    child_months: tuple[int, int]  # age at the request, completed months
    presence: Weighted  # which parents are admitted with the child; () when children come alone
    follow_ups_per_year: int = 0  # non-residential: new follow-ups a year


_PBU_PRESENCE = (("mother_only", 50), ("both_whole_stay", 20), ("both_partial", 15), ("father_only", 5),
                 ("none", 10))
_MATERNAL_PRESENCE = (("mother_only", 88), ("both_partial", 4), ("none", 8))
_PARENTAL_PRESENCE = (("both_whole_stay", 55), ("both_partial", 30), ("mother_only", 15))

# Facility i of a scale uses TEMPLATES[i % 26]: the first is a 10-place parent-baby unit (scale S).
TEMPLATES: tuple[Template, ...] = (
    Template("parent_baby_unit", "BE", "BE-BRU", 10, (90, 270), (0, 34), _PBU_PRESENCE),
    Template("maternal_centre", "FR", "FR-69", 15, (120, 360), (0, 30), _MATERNAL_PRESENCE),
    Template("home_support", "LU", "LU-LU", None, (120, 540), (0, 30), (), follow_ups_per_year=90),
    Template("nursery", "FR", "FR-75", 20, (60, 300), (0, 30), ()),
    Template("parent_baby_unit", "BE", "BE-WLG", 10, (90, 270), (0, 34), _PBU_PRESENCE),
    Template("consultation", "BE", "BE-WHT", None, (60, 240), (0, 180), (), follow_ups_per_year=60),
    Template("parental_centre", "FR", "FR-13", 10, (120, 360), (0, 30), _PARENTAL_PRESENCE),
    Template("parent_baby_unit", "FR", "FR-59", 10, (90, 270), (0, 34), _PBU_PRESENCE),
    Template("home_support", "BE", "BE-WNA", None, (120, 540), (0, 30), (), follow_ups_per_year=90),
    Template("childrens_home", "FR", "FR-33", 30, (180, 720), (36, 200), ()),
    Template("maternal_centre", "FR", "FR-31", 15, (120, 360), (0, 30), _MATERNAL_PRESENCE),
    Template("parent_baby_unit", "LU", "LU-ES", 10, (90, 270), (0, 34), _PBU_PRESENCE),
    Template("nursery", "BE", "BE-VAN", 20, (60, 300), (0, 30), ()),
    Template("parental_respite", "BE", "BE-WBR", 8, (2, 30), (6, 180), ()),
    Template("home_support", "FR", "FR-67", None, (120, 540), (0, 30), (), follow_ups_per_year=90),
    Template("parent_baby_unit", "BE", "BE-VBR", 10, (90, 270), (0, 34), _PBU_PRESENCE),
    Template("maternal_centre", "FR", "FR-44", 15, (120, 360), (0, 30), _MATERNAL_PRESENCE),
    Template("parental_centre", "BE", "BE-WLX", 10, (120, 360), (0, 30), _PARENTAL_PRESENCE),
    Template("nursery", "FR", "FR-69", 20, (60, 300), (0, 30), ()),
    Template("parent_baby_unit", "FR", "FR-35", 10, (90, 270), (0, 34), _PBU_PRESENCE),
    Template("childrens_home", "LU", "LU-DI", 30, (180, 720), (36, 200), ()),
    Template("consultation", "FR", "FR-34", None, (60, 240), (0, 180), (), follow_ups_per_year=60),
    Template("parent_baby_unit", "BE", "BE-VOV", 10, (90, 270), (0, 34), _PBU_PRESENCE),
    Template("maternal_centre", "BE", "BE-WHT", 15, (120, 360), (0, 30), _MATERNAL_PRESENCE),
    Template("home_support", "BE", "BE-BRU", None, (120, 540), (0, 30), (), follow_ups_per_year=90),
    Template("parent_baby_unit", "FR", "FR-06", 10, (90, 270), (0, 34), _PBU_PRESENCE),
)

_NATIONALITIES = {
    "BE": (("BE", 62), ("MA", 9), ("CD", 5), ("RO", 4), ("TR", 4), ("SY", 3), ("IT", 3), ("FR", 3), ("PT", 2)),
    "FR": (("FR", 65), ("DZ", 8), ("MA", 6), ("TN", 4), ("RO", 3), ("TR", 3), ("CD", 2), ("SN", 2), ("PT", 2)),
    "LU": (("LU", 45), ("PT", 22), ("FR", 8), ("BE", 4), ("IT", 4), ("CV", 4), ("SY", 3), ("RO", 3)),
}
_REFERRERS = (
    ("hospital_maternity", 16), ("hospital_paediatrics", 14), ("hospital_psychiatry", 6), ("gp", 3),
    ("paediatrician", 4), ("psychiatrist", 4), ("child_psychiatrist", 4), ("psychologist", 3),
    ("mental_health_service", 6), ("parenting_support", 3), ("sos_children", 4), ("midwife", 2),
    ("cpas", 3), ("social_office", 2), ("one", 8), ("saj", 7), ("spj", 4), ("youth_court", 2),
    ("ase", 4), ("family_self", 4), ("other", 1),
)
_REASONS = (("parent_infant_relationship", 35), ("alarming_behaviour", 10), ("parenting_support", 9),
            ("neglect", 8), ("social_isolation", 8), ("family_conflict", 8), ("difficult_pregnancy", 6),
            ("psychological_abuse", 5), ("physical_abuse", 4), ("sexual_abuse", 1), ("other", 6))
_MANDATES = (("none", 55), ("saj", 15), ("spj", 10), ("youth_court", 8), ("ase", 8), ("public_prosecutor", 4))
_RESIDENCE_BEFORE = (("family_home", 55), ("hospital", 30), ("nursery_or_creche", 7),
                     ("residential_institution", 5), ("other", 3))
_RESIDENCE_AFTER = (("home_with_parent", 70), ("other_private_care", 10), ("maternal_home", 6),
                    ("other_institution", 10), ("hospital", 4))
_DISCHARGE_KINDS = (("planned", 62), ("early_family", 14), ("early_team", 8), ("transfer", 8),
                    ("placement", 8))
_REFUSALS = (("no_follow_up", 30), ("family_refused", 20), ("institutional_duplicate", 10),
             ("no_capacity", 30), ("other", 10))
_RESIDENTIAL_INTERVENTIONS = (("parent_interview", 25), ("child_consultation", 18), ("family_interview", 12),
                              ("group_workshop", 12), ("therapeutic_creche", 10), ("medical_escort", 8),
                              ("network_meeting", 8), ("phone_consultation", 4), ("hospital_visit", 2))
_HOME_INTERVENTIONS = (("home_visit", 50), ("phone_consultation", 15), ("parent_interview", 10),
                       ("network_meeting", 8), ("child_consultation", 6), ("family_interview", 5),
                       ("medical_escort", 4), ("group_workshop", 2))
_FIRST_NAMES = {"F": ("Emma", "Louise", "Alice", "Inès", "Léa", "Nora", "Sofia", "Amira", "Lina", "Julia"),
                "M": ("Noah", "Louis", "Adam", "Liam", "Arthur", "Jules", "Mohamed", "Lucas", "Elias", "Nathan")}
_LAST_NAMES = ("Dubois", "Lambert", "Martin", "Peeters", "Janssens", "Benali", "Leroy", "Silva", "Weber",
               "Moreau", "Laurent", "Diallo", "Yilmaz", "Popescu", "Rossi", "Ferreira", "Schmit", "Girard")
_PARTICIPANTS = ("Équipe pluridisciplinaire ; mère", "Équipe pluridisciplinaire ; parents",
                 "Psychologue, pédiatre, éducatrice ; parents ; service mandant")


def _pick(rng: random.Random, table: Weighted) -> Any:
    return rng.choices([value for value, _w in table], [weight for _v, weight in table])[0]


def _days(n: int) -> timedelta:
    return timedelta(days=n)


@cache
def _icd11_codes() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(child codes, adult codes) of the shipped ICD-11 subset: (code, French title)."""
    child, adult = [], []
    with ICD11_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            target = child if row["chapter"] in ("developmental", "feeding", "maltreatment", "perinatal") else adult
            target.append((row["code"], row["title_fr"]))
    return child, adult


# ---------------------------------------------------------------- one facility, as plain unsaved rows


@dataclass(frozen=True)
class Staff:
    admissions: AbstractBaseUser
    therapist: AbstractBaseUser


class _Places:
    """The places of a residential facility: each holds one child at a time, so no day is ever over capacity.

    A child occupies a place by the capacity rule of the admission service (`admissions.stay_dates`);
    an open stay keeps its place.
    """

    def __init__(self, capacity: int):
        self.free_from = [date.min] * capacity
        heapq.heapify(self.free_from)

    def earliest(self) -> date:
        return self.free_from[0]

    def take(self, admitted_on: date, discharged_on: date | None) -> None:
        assert self.free_from[0] <= admitted_on
        until = stay_dates.occupied_until(admitted_on, discharged_on) or date.max
        heapq.heapreplace(self.free_from, until)


class FacilityBuilder:
    """Draws the families, requests, stays and their events of one facility between `start` and `until`."""

    def __init__(self, *, rng: random.Random, facility: Facility, template: Template, criteria:
                 list[eligibility.Criterion], staff: Staff, start: date, until: date):
        self.rng, self.facility, self.t = rng, facility, template
        self.criteria, self.staff, self.start, self.until = criteria, staff, start, until
        self.manual = [c.code for c in criteria if c.rule == EligibilityCriterion.Rule.MANUAL]
        self.places = _Places(template.capacity) if template.capacity else None
        self.sequence: dict[int, int] = {}
        self.child_codes, self.adult_codes = _icd11_codes()
        self.instruments = {code: instruments.get(code) for code in ("bayley4", "adbb", "pirgas", "epds")}

    def requests_per_year(self) -> float:
        t = self.t
        if t.capacity is None:
            return t.follow_ups_per_year / 0.72
        # Accepted requests slightly above what the places can take: the unit is nearly full, some wait.
        mean_days = sum(t.stay_days) / 2
        return 1.1 * t.capacity * 365 / mean_days / 0.72

    def rows(self) -> Iterator[Rows]:
        """One `Rows` per request, in date order (the places go first come, first served).

        A facility never starts empty: the year before `start` is played too, and the families of it
        still in a stay on `start` are kept (their earlier rows with them), so that the first year looks
        like the others and a facility-year costs the same at every scale.
        """
        mean_gap = 365.25 / self.requests_per_year()
        received_on = self.start - _days(WARM_UP_DAYS) + _days(int(self.rng.expovariate(1 / mean_gap)))
        while received_on <= self.until:
            rows = self._family(received_on)
            if received_on >= self.start or rows.present_on(self.start):
                yield rows
            received_on += _days(round(self.rng.expovariate(1 / mean_gap)))

    # ------------------------------------------------------------ family, request, decision

    def _reference(self, year: int) -> str:
        self.sequence[year] = self.sequence.get(year, 0) + 1
        return f"{self.facility.code.upper()}-{year}-{self.sequence[year]:04d}"

    def _family(self, received_on: date) -> Rows:
        rng, t, rows = self.rng, self.t, Rows()
        family = rows.add(Family(facility=self.facility, reference=self._reference(received_on.year)))
        first, last = t.child_months
        # A few children older than the profile allows: their request is found not eligible and refused.
        months = rng.randint(first, last) if rng.random() > 0.03 else last + rng.randint(3, 12)
        birth = received_on - _days(max(3, round(months * 30.44) + rng.randint(0, 29)))
        sex = rng.choice("FM")
        weeks = _pick(rng, ((None, 4), (31, 2), (33, 3), (35, 5), (36, 6), (38, 30), (39, 30), (40, 15), (41, 5)))
        child = rows.add(Child(
            family=family, first_name=rng.choice(_FIRST_NAMES[sex]), last_name=rng.choice(_LAST_NAMES), sex=sex,
            birth_date=birth, gestational_weeks=weeks, gestational_days=None if weeks is None else rng.randint(0, 6),
            birth_weight_g=None if weeks is None else min(max(round(rng.gauss(110 * weeks - 1000, 350)), 700), 5200),
        ))
        adults = self._adults(rows, family, birth)

        decided_on = received_on + _days(rng.randint(2, 30))
        planned_on = decided_on + _days(rng.randint(3, 35))
        answers = {code: "met" for code in self.manual}
        if self.manual and rng.random() < 0.05:
            answers[rng.choice(self.manual)] = "not_met"
        verdict = eligibility.evaluate(self.criteria, answers, birth_dates=[birth], on=planned_on)
        request = rows.add(AdmissionRequest(
            facility=self.facility, family=family, received_on=received_on,
            requester="family" if rng.random() < 0.05 else "professional",
            referrer_category=_pick(rng, _REFERRERS), reason=_pick(rng, _REASONS), mandate=_pick(rng, _MANDATES),
            planned_admission_on=planned_on, eligibility_answers=verdict.answers,
            eligibility_verdict=verdict.verdict, eligibility_details=verdict.as_dict(),
        ))
        rows.request_children.append((request, child))
        if decided_on > self.until or (received_on > self.until - _days(45) and rng.random() < 0.5):
            return rows  # pending: no decision yet
        decision = self._decide(request, verdict, decided_on)
        if decision != "accepted" or planned_on > self.until:
            return rows
        admitted_on = planned_on
        if self.places is not None:
            free = self.places.earliest()
            if free > admitted_on + _days(45) or free > self.until:
                # Full for too long: the accepted family goes on the waiting list, never above capacity.
                request.decision, request.refusal_reason = "waiting_list", ""
                request.decision_note = "Unité complète à la date d'admission prévue."
                return rows
            admitted_on = max(admitted_on, free)
        self._stay(rows, request, child, adults, admitted_on)
        return rows

    def _adults(self, rows: Rows, family: Family, child_birth: date) -> list[Adult]:
        rng, country = self.rng, self.t.country
        nationality = _pick(rng, _NATIONALITIES[country])
        adults = []
        has_mother = rng.random() < 0.97
        mother_age = rng.randint(17, 42)
        roles = (["mother"] if has_mother else []) + (["father"] if rng.random() < 0.55 or not has_mother else [])
        if rng.random() < 0.05 or not has_mother:
            roles.append("other_guardian")
        last_name = rng.choice(_LAST_NAMES)
        for role in roles:
            age = mother_age if role == "mother" else (mother_age + rng.randint(-2, 8) if role == "father"
                                                       else rng.randint(35, 60))
            adults.append(rows.add(Adult(
                family=family, role=role, first_name=rng.choice(_FIRST_NAMES["M" if role == "father" else "F"]),
                last_name=last_name, birth_date=child_birth - _days(round(max(age, 16) * 365.25)),
                nationality=nationality if rng.random() < 0.8 else _pick(rng, _NATIONALITIES[country]),
                region=self.t.region if rng.random() < 0.8 else "other",
            )))
        return adults

    def _decide(self, request: AdmissionRequest, verdict: eligibility.Verdict, decided_on: date) -> str:
        rng = self.rng
        roll = rng.random()
        if verdict.verdict == eligibility.ELIGIBLE:
            decision = "accepted" if roll < 0.80 else ("waiting_list" if roll < 0.88 else "refused")
            refusal = _pick(rng, _REFUSALS) if decision == "refused" else ""
        else:
            decision = "refused"
            refusal = "child_too_old" if "child_age" in verdict.failing else "criteria_not_met"
        request.decision, request.decided_on, request.decided_by = decision, decided_on, self.staff.admissions
        request.refusal_reason = refusal
        return decision

    # ------------------------------------------------------------ the stay and what happens in it

    def _stay(self, rows: Rows, request: AdmissionRequest, child: Child, adults: list[Adult],
              admitted_on: date) -> None:
        rng, t, until = self.rng, self.t, self.until
        length = rng.randint(*t.stay_days)
        kind = _pick(rng, _DISCHARGE_KINDS)
        actual = length + rng.randint(-14, 21) if kind == "planned" else round(length * rng.uniform(0.2, 0.9))
        discharged_on: date | None = admitted_on + _days(max(actual, 1))
        if discharged_on > until:
            discharged_on = None
        stay = rows.add(Stay(
            facility=self.facility, child=child, request=request, admitted_on=admitted_on,
            planned_end_on=admitted_on + _days(length), residence_before=_pick(rng, _RESIDENCE_BEFORE),
            mandate=request.mandate, discharged_on=discharged_on,
            discharge_kind=kind if discharged_on else "",
            residence_after=_pick(rng, _RESIDENCE_AFTER) if discharged_on else "",
        ))
        if self.places is not None:
            self.places.take(admitted_on, discharged_on)
        end = discharged_on or until
        present = self._presence(rows, stay, adults, admitted_on, discharged_on)
        self._diagnoses(rows, stay, child, present, admitted_on, discharged_on)
        self._care(rows, stay, request, admitted_on, end)
        self._assessments(rows, stay, child, present, admitted_on, discharged_on)

    def _presence(self, rows: Rows, stay: Stay, adults: list[Adult], admitted_on: date,
                  discharged_on: date | None) -> list[tuple[Adult, date, date | None]]:
        """Presence periods inside the stay; open (no end) while the stay is open."""
        if not self.t.presence:
            return []
        rng = self.rng
        mode = _pick(rng, self.t.presence)
        mother = next((a for a in adults if a.role == "mother"), None)
        father = next((a for a in adults if a.role == "father"), None)
        spans: list[tuple[Adult, date, date | None]] = []
        if mode in ("mother_only", "both_whole_stay", "both_partial") and mother is not None:
            spans.append((mother, admitted_on, discharged_on))
        if mode in ("father_only", "both_whole_stay") and father is not None:
            spans.append((father, admitted_on, discharged_on))
        if mode == "both_partial" and father is not None:
            last = discharged_on or self.until
            start = admitted_on + _days(rng.randint(0, max((last - admitted_on).days // 2, 0)))
            end = start + _days(rng.randint(0, max((last - start).days - 1, 0)))
            spans.append((father, start, end if end < last else discharged_on))
        for adult, start, end in spans:
            rows.add(PresencePeriod(stay=stay, adult=adult, start=start, end=end))
        return spans

    def _diagnoses(self, rows: Rows, stay: Stay, child: Child, present: list, admitted_on: date,
                   discharged_on: date | None) -> None:
        rng = self.rng
        made_on = min(admitted_on + _days(rng.randint(0, 14)), discharged_on or self.until)
        entry = rng.choice(self.child_codes)
        rows.add(Diagnosis(stay=stay, child=child, timepoint="entry", classification="icd11", code=entry[0],
                           label=entry[1], primary=True, made_on=made_on))
        if discharged_on is not None:
            exit_code = entry if rng.random() < 0.5 else rng.choice(self.child_codes)
            rows.add(Diagnosis(stay=stay, child=child, timepoint="exit", classification="icd11", code=exit_code[0],
                               label=exit_code[1], primary=True, made_on=discharged_on))
        for adult, _start, _end in present:
            if rng.random() < 0.4:
                code = rng.choice(self.adult_codes)
                rows.add(Diagnosis(stay=stay, adult=adult, timepoint="entry", classification="icd11", code=code[0],
                                   label=code[1], primary=True, made_on=made_on))

    def _care(self, rows: Rows, stay: Stay, request: AdmissionRequest, admitted_on: date, end: date) -> None:
        rng, family = self.rng, request.family
        kinds = _HOME_INTERVENTIONS if self.t.capacity is None else _RESIDENTIAL_INTERVENTIONS
        rows.add(Intervention(facility=self.facility, family=family, kind="first_interview",
                              done_on=request.received_on + _days(rng.randint(0, (admitted_on - request.received_on)
                                                                             .days)),
                              duration_min=60, professional=self.staff.therapist))
        on = admitted_on + _days(rng.randint(3, 30))
        while on <= end:
            rows.add(Intervention(facility=self.facility, family=family, stay=stay, kind=_pick(rng, kinds),
                                  done_on=on, duration_min=rng.choice((30, 45, 60, 90)),
                                  professional=self.staff.therapist))
            on += _days(rng.randint(30, 80))
        on = admitted_on + _days(rng.randint(20, 45))
        while on <= end:
            rows.add(SynthesisMeeting(stay=stay, held_on=on, participants=rng.choice(_PARTICIPANTS),
                                      evaluation="Évolution discutée en équipe.", adaptations="Maintien du projet."))
            on += _days(rng.randint(75, 120))
        if rng.random() < 0.05:
            rows.add(Signalement(facility=self.facility, family=family, stay=stay, addressee="SAJ",
                                 made_on=admitted_on + _days(rng.randint(0, (end - admitted_on).days))))

    def _assessments(self, rows: Rows, stay: Stay, child: Child, present: list, admitted_on: date,
                     discharged_on: date | None) -> None:
        """Visits from the first weeks to the exit: Bayley at entry and exit, ADBB, PIR-GAS, the mother's EPDS."""
        rng, until = self.rng, self.until
        end = discharged_on or until
        visits = []
        on = admitted_on + _days(rng.randint(5, 21))
        while on <= end:
            visits.append(on)
            on += _days(rng.randint(20, 45))
        if discharged_on is not None and (discharged_on - admitted_on).days > 60:
            visits.append(discharged_on - _days(rng.randint(0, 10)))
        level = rng.gauss(-1.0, 2.0)
        for n, on in enumerate(visits):
            age = (on - child.birth_date).days
            first_or_last = n == 0 or (discharged_on is not None and n == len(visits) - 1 and n > 0)
            if first_or_last:
                self._assess(rows, stay, "bayley4", on, self._bayley(level + 0.8 * (n > 0)), child=child)
            if n % 2 == 0:
                self._assess(rows, stay, "adbb", on, self._adbb(), child=child)
            if age < 4 * 365:
                self._assess(rows, stay, "pirgas", on, {"score": min(max(round(rng.gauss(55 + 2 * n, 12)), 5), 95)},
                             child=child)
            for adult, start, stop in present:
                if adult.role == "mother" and start <= on and (stop is None or on <= stop):
                    self._assess(rows, stay, "epds", on, self._epds(), adult=adult)

    def _assess(self, rows: Rows, stay: Stay, code: str, on: date, scores: dict, *, child: Child | None = None,
                adult: Adult | None = None) -> None:
        """Record only what the product would accept without confirmation: the norm age in range."""
        instrument = self.instruments[code]
        age_days = corrected = None
        if child is not None:
            age_days = (on - child.birth_date).days
            corrected = corrected_age_days(child.birth_date, on, child.gestational_weeks, child.gestational_days,
                                           until_months=settings.CORRECTED_AGE_UNTIL_MONTHS)
            norm_age = corrected if (instrument.corrects_for_prematurity and corrected is not None) else age_days
            if not instrument.in_age_range(norm_age):
                return
        result = instrument.score(scores)
        rows.add(Assessment(
            stay=stay, child=child, adult=adult, instrument=code, assessed_on=on, assessor=self.staff.therapist,
            scores=scores, derived=dict(result.derived), bands=dict(result.bands),
            flags=[flag.code for flag in result.flags], warnings=list(result.warnings),
            age_days=age_days, corrected_age_days=corrected,
        ))

    def _bayley(self, level: float) -> dict:
        rng = self.rng
        subtests = {code: min(max(round(10 + level + rng.gauss(0, 1.6)), 1), 19)
                    for code in ("cog_ss", "rc_ss", "ec_ss", "fm_ss", "gm_ss")}
        def composite(*codes: str) -> int:
            mean = sum(subtests[c] for c in codes) / len(codes)
            return min(max(round(100 + 5 * (mean - 10) + rng.gauss(0, 2)), 40), 160)
        return {**subtests, "cog": composite("cog_ss"), "lang": composite("rc_ss", "ec_ss"),
                "motor": composite("fm_ss", "gm_ss")}

    def _adbb(self) -> dict:
        rng = self.rng
        high = rng.random() < 0.3
        return {f"a{n:02d}": min(rng.randint(0, 2) + (rng.random() < 0.5 if high else 0), 4) for n in range(1, 9)}

    def _epds(self) -> dict:
        rng = self.rng
        # Item 10 (self-harm) stays at 0: an answer above 0 raises an alert that a clinician must acknowledge.
        items = {f"e{n:02d}": rng.choice((0, 0, 1, 1, 2, 3)) for n in range(1, 10)}
        items["e10"] = 0
        return items


def _staff(facilities: list[Facility], admin: AbstractBaseUser | None) -> Staff:
    User = get_user_model()
    users = {}
    for role, username in USERNAMES.items():
        user, created = User.objects.get_or_create(username=username, defaults={"last_name": "Volume"})
        if created:
            user.set_unusable_password()  # benchmark accounts: sessions are opened by the bench, never a password
            user.save(update_fields=["password"])
        for facility in facilities:
            unit_services.membership_grant(user=admin, member=user, facility=facility, role=role)
        users[role] = user
    return Staff(admissions=users["admissions"], therapist=users["therapist"])


def facility_code(index: int) -> str:
    return f"{CODE_PREFIX}{index + 1:03d}"


@transaction.atomic
def seed_volume(*, scale: Scale, seed: int = 1, until: date = DEFAULT_UNTIL,
                progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Create the facilities of `scale` and `scale.years` years of data up to `until`; counts per model."""
    started = time.monotonic()
    say = progress or (lambda _message: None)
    organisation = Organisation.objects.filter(name="Réseau volume de test").first() \
        or unit_services.organisation_create(user=None, name="Réseau volume de test")
    facilities = []
    for index in range(scale.facilities):
        t = TEMPLATES[index % len(TEMPLATES)]
        facilities.append(unit_services.facility_create(
            user=None, organisation=organisation, code=facility_code(index), kind=t.kind, country=t.country,
            region=t.region, capacity=t.capacity, name=f"Structure de volume {index + 1:03d} ({t.kind})",
        ))
    staff = _staff(facilities, None)
    counts: dict[str, int] = {"Facility": len(facilities)}
    writer = Writer(user=staff.admissions, counts=counts)
    start = until - _days(round(365.25 * scale.years) - 1)
    say(f"Échelle {scale.code} : {scale.facilities} structure(s), {scale.years} an(s) jusqu'au {until:%d/%m/%Y}")
    for index, facility in enumerate(facilities):
        criteria = [eligibility.Criterion(c.code, c.role, c.rule, c.params) for c in
                    EligibilityCriterion.objects.filter(facility=facility, active=True).order_by("position")]
        builder = FacilityBuilder(rng=random.Random(f"{seed}:{index}"), facility=facility,
                                  template=TEMPLATES[index % len(TEMPLATES)], criteria=criteria, staff=staff,
                                  start=start, until=until)
        for rows in builder.rows():
            writer.add(rows)
        done = index + 1
        if done == len(facilities) or done * 20 // len(facilities) != index * 20 // len(facilities):
            say(f"  {done * 100 // len(facilities):3d} % ({done}/{len(facilities)} structures, "
                f"{writer.written + writer.size} lignes, {time.monotonic() - started:.0f} s)")
    writer.flush()
    return counts
