"""Fill a database with benchmark volume (scale S, M or L): bulk inserts that still write their history."""

from __future__ import annotations

import argparse
import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import reset_queries
from django.utils import timezone

from interchange import volume
from unit.models import Facility


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"date attendue au format AAAA-MM-JJ : {value!r}") from exc


class Command(BaseCommand):
    help = ("Crée un volume de test : S (1 structure, 1 an), M (26 structures, 10 ans, ≈ 12 000 séjours), "
            "L (219 structures, 10 ans, ≈ 103 000 séjours, ≈ 1 000 000 évaluations).")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(volume.SCALES), required=True)
        parser.add_argument("--seed", type=int, default=1, help="Graine du générateur (défaut 1).")
        parser.add_argument("--until", type=_iso_date, default=volume.DEFAULT_UNTIL,
                            help=f"Dernier jour des données (défaut {volume.DEFAULT_UNTIL.isoformat()}).")

    def handle(self, *args, scale: str, seed: int = 1, until: date = volume.DEFAULT_UNTIL, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("Le volume de test n'est jamais créé dans le profil de production.")
        if until > timezone.localdate():
            raise CommandError("La date --until ne peut pas être dans le futur.")
        if Facility.objects.filter(code__startswith=volume.CODE_PREFIX).exists():
            raise CommandError("Cette base contient déjà un volume de test (structures vol-…) : "
                               "utilisez une base vide.")
        started = time.monotonic()

        def progress(message: str) -> None:
            reset_queries()  # with DEBUG on, Django keeps every (huge) bulk statement in memory otherwise
            self.stderr.write(message)

        counts = volume.seed_volume(scale=volume.SCALES[scale], seed=seed, until=until, progress=progress)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Volume {scale} (graine {seed}) créé en {elapsed:.1f} s :"))
        for model, n in counts.items():
            self.stdout.write(f"  {model:<18} {n:>9}")
