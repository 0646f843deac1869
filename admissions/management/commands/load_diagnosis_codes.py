"""Load an organisation's list of diagnosis codes (e.g. its ICD-10 or local list) from a CSV file."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from admissions.models import DiagnosisCode
from unit.history import record_save
from unit.vocabularies import codes


class Command(BaseCommand):
    help = "Charge une liste de codes diagnostiques (CSV : code,label_fr,label_en) pour une classification."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--classification", required=True, choices=sorted(codes("diagnosis_classification")))

    def handle(self, *args, file: Path, classification: str, **options):
        if not file.exists():
            raise CommandError(f"Fichier introuvable : {file}")
        try:
            with file.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.DictReader(handle))
        except (UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"Fichier illisible (CSV UTF-8 attendu) : {error}") from error
        missing = {"code", "label_fr", "label_en"} - set(rows[0].keys() if rows else ())
        if missing:
            raise CommandError("Colonnes manquantes : " + ", ".join(sorted(missing)))
        errors = [f"ligne {n}: code vide" for n, row in enumerate(rows, start=2) if not row["code"].strip()]
        if errors:
            raise CommandError("Rien n'a été chargé. " + "; ".join(errors[:20]))
        created = updated = 0
        with transaction.atomic():
            existing = {c.code: c for c in DiagnosisCode.objects.filter(classification=classification)}
            for row in rows:
                code = row["code"].strip()
                item = existing.get(code) or DiagnosisCode(classification=classification, code=code)
                if item.pk and (item.label_fr, item.label_en) == (row["label_fr"].strip(), row["label_en"].strip()):
                    continue
                item.label_fr, item.label_en, item.active = row["label_fr"].strip(), row["label_en"].strip(), True
                record_save(item, user=None, reason=f"Chargé depuis {file.name}")
                created, updated = (created + 1, updated) if item.version == 1 else (created, updated + 1)
        self.stdout.write(f"{created} codes ajoutés, {updated} mis à jour ({classification}).")
