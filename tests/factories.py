"""Small factories for tests: they create state through the same services as the product."""

from __future__ import annotations

import itertools
from datetime import date

from django.contrib.auth import get_user_model

from admissions import services as adm
from admissions.models import AdmissionRequest, Adult, Child, Family, Stay
from unit import services as unit_services
from unit.models import Facility, Organisation

PASSWORD = "a-long-test-password-42"
_seq = itertools.count(1)


def organisation() -> Organisation:
    return Organisation.objects.first() or unit_services.organisation_create(user=None, name="Organisation test")


def facility(*, code: str | None = None, kind: str = "parent_baby_unit", capacity: int | None = 10,
             country: str = "BE") -> Facility:
    n = next(_seq)
    if kind in ("home_support", "consultation"):
        capacity = None
    return unit_services.facility_create(
        user=None, organisation=organisation(), code=code or f"fac-{n}", name=f"Structure {n}", kind=kind,
        country=country, capacity=capacity,
    )


def user(*, role: str | None = None, facility: Facility | None = None, username: str | None = None, **extra):
    username = username or f"user{next(_seq)}"
    member = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    if role and facility:
        unit_services.membership_grant(user=None, member=member, facility=facility, role=role)
    return member


def family(*, facility: Facility, reference: str | None = None, by=None) -> Family:
    return adm.family_create(user=by, facility=facility, reference=reference or f"FAM-{next(_seq):05d}")


def child(*, family: Family, birth_date: date = date(2025, 3, 1), sex: str = "F", by=None, **extra) -> Child:
    return adm.child_add(user=by, family=family, first_name="Alice", last_name="Test", sex=sex,
                         birth_date=birth_date, **extra)


def adult(*, family: Family, role: str = "mother", birth_date: date | None = date(1995, 5, 5), by=None,
          **extra) -> Adult:
    return adm.adult_add(user=by, family=family, role=role, first_name="Claire", last_name="Test",
                         birth_date=birth_date, **extra)


def request(*, facility: Facility, family: Family, children=(), received_on: date = date(2025, 9, 1), by=None,
            **extra) -> AdmissionRequest:
    extra.setdefault("requester", "professional")
    extra.setdefault("referrer_category", "hospital_maternity")
    extra.setdefault("reason", "parent_infant_relationship")
    return adm.request_create(user=by, facility=facility, family=family, children=children,
                              received_on=received_on, **extra)


def accepted_request(*, facility: Facility, family: Family, children, by=None, **extra) -> AdmissionRequest:
    req = request(facility=facility, family=family, children=children, by=by, **extra)
    answers = {c.code: "met" for c in facility.criteria.all()}
    adm.request_check_eligibility(user=by, request=req, answers=answers)
    req.refresh_from_db()
    return adm.request_decide(user=by, request=req, decision="accepted", decided_on=req.received_on,
                              override_reason="test" if req.eligibility_verdict != "eligible" else "")


def stay(*, facility: Facility, child: Child | None = None, admitted_on: date = date(2025, 9, 10), by=None,
         **extra) -> Stay:
    if child is None:
        fam = family(facility=facility, by=by)
        child = globals()["child"](family=fam, by=by)
    req = accepted_request(facility=facility, family=child.family, children=[child], by=by,
                           received_on=min(admitted_on, date(2025, 9, 1)))
    extra.setdefault("residence_before", "family_home")
    return adm.stay_admit(user=by, facility=facility, child=child, request=req, admitted_on=admitted_on, **extra)


def sharing_consent(*, family: Family, on: date = date(2024, 1, 1), by=None):
    """The family's consent to sharing its dossier with the network (documents): a request or a stay in a
    facility that does not hold the dossier yet needs it. Given by the family's first adult (a mother is
    added when it has none)."""
    from tests.documents import factories as doc_factories

    first = family.adults.filter(entered_in_error=False).order_by("pk").first() or adult(family=family, by=by)
    return doc_factories.consent(facility=family.facility, adult=first, scope="network_sharing", decided_on=on,
                                 by=by)
