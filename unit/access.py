"""The one door for access: which facilities a user may see, and what each role may do there.

Every selector of clinical data filters through `scope()`; views never filter by facility
themselves. Memberships are read once per request and cached on the user object.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from unit.models import Facility, Membership
from unit.registry import registry

VIEW_RECORDS = "view_records"
EDIT_ADMISSIONS = "edit_admissions"
EDIT_CARE = "edit_care"
EDIT_ASSESSMENTS = "edit_assessments"
VIEW_DASHBOARDS = "view_dashboards"
EXPORT_REPORTS = "export_reports"
IMPORT_DATA = "import_data"
ADMINISTER = "administer"
# Restricted journal notes (psychotherapy content): their author and the facility's therapists only.
READ_RESTRICTED = "read_restricted"
# The log of calls answered without opening a dossier (no name in it): who answers the phone writes it.
LOG_CONTACTS = "log_contacts"

# The permission matrix of docs/security.md. A role grants its permissions only in the
# facilities of the membership that carries it.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Membership.Role.ADMISSIONS: frozenset({VIEW_RECORDS, EDIT_ADMISSIONS, EDIT_CARE, LOG_CONTACTS}),
    Membership.Role.THERAPIST: frozenset({VIEW_RECORDS, EDIT_CARE, EDIT_ASSESSMENTS, READ_RESTRICTED, LOG_CONTACTS}),
    Membership.Role.MANAGER: frozenset({VIEW_RECORDS, VIEW_DASHBOARDS, EXPORT_REPORTS, LOG_CONTACTS}),
    # Reporting officers work on aggregates and pseudonymised line lists, not on named records: every
    # sheet of the import but `facilities` writes named records, so they import nothing.
    Membership.Role.REPORTING: frozenset({VIEW_DASHBOARDS, EXPORT_REPORTS}),
    Membership.Role.ADMIN: frozenset({VIEW_RECORDS, ADMINISTER, IMPORT_DATA}),
}
ALL_PERMISSIONS = frozenset().union(*ROLE_PERMISSIONS.values())


def _load(user: AbstractBaseUser) -> None:
    """One query: the user's grants per facility, and the names of those facilities (for the navigation)."""
    grants: dict[int, set[str]] = {}
    names: dict[int, str] = {}
    if user.is_superuser:
        for facility_id, name in Facility.objects.filter(active=True).values_list("pk", "name"):
            grants[facility_id] = set(ALL_PERMISSIONS)
            names[facility_id] = name
    else:
        rows = Membership.objects.filter(user=user, active=True, facility__active=True).values_list(
            "facility_id", "role", "facility__name"
        )
        for facility_id, role, name in rows:
            grants.setdefault(facility_id, set()).update(ROLE_PERMISSIONS.get(role, ()))
            names[facility_id] = name
    user._unit_grants = {fid: frozenset(perms) for fid, perms in grants.items()}
    user._unit_facility_names = sorted(names.values(), key=str.casefold)


def _grants(user: AbstractBaseUser | AnonymousUser) -> dict[int, frozenset[str]]:
    """facility id -> permissions of the user there (active memberships of active facilities)."""
    if not user.is_authenticated or not user.is_active:
        return {}
    if getattr(user, "_unit_grants", None) is None:
        _load(user)
    return user._unit_grants


def facility_names(user: AbstractBaseUser | AnonymousUser) -> list[str]:
    """Names of the facilities where the user holds any role, in alphabetical order (no query of its own)."""
    if not _grants(user):
        return []
    return user._unit_facility_names


def forget(user: AbstractBaseUser) -> None:
    """Drop the cached grants (after a membership change in the same request)."""
    for name in ("_unit_grants", "_unit_facility_names"):
        if hasattr(user, name):
            delattr(user, name)


def facility_ids(user: AbstractBaseUser | AnonymousUser, permission: str = VIEW_RECORDS) -> set[int]:
    return {fid for fid, perms in _grants(user).items() if permission in perms}


def facilities_for(user: AbstractBaseUser | AnonymousUser, permission: str = VIEW_RECORDS) -> QuerySet[Facility]:
    return Facility.objects.filter(pk__in=facility_ids(user, permission)).select_related("organisation")


def all_facilities(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Facility]:
    """Every facility where the user holds any role."""
    return Facility.objects.filter(pk__in=list(_grants(user))).select_related("organisation")


