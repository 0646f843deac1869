"""App configuration of the unit package (facilities, roles, reference lists)."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_reference_lists(sender, using="default", **kwargs):
    # Runs after every migrate: adds the DOMAIN.md codes that are missing, keeps edited labels.
    from unit.services import reference_sync

    if using == "default":
        reference_sync()


class UnitConfig(AppConfig):
    name = "unit"
    verbose_name = _("Structures et accès")

    def ready(self) -> None:
        post_migrate.connect(_sync_reference_lists, sender=self)
