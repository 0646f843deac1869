"""The audit of reads: who opened, searched or exported which record, written once per audited request.

Writes are traced by the history of each record (unit.history); this module traces the reads of
health data. Failing to write the trace fails the request (fail closed): a page of health data is
never shown without its audit entry.

Each view declares itself next to its code: `@audited(...)` (a page of named records: every page it
answers is audited, and it answers only the methods it names, 405 otherwise) or `@not_audited("why")`.
The foundation names no other app's page; tests/unit/test_audit_declared.py fails on a view with neither.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

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
# Set by a view of no one record that knows which facilities its page covered (a report).
COVERED_HINT = "_audit_covered"
# The attribute a declared view carries.
RULE = "audit_rule"


@dataclass(frozen=True)
class Audited:
    """How one page is audited: the action, what it shows, and where the record's id is in the URL."""

    action: str
    # A model label (admissions.stay), or a function of the URL's kwargs giving one; "" = the URL name.
    what: str | Callable[[Mapping], str] = ""
    pk_kwarg: str | None = None
    # When one of these parameters has a value the page is a search (the action becomes SEARCH).
    search_params: tuple[str, ...] = ()
    # The methods the view answers; any other is refused with 405 before the view runs.
    methods: tuple[str, ...] = SAFE_METHODS
    # A page of no one record covers the facilities where the user holds this permission (narrowed by
    # its `facility` parameter), unless the view names them (`covered`).
    permission: str = access.VIEW_RECORDS


@dataclass(frozen=True)
class NotAudited:
    """A view declared as showing no named record, and why."""

    reason: str


def audited(action: str, what: str | Callable[[Mapping], str] = "", *, pk_kwarg: str | None = None,
            search_params: tuple[str, ...] = (), methods: tuple[str, ...] = SAFE_METHODS,
            permission: str = access.VIEW_RECORDS) -> Callable:
    """Declare a view that shows named records: every page it answers is audited, other methods get 405.

    A view that also takes a form keeps POST in `methods`; the page it shows again (a form with errors)
    is audited like the page itself, and a redirect after a write (traced by the history) is not.
    """
    rule = Audited(action, what, pk_kwarg, tuple(search_params), tuple(methods), permission)

    def decorate(view: Callable) -> Callable:
        wrapped = require_http_methods(list(rule.methods))(view)
        setattr(wrapped, RULE, rule)
        return wrapped

    return decorate


def not_audited(reason: str) -> Callable:
    """Declare a view that shows no named record (`reason` says why); it is never audited."""
    if not reason.strip():
        raise ValueError("A view not audited says why.")

    def decorate(view: Callable) -> Callable:
        setattr(view, RULE, NotAudited(reason))
        return view

    return decorate


def rule_of(view: Callable) -> Audited | NotAudited | None:
    """The declaration of a view (or of the class behind a class-based view); None when undeclared."""
    rule = getattr(view, RULE, None)
    if rule is None:
        rule = getattr(getattr(view, "view_class", None), RULE, None)
    return rule


def record_named_in_url(kwargs: Mapping) -> str:
    """`what` of a page whose URL names the model (the history page)."""
    return f"{kwargs['app_label']}.{kwargs['model_name']}".lower()


# Answers that show nothing: redirects, refusals, errors (the error page names no record).
def _shows_nothing(status: int) -> bool:
    return 300 <= status < 400 or status in (401, 403, 404, 405, 410) or status >= 500


def rule_for(request: HttpRequest, response: HttpResponse) -> tuple[str, Audited] | None:
    """(view name, rule) when this answered request must be audited, else None."""
    match = getattr(request, "resolver_match", None)
    if match is None or _shows_nothing(response.status_code):
        return None
    rule = rule_of(match.func)
    if not isinstance(rule, Audited):
        return None
    return match.view_name, rule


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


def covered(request: HttpRequest, facility_ids: Iterable[int]) -> None:
    """A view names the facilities its page covered (a report: the facilities asked for; an export record:
    its facilities); the page is then audited once for each of them."""
    setattr(request, COVERED_HINT, sorted(set(facility_ids)))


def _facilities_covered(request: HttpRequest, rule: Audited) -> list[int]:
    """The facilities a list, search or export covered: those the view named, else those where the user
    holds the rule's permission, narrowed to the facilities its `facility` parameter asks for."""
    named = getattr(request, COVERED_HINT, None)
    if named is not None:
        return named
    reachable = access.facility_ids(request.user, rule.permission)
    codes = {code for code in request.GET.getlist("facility") if code}
    if codes:
        reachable &= set(Facility.objects.filter(code__in=codes).values_list("pk", flat=True))
    return sorted(reachable)


def known_facility(request: HttpRequest, obj: models.Model, facility_id: int | None) -> None:
    """A view that has resolved where its record belongs says so: the entry needs no lookup of its own."""
    setattr(request, FACILITY_HINT, (obj._meta.label_lower, str(obj.pk), facility_id))


def entries_for(request: HttpRequest, view_name: str, rule: Audited) -> list[AuditEntry]:
    """The entries of one answered page: one for a record; for a page of no one record, one for each
    facility it covered (each facility's administrators see it), or one of no facility when it covered none."""
    kwargs = request.resolver_match.kwargs
    what = rule.what(kwargs) if callable(rule.what) else (rule.what or view_name)
    action = SEARCH if rule.search_params and _used_params(request, rule.search_params) else rule.action
    object_id = str(kwargs.get(rule.pk_kwarg, "")) if rule.pk_kwarg else ""
    named = getattr(request, COVERED_HINT, None)
    if object_id and named is None:
        hint = getattr(request, FACILITY_HINT, None)
        if hint is not None and hint[:2] == (what.lower(), object_id):
            facility_id = hint[2]
        else:
            facility_id = facility_of(what, object_id)
        return [new_entry(request, action=action, what=what, object_id=object_id, facility_id=facility_id)]
    # A page of no one record, or of a record of several facilities (an export): each facility covered.
    facility_ids = _facilities_covered(request, rule) or [None]
    return [new_entry(request, action=action, what=what, object_id=object_id, facility_id=facility_id)
            for facility_id in facility_ids]


def new_entry(request: HttpRequest, *, action: str, what: str, object_id: object = "",
              facility_id: int | None = None) -> AuditEntry:
    user = request.user if request.user.is_authenticated else None
    return AuditEntry(
        user=user, action=action, what=what[:100], object_id=str(object_id)[:64], facility_id=facility_id,
        path=request.path[:500], query=",".join(_used_params(request))[:200], ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
    )


def write(request: HttpRequest, entries: list[AuditEntry]) -> list[AuditEntry]:
    """Insert the entries (one INSERT); a failure is logged (identifiers only) and propagates: no trace,
    no answer."""
    try:
        if len(entries) == 1:
            entries[0].save()
        else:
            AuditEntry.objects.bulk_create(entries)
    except Exception:
        logger.exception("Audit entry not written: %s %s on %s", entries[0].action, entries[0].what, request.path)
        raise
    setattr(request, WRITTEN, True)
    return entries


def record(request: HttpRequest, *, action: str, what: str, object_id: object = "",
           facility_id: int | None = None) -> AuditEntry:
    """Write one entry from a view (the subject-access export); the middleware then adds none."""
    return write(request, [new_entry(request, action=action, what=what, object_id=object_id,
                                     facility_id=facility_id)])[0]


class AuditReadMiddleware:
    """One INSERT for each page of a declared-audited view that a signed-in user was shown."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.user.is_authenticated or getattr(request, WRITTEN, False):
            return response
        found = rule_for(request, response)
        if found is not None:
            write(request, entries_for(request, *found))
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
