"""Navigation by role: what the base template shows the signed-in user (each app registers its links)."""

from unit import access
from unit.registry import registry


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    perms = access.permissions_anywhere(user)
    return {
        "nav_items": [(entry.url_name, entry.label) for entry in registry.navigation_for(user, perms)],
        "nav_facilities": access.facility_names(user),
        "nav_permissions": perms,
    }
