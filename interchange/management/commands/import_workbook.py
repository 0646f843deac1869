"""Import a version-1 workbook: everything is checked first; with one error nothing is written."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from interchange.importer import import_workbook


class Command(BaseCommand):
    help = ("Importe un classeur .xlsx (format d'import version 1). Tout est vérifié d'abord ; "
            "à la moindre erreur, rien n'est écrit.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true",
                            help="Vérifie et compte ce qui serait créé, sans rien écrire.")
        parser.add_argument("--user", help="Nom d'utilisateur : auteur dans l'historique, et ses droits s'appliquent.")

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(f"Utilisateur inconnu ou inactif : {user}")
        result = import_workbook(file, user=account, commit=not dry_run, progress=self._progress())
        for warning in result.warnings:
            self.stdout.write(f"Avertissement — {warning}")
        if result.errors:
            for error in result.errors:
                self.stdout.write(str(error))
            self._summary(result)
            raise CommandError(f"{len(result.errors)} erreur(s) : rien n'a été importé.")
        title = "Vérification seule (--dry-run) : rien n'a été écrit." if dry_run else "Import terminé."
        self.stdout.write(title)
        self._summary(result)

    def _summary(self, result):
        """Per sheet: rows read = created + already present + refused."""
        for line in result.summary_lines():
            self.stdout.write(f"  {line}")

    def _progress(self):
        """Print on stderr each time another 5 % of the rows is done."""
        last = {"step": -1}

        def report(done: int, total: int) -> None:
            step = (100 * done // total) // 5 if total else 20
            if step != last["step"]:
                last["step"] = step
                self.stderr.write(f"{step * 5} %")

        return report
