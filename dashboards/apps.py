"""App configuration of dashboards."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from unit.registry import registry


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Tableaux de bord")

    def ready(self) -> None:
        _register()


def _register() -> None:
    # What the foundation must know of dashboards (unit/registry.py).
    from unit import access  # noqa: PLC0415 - access imports the models, not loaded before ready()

    registry.history_app("dashboards")
    registry.shared_records("dashboards.funderprofile")
    registry.navigation("dashboards:index", _("Tableaux de bord"), order=30,
                        shown=lambda user, perms: access.VIEW_DASHBOARDS in perms)
