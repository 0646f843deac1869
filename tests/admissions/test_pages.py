"""Pages of the admissions pathway: who gets what, facility scoping, and a constant number of queries.

The status expected for each role is not written by hand: it is computed from the permission
matrix (`unit.access.ROLE_PERMISSIONS`) and the permission each view requires (the ROUTES table).

- the role holds the permission                      -> 200 (GET) / the write happens (POST)
- page of an object the role may read, but not act   -> 403
- page of an object, role cannot read records at all -> 404 (nothing leaks)
- page without object (lists, creation, code picker) -> 403
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from admissions import services as adm
from admissions import urls as admissions_urls
from admissions.models import AdmissionRequest, PresencePeriod
from tests import factories, page_matrix
from tests.page_matrix import ROLES, history_rows
from tests.page_matrix import version_of as _version
from unit import audit
from unit.access import EDIT_ADMISSIONS, EDIT_CARE, IMPORT_DATA, ROLE_PERMISSIONS, VIEW_RECORDS

REF_A, REF_B = "FAM-A-001", "FAM-B-001"


# ---------------------------------------------------------------- data


def _iso(day: date) -> str:
    return day.isoformat()


def _family_with_stay(facility, reference):
    """A family with two children (one in a current stay), a mother present, a father, and a request
    on the waiting list for the second child."""
    family = factories.family(facility=facility, reference=reference)
    child = factories.child(family=family)
    second_child = factories.child(family=family, birth_date=date(2025, 4, 1))
    mother = factories.adult(family=family, role="mother")
    father = factories.adult(family=family, role="father")
    stay = factories.stay(facility=facility, child=child, admitted_on=date(2025, 9, 10))
    presence = adm.presence_add(user=None, stay=stay, adult=mother, start=date(2025, 9, 10))
    waiting = factories.request(facility=facility, family=family, children=[second_child])
    waiting = adm.request_decide(user=None, request=waiting, decision="waiting_list", decided_on=date(2025, 9, 5),
                                 override_reason="test")
    return SimpleNamespace(facility=facility, family=family, child=child, second_child=second_child,
                           mother=mother, father=father, stay=stay, presence=presence, request=waiting)


@pytest.fixture
def world_a(facility_a):
    return _family_with_stay(facility_a, REF_A)


@pytest.fixture
def world_b(facility_b):
    return _family_with_stay(facility_b, REF_B)


# ---------------------------------------------------------------- what each view requires


@dataclass(frozen=True)
class Route:
    name: str
    permission: str
    obj: Callable | None = None  # world -> pk of the object the URL is about; None for pages without object
    post: Callable | None = None  # world -> valid POST data; None for pages that write nothing
    post_only: bool = False
    success: int = 302  # status of an accepted POST
    tags: tuple = field(default=())

    def url(self, world) -> str:
        name = self.name if ":" in self.name else f"admissions:{self.name}"  # the import lives in interchange
        return reverse(name, args=[self.obj(world)] if self.obj else [])

    def __str__(self) -> str:
        return self.name


def _eligibility_answers(w):
    manual = w.facility.criteria.filter(active=True, rule="manual").values_list("code", flat=True)
    return {f"c_{code}": "met" for code in manual}


ROUTES = [
    # lists and pages without object
    Route("index", VIEW_RECORDS),
    Route("board", VIEW_RECORDS),
    Route("waiting_list", VIEW_RECORDS),
    Route("families", VIEW_RECORDS),
    Route("family_create", EDIT_ADMISSIONS,
          post=lambda w: {"facility": w.facility.pk, "reference": "FAM-NEW-1", "notes": ""}),
    Route("diagnosis_codes", EDIT_CARE),
    Route("interchange:import_upload", IMPORT_DATA),
    Route("interchange:import_template", IMPORT_DATA),
    # family, children, adults
    Route("family_detail", VIEW_RECORDS, obj=lambda w: w.family.pk),
    Route("child_add", EDIT_ADMISSIONS, obj=lambda w: w.family.pk,
          post=lambda w: {"first_name": "Bob", "last_name": "Test", "sex": "M", "birth_date": "2025-05-01"}),
    Route("adult_add", EDIT_ADMISSIONS, obj=lambda w: w.family.pk,
          post=lambda w: {"role": "other_guardian", "first_name": "Dana", "last_name": "Test"}),
    Route("request_create", EDIT_ADMISSIONS, obj=lambda w: w.family.pk,
          post=lambda w: {"facility": w.facility.pk, "received_on": "2025-10-01", "requester": "professional",
                          "referrer_category": "hospital_maternity", "reason": "parent_infant_relationship",
                          "mandate": "none", "children": [w.second_child.pk]}),
    Route("child_edit", EDIT_ADMISSIONS, obj=lambda w: w.child.pk,
          post=lambda w: {"first_name": "Alicia", "last_name": "Test", "sex": "F", "birth_date": "2025-03-01",
                          "version": _version(w.child)}),
    Route("adult_edit", EDIT_ADMISSIONS, obj=lambda w: w.mother.pk,
          post=lambda w: {"role": "mother", "first_name": "Claudia", "last_name": "Test",
                          "birth_date": "1995-05-05", "nationality": "BE", "region": "",
                          "version": _version(w.mother)}),
    # requests
    Route("request_detail", VIEW_RECORDS, obj=lambda w: w.request.pk),
    Route("request_eligibility", EDIT_ADMISSIONS, obj=lambda w: w.request.pk, post_only=True,
          post=lambda w: {"version": _version(w.request), "planned_admission_on": "2025-10-05",
                          **_eligibility_answers(w)}),
    Route("request_evaluate", EDIT_ADMISSIONS, obj=lambda w: w.request.pk, post_only=True, success=200,
          post=lambda w: {"planned_admission_on": "2025-10-05", **_eligibility_answers(w)}),
    Route("request_decide", EDIT_ADMISSIONS, obj=lambda w: w.request.pk, post_only=True,
          post=lambda w: {"version": _version(w.request), "decision": "accepted", "decided_on": "2025-10-01",
                          "override_reason": "test"}),
    Route("request_admit", EDIT_ADMISSIONS, obj=lambda w: w.request.pk, post_only=True,
          post=lambda w: {"children": [w.second_child.pk], "admitted_on": "2025-10-05", "parents": [w.father.pk],
                          "residence_before": "family_home", "mandate": "none", "override_reason": "test"}),
    # stays
    Route("stay_detail", VIEW_RECORDS, obj=lambda w: w.stay.pk),
    Route("stay_admission_date", EDIT_ADMISSIONS, obj=lambda w: w.stay.pk,
          post=lambda w: {"admitted_on": "2025-09-09", "reason": "date de la pré-admission",
                          "version": _version(w.stay)}),
    Route("stay_edit", EDIT_ADMISSIONS, obj=lambda w: w.stay.pk,
          post=lambda w: {"planned_end_on": "2025-12-31", "residence_before": "hospital", "mandate": "none",
                          "version": _version(w.stay)}),
    Route("presence_add", EDIT_ADMISSIONS, obj=lambda w: w.stay.pk,
          post=lambda w: {"adult": w.father.pk, "start": "2025-09-15"}),
    Route("presence_end", EDIT_ADMISSIONS, obj=lambda w: w.presence.pk,
          post=lambda w: {"end": "2025-10-01"}),
    Route("diagnosis_add", EDIT_CARE, obj=lambda w: w.stay.pk,
          post=lambda w: {"subject": f"child:{w.child.pk}", "timepoint": "entry", "classification": "icd11",
                          "code": "6B40", "made_on": "2025-09-20"}),
    Route("meeting_add", EDIT_CARE, obj=lambda w: w.stay.pk,
          post=lambda w: {"held_on": "2025-09-30", "participants": "Équipe"}),
    Route("intervention_add", EDIT_CARE, obj=lambda w: w.stay.pk,
          post=lambda w: {"kind": "home_visit", "done_on": "2025-09-30", "duration_min": "60"}),
    Route("signalement_add", EDIT_CARE, obj=lambda w: w.stay.pk,
          post=lambda w: {"made_on": "2025-09-30", "addressee": "SAJ"}),
    Route("stay_discharge", EDIT_ADMISSIONS, obj=lambda w: w.stay.pk,
          post=lambda w: {"discharged_on": "2025-10-20", "discharge_kind": "planned",
                          "residence_after": "home_with_parent", "confirm_without_exit_diagnosis": "on",
                          "version": _version(w.stay)}),
]
BY_NAME = {route.name: route for route in ROUTES}
OBJECT_ROUTES = [r for r in ROUTES if r.obj]
LIST_ROUTES = [BY_NAME[n] for n in ("index", "waiting_list", "board", "families")]
WRITING_ROUTES = [r for r in ROUTES if r.post]


def expected_status(role: str, route: Route) -> int:
    """What the permission matrix says `role` (in the object's facility) gets on `route`."""
    return page_matrix.expected_status(role, route.permission, on_object=route.obj is not None)


# Product bugs that break a page for the roles that get past the permission check:
# route name -> pytest.mark.xfail(strict=True, reason="file:line ..."). Empty: none known.
KNOWN_BUGS: dict[str, pytest.MarkDecorator] = {}


def _cases(routes, roles=ROLES, *, with_bugs=True):
    return page_matrix.cases(routes, expected_status, known_bugs=KNOWN_BUGS, roles=roles, with_bugs=with_bugs)


def test_the_table_covers_every_url_of_the_admissions_pathway():
    # The import's pages (interchange/urls.py) are walked here too but for import_confirm, which needs the
    # upload's session token, and import_result, its job: tests/interchange/test_import.py and
    # tests/unit/test_jobs.py cover them.
    assert {p.name for p in admissions_urls.urlpatterns} == {name for name in BY_NAME if ":" not in name}


def test_the_table_reads_like_the_matrix():
    """A few anchors from the brief, so that the computed expectations cannot silently drift."""
    assert expected_status("therapist", BY_NAME["stay_discharge"]) == 403
    assert expected_status("therapist", BY_NAME["diagnosis_add"]) == 200
    assert expected_status("manager", BY_NAME["child_edit"]) == 403
    assert expected_status("reporting", BY_NAME["stay_detail"]) == 404
    assert expected_status("reporting", BY_NAME["index"]) == 403
    assert expected_status("admin", BY_NAME["family_detail"]) == 200


# ---------------------------------------------------------------- 1. status per role


@pytest.mark.django_db
@pytest.mark.parametrize("route,role", _cases([r for r in ROUTES if not r.post_only]))
def test_get_answers_the_status_of_the_permission_matrix(login, users_a, world_a, route, role):
    response = login(users_a[role]).get(route.url(world_a))
    assert response.status_code == expected_status(role, route)


@pytest.mark.django_db
@pytest.mark.parametrize("route,role", _cases([r for r in ROUTES if r.post_only]))
def test_post_only_views_refuse_get(login, users_a, world_a, route, role):
    before = history_rows()
    assert login(users_a[role]).get(route.url(world_a)).status_code == 405
    assert history_rows() == before


def _form_errors(response):
    form = response.context.get("form") if response.context else None
    return form.errors if form is not None else response.content[:300]


@pytest.mark.django_db
@pytest.mark.parametrize("route,role", _cases(WRITING_ROUTES))
def test_post_is_refused_without_the_permission_and_saves_nothing(login, users_a, world_a, route, role):
    """The same valid data is accepted from an entitled role (control) and refused, unsaved, from others."""
    before = history_rows()
    response = login(users_a[role]).post(route.url(world_a), route.post(world_a))
    allowed = expected_status(role, route) == 200
    if allowed:
        assert response.status_code == route.success, _form_errors(response)
        if route.name != "request_evaluate":  # evaluate computes a verdict and writes nothing, by design
            assert history_rows() > before
    else:
        assert response.status_code == expected_status(role, route)
        assert history_rows() == before


# ---------------------------------------------------------------- 2. facility scoping


@pytest.mark.django_db
@pytest.mark.parametrize("route,role", _cases(OBJECT_ROUTES, with_bugs=False))  # refused before any form
def test_users_of_another_facility_get_404_on_every_object_url(login, users_b, world_a, world_b, route, role):
    client = login(users_b[role])
    url = route.url(world_a)
    before = history_rows()
    if not route.post_only:
        assert client.get(url).status_code == 404
    # A read page answers no POST at all (405, before any lookup); a form answers 404 for a record out of reach.
    rule = audit.rule_of(resolve(url).func)
    refused = 405 if isinstance(rule, audit.Audited) and "POST" not in rule.methods else 404
    assert client.post(url, route.post(world_a) if route.post else {}).status_code == refused
    assert history_rows() == before


READERS = [role for role in ROLES if VIEW_RECORDS in ROLE_PERMISSIONS[role]]


@pytest.mark.django_db
@pytest.mark.parametrize("route,role", _cases(LIST_ROUTES, READERS))
def test_lists_do_not_show_another_facilitys_family(login, users_a, users_b, world_a, world_b, route, role):
    own = login(users_b[role]).get(route.url(world_b)).content.decode()
    assert REF_B in own  # control: the list does show families, B's own
    assert REF_A not in own
    assert REF_A in login(users_a[role]).get(route.url(world_a)).content.decode()  # control: A sees it


@pytest.mark.django_db
def test_forged_presence_with_an_adult_of_another_facility_is_refused(login, users_b, world_a, world_b):
    before, periods = history_rows(), PresencePeriod.objects.count()
    response = login(users_b["admissions"]).post(
        reverse("admissions:presence_add", args=[world_b.stay.pk]),
        {"adult": world_a.father.pk, "start": "2025-09-15"})
    assert response.status_code == 400
    assert "adult" in response.context["form"].errors
    assert PresencePeriod.objects.count() == periods
    assert history_rows() == before


@pytest.mark.django_db
def test_forged_request_into_another_facility_is_refused(login, users_a, world_a, world_b):
    data = BY_NAME["request_create"].post(world_a) | {"facility": world_b.facility.pk}
    before, requests = history_rows(), AdmissionRequest.objects.count()
    response = login(users_a["admissions"]).post(reverse("admissions:request_create", args=[world_a.family.pk]),
                                                 data)
    assert response.status_code == 400
    assert "facility" in response.context["form"].errors
    assert AdmissionRequest.objects.count() == requests
    assert not AdmissionRequest.objects.filter(facility=world_b.facility, family=world_a.family).exists()
    assert history_rows() == before


# ---------------------------------------------------------------- 3. constant number of queries


def populate_family(facility, by, *, children: int = 1, rows: int = 1):
    """A family with `children` children admitted on one accepted request; each stay carries `rows`
    presence periods, diagnoses, meetings, interventions and signalements; plus a waiting-list request."""
    family = factories.family(facility=facility, by=by)
    mother = factories.adult(family=family, role="mother", by=by)
    father = factories.adult(family=family, role="father", by=by)
    kids = [factories.child(family=family, birth_date=date(2025, 3, 1) + timedelta(days=i), by=by)
            for i in range(children)]
    request = factories.accepted_request(facility=facility, family=family, children=kids, by=by)
    admitted = date(2025, 9, 10)
    stays = [adm.stay_admit(user=by, facility=facility, child=kid, request=request, admitted_on=admitted,
                            residence_before="family_home") for kid in kids]
    for stay in stays:
        for i in range(rows):
            start = admitted + timedelta(days=7 * i)
            end = start + timedelta(days=5) if i < rows - 2 else None  # the last mother and father stay on
            adm.presence_add(user=by, stay=stay, adult=(mother, father)[i % 2], start=start, end=end)
            subject = {"child": stay.child} if i % 2 == 0 else {"adult": mother}
            adm.diagnosis_add(user=by, stay=stay, timepoint=("entry", "during")[i % 2], classification="icd11",
                              code=f"6B4{i % 10}", made_on=admitted + timedelta(days=i + 1), **subject)
            day = admitted + timedelta(days=2 * i + 1)
            adm.meeting_add(user=by, stay=stay, held_on=day, participants="Équipe", evaluation="Évolution")
            adm.intervention_add(user=by, facility=facility, family=family, stay=stay, kind="home_visit",
                                 done_on=day, duration_min=45, professional=by)
            adm.signalement_add(user=by, facility=facility, family=family, stay=stay, made_on=day, addressee="SAJ")
    waiting = factories.request(facility=facility, family=family, children=kids[:1], by=by)
    adm.request_decide(user=by, request=waiting, decision="waiting_list", decided_on=date(2025, 9, 5),
                       override_reason="test")
    return SimpleNamespace(family=family, request=request, stay=stays[0])


QUERY_PAGES = {
    "index": None,
    "waiting_list": None,
    "board": None,
    "families": None,
    "family_detail": lambda target: target.family.pk,
    "request_detail": lambda target: target.request.pk,
    "stay_detail": lambda target: target.stay.pk,
}


def _queries(client, url) -> tuple[int, int]:
    """(number of SQL queries, size of the page) of one GET."""
    client.get(url)  # warm the per-process caches (reference labels) so both counts start equal
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.content)


def _url(name, target):
    pk_of = QUERY_PAGES[name]
    return reverse(f"admissions:{name}", args=[pk_of(target)] if pk_of else [])


@pytest.fixture
def big_unit(db):
    facility = factories.facility(code="upb-big", capacity=100)
    user = factories.user(role="admissions", facility=facility, username="admissions_big")
    return facility, user


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(QUERY_PAGES))
@pytest.mark.counts_queries
def test_page_runs_the_same_number_of_queries_for_2_or_14_families(login, big_unit, page):
    facility, user = big_unit
    client = login(user)
    # small: two families, the page's object with one row of each kind
    target = populate_family(facility, user)
    populate_family(facility, user)
    small, small_size = _queries(client, _url(page, target))
    # larger: twelve more families, and an object with three children and six rows of each kind per stay
    for _ in range(11):
        populate_family(facility, user, rows=3)
    big_target = populate_family(facility, user, children=3, rows=6)
    large, large_size = _queries(client, _url(page, big_target))
    assert large_size > small_size  # control: the larger page does show more rows
    assert small == large, f"{page}: {small} queries with 2 families, {large} with 14"
