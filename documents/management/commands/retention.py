"""List the dossiers past their retention; anonymise those named, on a reasoned decision (--dry-run: say what
would be done and change nothing). Nothing is ever anonymised without being named: no automatic deletion."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from documents import anonymisation
from unit.models import Facility


class Command(BaseCommand):
    help = "Liste les dossiers dont la durée de conservation est dépassée ; anonymise ceux qui sont nommés."

    def add_arguments(self, parser):
        parser.add_argument("--facility", action="append", default=[], help="code de structure (toutes sinon)")
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="AAAA-MM-JJ (aujourd'hui sinon)")
        parser.add_argument("--anonymise", type=int, action="append", default=[], metavar="FAMILY_ID",
                            help="numéro d'un dossier listé à anonymiser (répétable)")
        parser.add_argument("--reason", default="", help="motif de la décision (obligatoire pour anonymiser)")
        parser.add_argument("--by", default="", help="identifiant de l'administrateur qui décide")
        parser.add_argument("--dry-run", action="store_true", help="ne rien modifier")

    def handle(self, *args, facility, today, anonymise, reason, by, dry_run, **options):
        today = today or timezone.localdate()
        facilities = Facility.objects.filter(code__in=facility) if facility else Facility.objects.all()
        clocks = anonymisation.dossiers_past_retention(facility_ids=set(facilities.values_list("pk", flat=True)),
                                                       today=today)
        for clock in clocks:
            self.stdout.write(f"{clock.family.pk}\t{clock.family.reference}\tdernier contact "
                              f"{clock.last_contact:%d/%m/%Y}\tfin de conservation {clock.retention_end:%d/%m/%Y}")
        self.stdout.write(f"{len(clocks)} dossier(s) au-delà de leur durée de conservation.")
        if not anonymise:
            return
        listed = {clock.family.pk: clock.family for clock in clocks}
        unknown = sorted(set(anonymise) - set(listed))
        if unknown:
            raise CommandError(f"Dossiers non listés (conservation non échue ou inconnus) : {unknown}")
        if not reason.strip():
            raise CommandError("--reason est obligatoire : la décision d'anonymiser est motivée.")
        user = get_user_model().objects.get(username=by) if by else None
        for pk in anonymise:
            try:
                result = anonymisation.family_anonymise(user=user, family=listed[pk], reason=reason, today=today,
                                                        dry_run=dry_run)
            except ValidationError as error:
                raise CommandError(f"{pk}: {' '.join(error.messages)}") from error
            if dry_run:
                self.stdout.write(f"dry-run {pk}: {result.counts}, {result.files} fichier(s)")
            else:
                self.stdout.write(f"{pk} anonymisé (décision n° {result.pk}).")
