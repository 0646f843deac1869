"""The staff of the load test (bench/load.py): accounts, their signed-in sessions and what each may open.

    python bench/load_plan.py --users 100 --out PLAN.json     (DATABASE_URL names the seeded database)

Five staff per unit — four therapists and a manager, as a parent-baby unit has — in the residential units of
the volume data that have current residents, most populated first. Each account gets a session stored in the
database with a confirmed TOTP device (the production profile asks managers for a second factor), so the
simulated staff open pages as signed-in users, as after the login page and the token.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from admissions.models import Stay  # noqa: E402
from unit import services as unit_services  # noqa: E402
from unit.models import Facility  # noqa: E402

PER_UNIT = ("therapist", "therapist", "therapist", "therapist", "manager")
STAYS_PER_UNIT = 40


def signed_in(user) -> str:
    """A session of `user` as after the password and the token: the session id for the Cookie header."""
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return session.session_key


def plan(users: int) -> dict:
    units_needed = -(-users // len(PER_UNIT))
    open_stays = Count("stays", filter=Q(stays__discharged_on__isnull=True, stays__entered_in_error=False))
    units = list(Facility.objects.filter(code__startswith="vol-", capacity__isnull=False, active=True)
                 .annotate(residents=open_stays).filter(residents__gt=0).order_by("-residents", "code")[:units_needed])
    if not units:
        raise SystemExit("no residential unit with current residents: seed the database first (seed_volume)")
    User = get_user_model()
    accounts = []
    for n in range(users):
        unit = units[(n // len(PER_UNIT)) % len(units)]
        role = PER_UNIT[n % len(PER_UNIT)]
        user, created = User.objects.get_or_create(username=f"bench.load.{n + 1:03d}",
                                                   defaults={"last_name": "Charge"})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        unit_services.membership_grant(user=None, member=user, facility=unit, role=role)
        stays = list(Stay.objects.filter(facility=unit, discharged_on__isnull=True, entered_in_error=False)
                     .order_by("-admitted_on").values_list("pk", "child__family_id")[:STAYS_PER_UNIT])
        accounts.append({"username": user.username, "role": role, "session": signed_in(user),
                         "facility": unit.code, "stays": [pk for pk, _family in stays],
                         "families": sorted({family for _pk, family in stays})})
    return {"accounts": accounts, "units": [u.code for u in units]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    Path(args.out).write_text(json.dumps(plan(args.users)), encoding="utf-8")


if __name__ == "__main__":
    main()
