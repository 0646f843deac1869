"""The audit of reads: who opened, searched or exported which record, written once per audited request.

Writes are traced by the history of each record (unit.history); this module traces the reads of
health data. Failing to write the trace fails the request (fail closed): a page of health data is
never shown without its audit entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from unit import access
from unit.client_address import client_address
from unit.models import AuditEntry, Facility

logger = logging.getLogger(__name__)

READ = AuditEntry.Action.READ
SEARCH = AuditEntry.Action.SEARCH
EXPORT = AuditEntry.Action.EXPORT
SUBJECT_ACCESS = AuditEntry.Action.SUBJECT_ACCESS

SAFE_METHODS = ("GET", "HEAD")
# Set on the request by a view that writes its own entry (the subject-access export), so that the
# middleware does not write a second one.
WRITTEN = "_audit_written"
# Set by a view that has loaded the audited record: (model label, pk, facility id).
FACILITY_HINT = "_audit_facility"


@dataclass(frozen=True)
class Audited:
    """How one page is audited: the action, what it shows, and where the record's id is in the URL."""

    action: str
    # A model label (admissions.stay), or a function of the URL's kwargs giving one; "" = the URL name.
    what: str | Callable[[Mapping], str] = ""
    pk_kwarg: str | None = None
    # A list page is a search only when one of these parameters has a value; otherwise it is not audited.
    when_params: tuple[str, ...] = ()


def _record_named_in_url(kwargs: Mapping) -> str:
    return f"{kwargs['app_label']}.{kwargs['model_name']}".lower()


def _person_named_in_url(kwargs: Mapping) -> str:
    return f"admissions.{kwargs['kind']}"


# Pages of named records. Lists (admissions:index, assessments:index, board, waiting list) are
# not audited: the records behind them are audited when opened.
AUDITED: dict[str, Audited] = {
    "admissions:family_detail": Audited(READ, "admissions.family", "pk"),
    "admissions:stay_detail": Audited(READ, "admissions.stay", "pk"),
    "admissions:request_detail": Audited(READ, "admissions.admissionrequest", "pk"),
    "admissions:child_edit": Audited(READ, "admissions.child", "pk"),
    "admissions:adult_edit": Audited(READ, "admissions.adult", "pk"),
    "admissions:stay_edit": Audited(READ, "admissions.stay", "pk"),
    "assessments:assessment_detail": Audited(READ, "assessments.assessment", "pk"),
    "assessments:assessment_edit": Audited(READ, "assessments.assessment", "pk"),
    "assessments:child_trajectory": Audited(READ, "admissions.child", "pk"),
    "record_history": Audited(READ, _record_named_in_url, "pk"),
    "subject_access": Audited(READ, _person_named_in_url, "pk"),
    "admissions:families": Audited(SEARCH, "admissions.family", when_params=("q",)),
    "dashboards:report_json": Audited(EXPORT),
    "dashboards:table_csv": Audited(EXPORT),
}
EXPORT_WORDS = ("export", "download")


def rule_for(request: HttpRequest, response: HttpResponse) -> tuple[str, Audited] | None:
    """(view name, rule) when this answered request must be audited, else None."""
    match = getattr(request, "resolver_match", None)
    if match is None or response.status_code != 200:
        return None
    view_name = match.view_name
    rule = AUDITED.get(view_name)
    if rule is not None and request.method in SAFE_METHODS:
        if rule.when_params and not _used_params(request, rule.when_params):
            return None
        return view_name, rule
    if any(word in view_name for word in EXPORT_WORDS) or _is_attachment(response):
        return view_name, Audited(EXPORT)
    return None


def _is_attachment(response: HttpResponse) -> bool:
    return response.get("Content-Disposition", "").lower().startswith("attachment")


def _used_params(request: HttpRequest, names: tuple[str, ...] | None = None) -> list[str]:
    """Names of the query parameters that carry a value (never the values: a search term is personal data)."""
    params = request.GET
    return sorted(name for name in params if any(v.strip() for v in params.getlist(name))
                  and (names is None or name in names))


def client_ip(request: HttpRequest) -> str | None:
    # The same address as the lockout's (AXES_CLIENT_IP_CALLABLE): the client behind the trusted proxies.
    return client_address(request)


def facility_path(model: type[models.Model]) -> str | None:
    """The lookup from a record to the facility it belongs to (a family: its own facility)."""
    if model is Facility:
        return "pk"
    names = {field.name: field for field in model._meta.concrete_fields}
    if "facility" in names:
        return "facility"
    for parent in ("stay", "assessment", "family", "child"):
        field = names.get(parent)
        if field is not None and field.is_relation:
            sub = facility_path(field.related_model)
            return f"{parent}__{sub}" if sub else None
    return None


