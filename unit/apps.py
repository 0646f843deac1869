"""App configuration of the unit package (facilities, roles, reference lists)."""

from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate, post_save, pre_save
from django.utils.translation import gettext_lazy as _

from unit.registry import registry


def _sync_reference_lists(sender, using="default", **kwargs):
    # Runs after every migrate: adds the DOMAIN.md codes that are missing, keeps edited labels.
    from unit.services import reference_sync  # noqa: PLC0415 - models load after apps.py

    if using == "default":
        reference_sync()


class UnitConfig(AppConfig):
    name = "unit"
    verbose_name = _("Structures et accès")

    def ready(self) -> None:
        post_migrate.connect(_sync_reference_lists, sender=self)
        _connect_security_signals()
        _register()


def _register() -> None:
    # The foundation's own records and links, declared like any app's (unit/registry.py).
    from unit import access  # noqa: PLC0415 - access imports the models, not loaded before ready()

    registry.history_app("unit")
    registry.shared_records("unit.organisation", "unit.referenceitem")
    registry.navigation("audit_list", _("Journal d'accès"), order=100,
                        shown=lambda user, perms: access.ADMINISTER in perms)
    registry.navigation("records_in_error", _("Saisies par erreur"), order=110,
                        shown=lambda user, perms: access.ADMINISTER in perms)
    registry.navigation("admin:index", _("Administration"), order=120,
                        shown=lambda user, perms: access.ADMINISTER in perms or user.is_staff)


def _connect_security_signals() -> None:
    # Session clocks start at login; deactivating a user ends their sessions (unit/security.py).
    from unit import security  # noqa: PLC0415 - imports the auth models, loaded after apps.py

    user_logged_in.connect(security.session_mark_login, dispatch_uid="unit.security.login")
    pre_save.connect(security.user_remember_active, sender=settings.AUTH_USER_MODEL,
                     dispatch_uid="unit.security.remember_active")
    post_save.connect(security.user_end_sessions_on_deactivation, sender=settings.AUTH_USER_MODEL,
                      dispatch_uid="unit.security.end_sessions")
