"""Print a single-use two-factor enrolment link for a user: the very first administrator's way in.

Later administrators receive theirs from another administrator (admin, Users, action « Émettre un lien
d'inscription à la double authentification »). Run on the server: whoever can run it already holds the
machine.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from unit import security


class Command(BaseCommand):
    help = "Print a single-use link with which USERNAME registers their first two-factor device."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--base-url", default="", help="the site's address, e.g. https://dossier.example.org")

    def handle(self, *args, username: str, base_url: str, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        token = security.enrolment_link_issue(user=user, issued_by=None)
        self.stdout.write(base_url.rstrip("/") + reverse("otp_enrol_link", args=[token]))
