"""App configuration of the daily record (journal, and what it adds to the admissions pages)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from unit.registry import registry


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = _("Journal")

    def ready(self) -> None:
        _register()


def _register() -> None:
    # What the foundation and the admissions pages must know of the journal (unit/registry.py).
    from admissions import hooks  # noqa: PLC0415
    from journal import views  # noqa: PLC0415 - views import the models, not loaded before ready()
    from unit import access  # noqa: PLC0415

    registry.history_app("journal")
    for model in ("note", "caregoal", "goalreview", "parentparticipation"):
        registry.entered_in_error(f"journal.{model}", access.EDIT_CARE)
    registry.entered_in_error("journal.contact", access.LOG_CONTACTS)
    registry.navigation("journal:search", _("Journal"), order=15,
                        shown=lambda user, perms: access.VIEW_RECORDS in perms)
    registry.navigation("journal:contacts", _("Contacts sans dossier"), order=16,
                        shown=lambda user, perms: access.LOG_CONTACTS in perms)
    registry.navigation("journal:templates", _("Modèles de note"), order=90,
                        shown=lambda user, perms: access.ADMINISTER in perms)
    registry.contribute(hooks.STAY_LINKS, views.stay_link)
    registry.contribute(hooks.FAMILY_LINKS, views.family_link)
    # The end of a dossier's life (documents/hooks.py): notes count as contacts, their texts are anonymised.
    from documents import hooks as documents_hooks  # noqa: PLC0415
    from journal import retention  # noqa: PLC0415

    registry.contribute(documents_hooks.LAST_CONTACT, retention.last_note_day)
    registry.contribute(documents_hooks.ANONYMISE_RECORDS, retention.notes_to_anonymise)