def any_facility(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(_grants(user))


def permissions_anywhere(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    return frozenset().union(*_grants(user).values()) if _grants(user) else frozenset()


def has_permission(
    user: AbstractBaseUser | AnonymousUser, permission: str, facility: Facility | int | None = None
) -> bool:
    grants = _grants(user)
    if facility is None:
        return any(permission in perms for perms in grants.values())
    facility_id = facility if isinstance(facility, int) else facility.pk
    return permission in grants.get(facility_id, frozenset())


def require(user: AbstractBaseUser | AnonymousUser, permission: str, facility: Facility | int | None = None) -> None:
    if not has_permission(user, permission, facility):
        raise PermissionDenied


def may_import(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Who opens the import: `import_data` somewhere, or an active superuser even before the installation's
    first facility exists (its first import creates it)."""
    return has_permission(user, IMPORT_DATA) or bool(user.is_authenticated and user.is_active
                                                     and user.is_superuser)


def require_import(user: AbstractBaseUser | AnonymousUser) -> None:
    if not may_import(user):
        raise PermissionDenied


def import_facility_ids(user: AbstractBaseUser | AnonymousUser) -> set[int]:
    """The facilities an import may write into: the import writes named records, so the importer must
    also read them there (`import_data` and `view_records`)."""
    return facility_ids(user, IMPORT_DATA) & facility_ids(user, VIEW_RECORDS)


def scope(queryset: QuerySet, user: AbstractBaseUser | AnonymousUser, permission: str = VIEW_RECORDS) -> QuerySet:
    """Restrict `queryset` to the rows the user may reach with `permission`.

    The model says how a row hangs on facilities through `facility_scope(ids) -> Q`.
    """
    ids = facility_ids(user, permission)
    if not ids:
        return queryset.none()
    return queryset.filter(facility_q(queryset.model, ids))


def object_for(*, user: AbstractBaseUser | AnonymousUser, queryset_or_model: QuerySet | type[Model], pk: int,
               permission: str = VIEW_RECORDS) -> Model:
    """The object if the user may act on it with `permission`: the one door of every page about an object.

    Missing and unreachable objects answer 404 alike (nothing leaks about other facilities); reachable
    ones the user may only read answer 403. Records entered in error are not found.
    """
    qs = queryset_or_model if isinstance(queryset_or_model, QuerySet) else queryset_or_model._default_manager.all()
    if any(f.name == "entered_in_error" for f in qs.model._meta.fields):
        qs = qs.filter(entered_in_error=False)
    obj = scope(qs, user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    if permission != VIEW_RECORDS and not scope(qs, user, permission).filter(pk=pk).exists():
        raise PermissionDenied
    return obj


def facility_q(model: type[Model], ids: Iterable[int]) -> Q:
    ids = list(ids)
    scope_of = getattr(model, "facility_scope", None)
    if scope_of is not None:
        return scope_of(ids)
    if model is Facility:
        return Q(pk__in=ids)
    return Q(facility_id__in=ids)


def facilities_of(obj: Model) -> set[int]:
    """The facilities an object belongs to (for object-level checks such as the history page)."""
    of = getattr(obj, "facility_ids", None)
    if of is not None:
        return set(of())
    if isinstance(obj, Facility):
        return {obj.pk}
    facility_id = getattr(obj, "facility_id", None)
    return {facility_id} if facility_id is not None else set()


def can_reach(user: AbstractBaseUser | AnonymousUser, obj: Model, permission: str = VIEW_RECORDS) -> bool:
    """`permission` in a facility of `obj`, and, for a record that says who may read it (`readable_by(user)`,
    a restricted journal note), that the user is one of them."""
    if not facilities_of(obj) & facility_ids(user, permission):
        return False
    readable_by = getattr(obj, "readable_by", None)
    return readable_by is None or bool(readable_by(user))


def facilities_holding(obj: Model) -> set[int]:
    """The facilities that hold live records of `obj`: for a shared dossier, the facility that opened it
    and every facility with a request or a stay not entered in error; otherwise `facilities_of`."""
    of = getattr(obj, "holding_facility_ids", None)
    return set(of()) if of is not None else facilities_of(obj)


def can_act_in_every_holder(user: AbstractBaseUser | AnonymousUser, obj: Model, permission: str) -> bool:
    """`permission` in every facility that holds `obj`: a facility never hides what another one holds."""
    holders = facilities_holding(obj)
    return bool(holders) and holders <= facility_ids(user, permission)


def may_read_history(user: AbstractBaseUser | AnonymousUser, obj: Model) -> bool:
    """Who reads a record's history: its readers (its administrators for the unit app's records);
    for a shared record, any administrator."""
    if registry.is_shared(obj._meta.label_lower):  # registered by its app (apps.py)
        return has_permission(user, ADMINISTER)
    return can_reach(user, obj, ADMINISTER if obj._meta.app_label == "unit" else VIEW_RECORDS)
