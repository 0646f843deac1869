"""python manage.py restore FILE --yes: replace the database content by a backup, verified before any write."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unit.backup import restore


class Command(BaseCommand):
    help = ("Restaure une sauvegarde chiffrée avec BACKUP_KEY (remplace tout le contenu de la base), "
            "vérifiée avant toute écriture.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="confirme le remplacement du contenu")

    def handle(self, *args, file: Path, yes: bool, **options):
        if not file.exists():
            raise CommandError(f"Fichier introuvable : {file}")
        if not yes:
            raise CommandError("La restauration remplace tout le contenu de la base : relancez avec --yes.")
        try:
            tables = restore(file)
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restauration vérifiée : {len(tables)} tables identiques à la sauvegarde.")
