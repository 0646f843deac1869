"""App configuration of the admissions pathway."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from unit.registry import registry


def _sync_icd11(sender, using="default", **kwargs):
    from admissions.services import diagnosis_codes_sync_icd11  # noqa: PLC0415 - models load after apps.py

    if using == "default":
        diagnosis_codes_sync_icd11()


class AdmissionsConfig(AppConfig):
    name = "admissions"
    verbose_name = _("Admissions")

    def ready(self) -> None:
        post_migrate.connect(_sync_icd11, sender=self)
        _register()


def _register() -> None:
    # What the foundation must know of admissions (unit/registry.py).
    from unit import access  # noqa: PLC0415 - access imports the models, not loaded before ready()

    registry.history_app("admissions")
    registry.shared_records("admissions.referrerorganisation", "admissions.diagnosiscode")
    for model in ("family", "child", "adult", "admissionrequest", "stay", "presenceperiod"):
        registry.entered_in_error(f"admissions.{model}", access.EDIT_ADMISSIONS)
    for model in ("diagnosis", "synthesismeeting", "intervention", "signalement"):
        registry.entered_in_error(f"admissions.{model}", access.EDIT_CARE)
    registry.navigation("admissions:index", _("Admissions"), order=10,
                        shown=lambda user, perms: access.VIEW_RECORDS in perms)
