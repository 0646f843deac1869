"""python manage.py backup FILE: every table with its checksums (see unit/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from unit.backup import backup


class Command(BaseCommand):
    help = "Sauvegarde toute la base dans un fichier (JSON compressé, avec une empreinte par table)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        manifest = backup(file)
        rows = sum(entry["rows"] for entry in manifest.values())
        self.stdout.write(f"Sauvegarde écrite : {file} ({len(manifest)} tables, {rows} lignes).")
