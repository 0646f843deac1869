"""Fill an empty database with the demo organisation, users and years of families (never in production)."""

from __future__ import annotations

import argparse
import time
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from interchange import demo
from unit.models import Facility


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"date attendue au format AAAA-MM-JJ : {value!r}") from exc


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("un nombre positif est attendu")
    return number


class Command(BaseCommand):
    help = "Crée les données de démonstration (structures, comptes, familles) dans une base vide."

    def add_arguments(self, parser):
        parser.add_argument("--families", type=_count, default=None,
                            help="Nombre de familles par structure (par défaut : un volume réaliste).")
        parser.add_argument("--seed", type=int, default=2026, help="Graine du générateur (défaut 2026).")
        parser.add_argument("--today", type=_iso_date, default=None,
                            help="Date de fin des données, AAAA-MM-JJ (défaut : aujourd'hui).")
        parser.add_argument("--years", type=_count, default=3, help="Années d'historique (défaut 3).")
        parser.add_argument("--if-empty", action="store_true",
                            help="Ne rien faire si une structure existe déjà.")

    def handle(self, *args, families=None, seed=2026, today=None, years=3, if_empty=False, **options):
        if not getattr(settings, "DEMO_MODE", False):
            raise CommandError("Les données de démonstration sont désactivées dans ce profil.")
        if if_empty and Facility.objects.exists():
            self.stdout.write("Des structures existent déjà : aucune donnée de démonstration ajoutée.")
            return
        real_today = timezone.localdate()
        today = today or real_today
        if today > real_today:
            raise CommandError("La date --today ne peut pas être dans le futur.")
        codes = [plan.code for plan in demo.FACILITY_PLANS]
        if Facility.objects.filter(code__in=codes).exists():
            raise CommandError("Les structures de démonstration existent déjà dans cette base.")
        usernames = [u[0] for u in demo.DEMO_USERS] + [u[0] for u in demo.DEMO_SCOPED_USERS]
        taken = sorted(get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True))
        if taken:
            raise CommandError(f"Ces comptes existent déjà : {', '.join(taken)}.")

        started = time.monotonic()
        last_tenth = -1

        def progress(done: int, total: int) -> None:
            nonlocal last_tenth
            tenth = done * 10 // total
            if tenth != last_tenth and tenth > 0:
                last_tenth = tenth
                self.stderr.write(f"  {tenth * 10:3d} % ({done}/{total} familles, {time.monotonic() - started:.0f} s)")

        # One transaction: a failure half-way leaves nothing behind.
        with transaction.atomic():
            counts = demo.build_demo(families=families, seed=seed, today=today, years=years, progress=progress)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"Données de démonstration créées jusqu'au {today:%d/%m/%Y} en {elapsed:.1f} s :"
        ))
        for model, n in counts.items():
            self.stdout.write(f"  {model:<22} {n:>7}")
        self.stdout.write("Comptes et mot de passe : python manage.py demo_logins")
