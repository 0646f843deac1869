"""App configuration of interchange: what crosses every domain (spreadsheet import, subject access, demo and
volume data). It sits above the other apps and nothing below imports it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from unit.registry import registry


class InterchangeConfig(AppConfig):
    name = "interchange"
    verbose_name = _("Échanges de données")

    def ready(self) -> None:
        from unit import access  # noqa: PLC0415 - access imports the models, not loaded before ready()

        registry.navigation("interchange:import_upload", _("Import"), order=40,
                            shown=lambda user, perms: access.may_import(user))
