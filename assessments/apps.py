"""App configuration of assessments."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from unit.registry import registry


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Évaluations")

    def ready(self) -> None:
        _register()


def _register() -> None:
    # What the foundation and the admissions pages must know of assessments (unit/registry.py).
    # These modules import the models, which are not loaded before ready().
    from admissions import hooks  # noqa: PLC0415
    from assessments import selectors  # noqa: PLC0415
    from unit import access  # noqa: PLC0415

    registry.history_app("assessments")
    registry.entered_in_error("assessments.assessment", access.EDIT_ASSESSMENTS)
    registry.navigation("assessments:index", _("Évaluations"), order=20,
                        shown=lambda user, perms: bool(perms & {access.VIEW_RECORDS, access.EDIT_ASSESSMENTS}))
    registry.contribute(hooks.OPEN_ALERTS, selectors.alerts_open)
    registry.contribute(hooks.STAY_PREFETCH, selectors.assessments_of_stay_prefetch)
