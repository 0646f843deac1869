"""python manage.py backup FILE: every table with its checksums, encrypted with BACKUP_KEY (see unit/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unit.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Sauvegarde toute la base dans un fichier chiffré avec BACKUP_KEY (mode 0600, une empreinte "
            "par table).")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            manifest = backup(file)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        rows = sum(entry["rows"] for entry in manifest.values())
        self.stdout.write(f"Sauvegarde chiffrée écrite : {file} ({len(manifest)} tables, {rows} lignes).")
