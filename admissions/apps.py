"""App configuration of the admissions pathway."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_icd11(sender, using="default", **kwargs):
    from admissions.services import diagnosis_codes_sync_icd11

    if using == "default":
        diagnosis_codes_sync_icd11()


class AdmissionsConfig(AppConfig):
    name = "admissions"
    verbose_name = _("Admissions")

    def ready(self) -> None:
        post_migrate.connect(_sync_icd11, sender=self)
