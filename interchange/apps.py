"""App configuration of interchange: what crosses every domain (spreadsheet import, subject access, demo and
volume data). It sits above the other apps and nothing below imports it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterchangeConfig(AppConfig):
    name = "interchange"
    verbose_name = _("Échanges de données")
