"""Properties of the one rule for stay dates (issue 12): random admissions, presence periods, discharges and
interventions made through the services, then the board, the admissions index, the capacity rule and the
report must agree on every day, no day may exceed capacity, and additive figures must add up over periods.

Examples are few by default so the suite stays fast; PROPERTY_EXAMPLES (or FUZZ_EXAMPLES) raises them.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admissions import selectors, stay_dates
from admissions import services as adm
from admissions.models import Stay
from dashboards import engine
from tests import factories

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", os.environ.get("FUZZ_EXAMPLES", "25")))
FIRST = date(2025, 3, 1)
SPAN = 14  # days of the window the operations fall in
DAYS = [FIRST + timedelta(days=n) for n in range(SPAN + 3)]
day_offsets = st.integers(min_value=0, max_value=SPAN)
# One operation: admit (optionally with a discharge already known, as an import does), discharge a stay,
# add a parent's presence, record an intervention.
operations = st.lists(st.one_of(
    st.tuples(st.just("admit"), day_offsets, st.one_of(st.none(), st.integers(min_value=0, max_value=6))),
    st.tuples(st.just("discharge"), st.integers(min_value=0, max_value=7), st.integers(min_value=0, max_value=6)),
    st.tuples(st.just("presence"), st.integers(min_value=0, max_value=7), st.sampled_from(["mother", "father"]),
              st.integers(min_value=0, max_value=4), st.one_of(st.none(), st.integers(min_value=0, max_value=5))),
    st.tuples(st.just("intervention"), day_offsets, st.sampled_from(["home_visit", "parent_interview"])),
), min_size=1, max_size=14)


# ---------------------------------------------------------------- the pure rule against itself (no database)


stays_strategy = st.lists(st.tuples(day_offsets, st.one_of(st.none(), st.integers(min_value=0, max_value=8))),
                          max_size=8).map(lambda rows: [(FIRST + timedelta(days=a), None if n is None else
                                                         FIRST + timedelta(days=a + n)) for a, n in rows])


@settings(max_examples=EXAMPLES * 8, deadline=None, derandomize=True)
@given(stays_strategy, day_offsets, day_offsets)
def test_child_days_and_peak_are_the_day_by_day_count_of_occupies(stays, a, b):
    start, end = FIRST + timedelta(days=min(a, b)), FIRST + timedelta(days=max(a, b))
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    per_day = [sum(stay_dates.occupies(adm_on, dis_on, day) for adm_on, dis_on in stays) for day in days]
    assert sum(stay_dates.occupied_days(adm_on, dis_on, start, end) for adm_on, dis_on in stays) == sum(per_day)
    assert stay_dates.peak_occupancy(stays, start, end) == max(per_day)


# ---------------------------------------------------------------- through the services and the database


def _child_days(facility, first: date, last: date) -> int:
    """The report's child-days of [first, last]: occupancy × places × days (the rate is rounded to 4 places)."""
    rate = engine.build([facility], engine.Period(first, last), compare=False).indicators["occupancy_rate"]
    return round(rate * facility.capacity * ((last - first).days + 1))


def _apply(unit, ops) -> None:
    stays: list[Stay] = []
    for op in ops:
        try:
            if op[0] == "admit":
                _kind, offset, length = op
                admitted = FIRST + timedelta(days=offset)
                family = factories.family(facility=unit)
                child = factories.child(family=family, birth_date=date(2024, 6, 1))
                for role in ("mother", "father"):
                    factories.adult(family=family, role=role)
                known = {} if length is None else {
                    "discharged_on": admitted + timedelta(days=length), "discharge_kind": "planned",
                    "residence_after": "home_with_parent"}
                stays.append(adm.stay_admit(user=None, facility=unit, child=child, admitted_on=admitted,
                                            residence_before="hospital", override_reason="propriété", **known))
            elif op[0] == "discharge" and stays:
                _kind, index, after = op
                stay = stays[index % len(stays)]
                stay.refresh_from_db()
                if stay.discharged_on is None:
                    adm.stay_discharge(user=None, stay=stay, discharged_on=stay.admitted_on + timedelta(days=after),
                                       discharge_kind="planned", residence_after="home_with_parent")
            elif op[0] == "presence" and stays:
                _kind, index, role, start, length = op
                stay = stays[index % len(stays)]
                stay.refresh_from_db()
                adult = stay.child.family.adults.get(role=role)
                begin = stay.admitted_on + timedelta(days=start)
                adm.presence_add(user=None, stay=stay, adult=adult, start=begin,
                                 end=None if length is None else begin + timedelta(days=length))
            elif op[0] == "intervention":
                _kind, offset, kind = op
                adm.intervention_add(user=None, facility=unit, family=factories.family(facility=unit), kind=kind,
                                     done_on=FIRST + timedelta(days=offset))
        except ValidationError:
            pass  # refused by a rule (a full unit, a presence outside the stay…): nothing was written


@pytest.mark.django_db
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(capacity=st.integers(min_value=1, max_value=3), ops=operations, split=st.integers(min_value=0, max_value=SPAN))
def test_board_index_capacity_and_report_agree_on_every_day(monkeypatch, capacity, ops, split):
    with transaction.atomic():
        unit = factories.facility(code="upb-prop", capacity=capacity)
        manager = factories.user(role="manager", facility=unit, username="prop-manager")
        _apply(unit, ops)
        rows = list(Stay.objects.filter(facility=unit).values_list("admitted_on", "discharged_on"))
        # No day over capacity, whatever the order of admissions and discharges.
        assert stay_dates.peak_occupancy(rows, DAYS[0], DAYS[-1]) <= capacity
        for day in DAYS:
            monkeypatch.setattr(selectors, "timezone", SimpleNamespace(localdate=lambda day=day: day))
            board = {e["facility"].pk: e
                     for e in selectors.board(user=manager, facility_code=unit.code)}[unit.pk]["used"]
            index = {r["facility"].pk: r
                     for r in selectors.occupancy_by_facility(user=manager)}[unit.pk]["present"]
            rule = sum(stay_dates.occupies(a, d, day) for a, d in rows)
            queryset = Stay.objects.filter(facility=unit).occupying(day).count()
            assert board == index == rule == queryset == _child_days(unit, day, day) <= capacity, day
        # A period's report is the sum of its parts where the figure is additive.
        first, last, cut = DAYS[0], DAYS[-1], DAYS[0] + timedelta(days=split)
        assert _child_days(unit, first, last) == _child_days(unit, first, cut) + _child_days(
            unit, cut + timedelta(days=1), last)
        whole = engine.build([unit], engine.Period(first, last), compare=False).indicators["interventions"]
        parts = [engine.build([unit], engine.Period(a, b), compare=False).indicators["interventions"]
                 for a, b in ((first, cut), (cut + timedelta(days=1), last))]
        assert whole == {k: parts[0].get(k, 0) + parts[1].get(k, 0) for k in set(parts[0]) | set(parts[1])}
        # Admission modes cover exactly the residential stays active in the period.
        report = engine.build([unit], engine.Period(first, last), compare=False).indicators
        assert sum(report["admission_mode"].values()) == report["stays_active"]
        transaction.set_rollback(True)