def facility_of(label: str, pk: object) -> int | None:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    path = facility_path(model)
    if path is None:
        return None
    return model._default_manager.filter(pk=pk).values_list(path, flat=True).first()


def _facility_without_record(request: HttpRequest) -> int | None:
    """A search or export belongs to the one facility it can reach (asked for, or the user's only one).

    Across several facilities it belongs to none, and only superusers see it.
    """
    codes = {code for code in request.GET.getlist("facility") if code}
    if len(codes) == 1:
        return Facility.objects.filter(code=codes.pop()).values_list("pk", flat=True).first()
    if codes:
        return None
    reachable = set().union(*(access.facility_ids(request.user, p) for p in access.ALL_PERMISSIONS))
    return reachable.pop() if len(reachable) == 1 else None


def known_facility(request: HttpRequest, obj: models.Model | None, facility_id: int | None) -> None:
    """A view that has resolved where its page belongs says so: the entry needs no lookup of its own.

    `obj` is the audited record; None for a page of no one record (a report: its one facility, or
    None when it spans several).
    """
    key = (obj._meta.label_lower, str(obj.pk)) if obj is not None else ("", "")
    setattr(request, FACILITY_HINT, (*key, facility_id))


def entry_for(request: HttpRequest, view_name: str, rule: Audited) -> AuditEntry:
    kwargs = request.resolver_match.kwargs
    what = rule.what(kwargs) if callable(rule.what) else (rule.what or view_name)
    object_id = str(kwargs.get(rule.pk_kwarg, "")) if rule.pk_kwarg else ""
    hint = getattr(request, FACILITY_HINT, None)
    if hint is not None and hint[:2] == ((what.lower(), object_id) if object_id else ("", "")):
        facility_id = hint[2]
    else:
        facility_id = facility_of(what, object_id) if object_id else _facility_without_record(request)
    return new_entry(request, action=rule.action, what=what, object_id=object_id, facility_id=facility_id)


def new_entry(request: HttpRequest, *, action: str, what: str, object_id: object = "",
              facility_id: int | None = None) -> AuditEntry:
    user = request.user if request.user.is_authenticated else None
    return AuditEntry(
        user=user, action=action, what=what[:100], object_id=str(object_id)[:64], facility_id=facility_id,
        path=request.path[:500], query=",".join(_used_params(request))[:200], ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
    )


def write(request: HttpRequest, entry: AuditEntry) -> AuditEntry:
    """Insert the entry; a failure is logged (identifiers only) and propagates: no trace, no answer."""
    try:
        entry.save()
    except Exception:
        logger.exception("Audit entry not written: %s %s on %s", entry.action, entry.what, request.path)
        raise
    setattr(request, WRITTEN, True)
    return entry


def record(request: HttpRequest, *, action: str, what: str, object_id: object = "",
           facility_id: int | None = None) -> AuditEntry:
    """Write one entry from a view (the subject-access export); the middleware then adds none."""
    return write(request, new_entry(request, action=action, what=what, object_id=object_id,
                                    facility_id=facility_id))


class AuditReadMiddleware:
    """One INSERT for each audited page answered 200 to a signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.user.is_authenticated or getattr(request, WRITTEN, False):
            return response
        found = rule_for(request, response)
        if found is not None:
            write(request, entry_for(request, *found))
        return response


# ---------------------------------------------------------------- reading the trail


def entries_visible(user: AbstractBaseUser | AnonymousUser) -> QuerySet[AuditEntry]:
    """Entries of the facilities the user administers; entries of no facility only for superusers."""
    reach = Q(facility_id__in=access.facility_ids(user, access.ADMINISTER))
    if user.is_superuser:
        reach |= Q(facility_id__isnull=True)
    return AuditEntry.objects.filter(reach).select_related("user")


def entries_filtered(user: AbstractBaseUser | AnonymousUser, *, username: str = "", action: str = "",
                     what: str = "", object_id: str = "", date_from: date | None = None,
                     date_to: date | None = None) -> QuerySet[AuditEntry]:
    entries = entries_visible(user)
    if username:
        entries = entries.filter(user__username=username)
    if action:
        entries = entries.filter(action=action)
    if what:
        entries = entries.filter(what=what)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    return entries.order_by("-at", "-pk")
