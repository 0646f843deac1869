"""Print the demo accounts and their password, only when the demo mode is on."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from interchange import demo
from unit.models import Membership

URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = "Affiche les comptes de démonstration, leurs rôles et structures, et le mot de passe."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=URL, help=f"adresse du site à afficher (défaut {URL})")

    def handle(self, *args, url=URL, **options):
        if not getattr(settings, "DEMO_MODE", False):
            # Production and hardened profiles: nothing to show, and never a password.
            return
        usernames = [u[0] for u in demo.DEMO_USERS] + [u[0] for u in demo.DEMO_SCOPED_USERS]
        users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
        if not users:
            self.stdout.write("Aucun compte de démonstration dans cette base : python manage.py seed_demo")
            return
        grants: dict[str, dict[str, list[str]]] = {}
        memberships = (Membership.objects.filter(user__username__in=usernames, active=True)
                       .select_related("user", "facility").order_by("facility__pk"))
        for m in memberships:
            grants.setdefault(m.user.username, {}).setdefault(m.role, []).append(m.facility.code)
        rows = [("utilisateur", "nom", "rôle", "structures")]
        for username in usernames:
            user = users.get(username)
            if user is None:
                continue
            for role, codes in sorted(grants.get(username, {}).items()) or [("—", [])]:
                rows.append((username, user.get_full_name(), role, ", ".join(codes) or "—"))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write(f"Comptes de démonstration — mot de passe : {demo.DEMO_PASSWORD}")
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))
        self.stdout.write(f"Ouvrir {url}")
