"""Write the empty import workbook (version 1 of DOMAIN.md) with its help, drop-down lists and README."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interchange.importer import build_template


class Command(BaseCommand):
    help = "Écrit le modèle de classeur d'import (.xlsx) : feuilles, colonnes, aides et listes de codes."

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path, help="Fichier .xlsx à écrire")

    def handle(self, *args, out: Path, **options):
        if out.suffix.lower() != ".xlsx":
            raise CommandError("Le modèle s'écrit dans un fichier .xlsx.")
        try:
            build_template(out)
        except OSError as error:
            raise CommandError(f"Impossible d'écrire {out} : {error.strerror or error}") from error
        self.stdout.write(f"Modèle d'import écrit : {out}")
