"""Building the demo: the organisation, its facilities and users, then families in the order they arrived."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from interchange.demo.context import COUNT_KEYS, Context, in_days
from interchange.demo.families import seed_family
from interchange.demo.plans import DEMO_PASSWORD, DEMO_SCOPED_USERS, DEMO_USERS, FACILITY_PLANS
from interchange.demo.scores import open_alert_on_current_stay
from unit import services as unit_services
from unit.models import EligibilityCriterion, Facility


@transaction.atomic
def build_demo(*, families: int | None = None, seed: int = 2026, today: date, years: int = 3,
               progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Create the demo organisation, users and `years` years of families up to `today`; counts per model.

    `families` is the number of families per facility (default: a realistic yearly intake). The same
    seed and `today` give the same data.
    """
    rng = random.Random(seed)
    ctx = Context(rng=rng, today=today, users={}, counts=dict.fromkeys(COUNT_KEYS, 0))
    _create_users(ctx)
    admin = ctx.users["admin"]
    organisation = unit_services.organisation_create(user=admin, name="Réseau Parents-Bébé (démonstration)")
    ctx.count("Organisation")
    facilities: list[Facility] = []
    for plan in FACILITY_PLANS:
        facility = unit_services.facility_create(
            user=admin, organisation=organisation, code=plan.code, name=plan.name, kind=plan.kind,
            country=plan.country, region=plan.region, capacity=plan.capacity,
        )
        facilities.append(facility)
        ctx.count("Facility")
        criteria = EligibilityCriterion.objects.filter(facility=facility, active=True)
        ctx.count("EligibilityCriterion", criteria.count())
        ctx.manual_criteria[facility.pk] = list(
            criteria.filter(rule=EligibilityCriterion.Rule.MANUAL).order_by("position").values_list("code", flat=True)
        )
    _grant_memberships(ctx, facilities)

    # First requests spread over the period, then built in date order so that places go first come,
    # first served, as in a real unit.
    start = today - in_days(round(365.25 * years))
    span = (today - start).days
    arrivals: list[tuple[date, int, int]] = []
    for index, plan in enumerate(FACILITY_PLANS):
        n = families if families is not None else round(plan.families_per_3_years * years / 3)
        arrivals.extend((start + in_days(rng.randint(0, span)), index, k) for k in range(n))
    arrivals.sort()
    total = len(arrivals)
    for done, (received_on, index, _k) in enumerate(arrivals, start=1):
        seed_family(ctx, FACILITY_PLANS[index], facilities[index], received_on)
        if progress is not None:
            progress(done, total)
    open_alert_on_current_stay(ctx)
    return dict(ctx.counts)


def _create_users(ctx: Context) -> None:
    User = get_user_model()
    for username, role, full_name, *_facility in [*DEMO_USERS, *DEMO_SCOPED_USERS]:
        first_name, last_name = full_name.split(" ", 1)
        is_admin = role == "admin"
        user = User(username=username, first_name=first_name, last_name=last_name,
                    is_staff=is_admin, is_superuser=is_admin)
        user.set_password(DEMO_PASSWORD)
        user.save()
        ctx.users[username] = user
        ctx.count("User")


def _grant_memberships(ctx: Context, facilities: list[Facility]) -> None:
    admin = ctx.users["admin"]
    by_code = {f.code: f for f in facilities}
    for facility in facilities:
        for username, role, _name in DEMO_USERS:
            unit_services.membership_grant(user=admin, member=ctx.users[username], facility=facility, role=role)
            ctx.count("Membership")
    for username, role, _name, code in DEMO_SCOPED_USERS:
        unit_services.membership_grant(user=admin, member=ctx.users[username], facility=by_code[code], role=role)
        ctx.count("Membership")
