"""Navigation by role: what the base template shows the signed-in user."""

from django.utils.translation import gettext_lazy as _

from unit import access


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    perms = access.permissions_anywhere(user)
    items = []
    if access.VIEW_RECORDS in perms:
        items.append(("admissions:index", _("Admissions")))
    if perms & {access.VIEW_RECORDS, access.EDIT_ASSESSMENTS}:
        items.append(("assessments:index", _("Évaluations")))
    if access.VIEW_DASHBOARDS in perms:
        items.append(("dashboards:index", _("Tableaux de bord")))
    if access.may_import(user):
        items.append(("interchange:import_upload", _("Import")))
    if access.ADMINISTER in perms:
        items.append(("audit_list", _("Journal d'accès")))
        items.append(("records_in_error", _("Saisies par erreur")))
    if access.ADMINISTER in perms or user.is_staff:
        items.append(("admin:index", _("Administration")))
    return {
        "nav_items": items,
        "nav_facilities": access.facility_names(user),
        "nav_permissions": perms,
    }
