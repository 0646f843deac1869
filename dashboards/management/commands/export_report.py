"""Write the report workbook of facilities over a period to a file, and record the export."""

import shutil
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dashboards import exports, linelist
from dashboards.management.report_arguments import add_report_arguments, facilities_and_period
from dashboards.models import ExportRecord, FunderProfile


class Command(BaseCommand):
    help = "Écrit le classeur Excel du rapport d'une ou plusieurs structures sur une période, et l'enregistre."

    def add_arguments(self, parser):
        add_report_arguments(parser)
        parser.add_argument("--out", required=True, help="fichier .xlsx à écrire")
        parser.add_argument("--profile", help="nom du profil de financeur (sinon : interne, sans liste des séjours)")
        parser.add_argument("--user", help="nom d'utilisateur enregistré comme auteur de l'export")

    def handle(self, *args, facility, start, end, out, profile=None, user=None, **options):
        facilities, period = facilities_and_period(facility, start, end, organisation=options.get("organisation"))
        chosen = None
        if profile:
            chosen = FunderProfile.objects.filter(name=profile, active=True).first()
            if chosen is None:
                known = ", ".join(FunderProfile.objects.filter(active=True).values_list("name", flat=True))
                raise CommandError(f"Profil inconnu ou inactif : {profile} (actifs : {known or 'aucun'}).")
        author = None
        if user:
            author = get_user_model().objects.filter(username=user, is_active=True).first()
            if author is None:
                raise CommandError(f"Utilisateur inconnu : {user}")
        total = None
        if chosen is not None and "line_list" in chosen.sheet_names:
            total = linelist.stays_in(facilities, period).count()

        def progress(done: int) -> None:
            self.stderr.write(f"Liste des séjours : {done} / {total} lignes", ending="\r" if done < total else "\n")

        record = exports.export_create(user=author, facilities=facilities, period=period, profile=chosen,
                                       source=ExportRecord.Source.COMMAND, progress=progress if total else None)
        target = Path(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(exports.export_path(record), target)
        self.stdout.write(f"{target} — export n° {record.pk}, profil « {record.profile_name} », "
                          f"{record.line_list_rows} lignes de séjours")
        self.stdout.write(f"Empreinte des indicateurs (SHA-256) : {record.indicators_sha256}")
        self.stdout.write(f"Empreinte du fichier (SHA-256) : {record.file_sha256}")
