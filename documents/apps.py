"""App configuration of documents, consents and retention."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from unit.registry import registry


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents et consentements")

    def ready(self) -> None:
        _register()


def _register() -> None:
    # What the foundation and the admissions pages must know of documents (unit/registry.py).
    # These modules import the models, which are not loaded before ready().
    from admissions import hooks  # noqa: PLC0415
    from documents import sections, selectors, services  # noqa: PLC0415
    from unit import access  # noqa: PLC0415

    registry.history_app("documents")
    registry.entered_in_error("documents.document", access.EDIT_CARE)
    registry.entered_in_error("documents.consent", access.EDIT_CARE)
    registry.contribute(hooks.SHARING_CHECKS, services.sharing_problem)
    registry.contribute(hooks.FAMILY_SECTIONS, sections.family_section)
    registry.contribute(hooks.STAY_SECTIONS, sections.stay_section)
    registry.contribute(hooks.STAY_PREFETCH, selectors.documents_of_stay_prefetch)
    registry.contribute(hooks.STAY_EVENTS, sections.stay_events)
    registry.navigation("documents:retention", _("Conservation"), order=90,
                        shown=lambda user, perms: access.ADMINISTER in perms)
