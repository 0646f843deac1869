"""Pages of the assessments app: who gets what, facility scoping, entry forms, alerts, constant queries.

The status expected for each role is not written by hand: it is computed from the permission
matrix (`unit.access.ROLE_PERMISSIONS`) and the permission each view requires (the ROUTES table).

- the role holds the permission                      -> 200 (GET) / the write happens (POST)
- page of an object the role may read, but not act   -> 403
- page of an object, role cannot read records at all -> 404 (nothing leaks)
- page without object (index, alerts)                -> 403
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
from django.utils import timezone

from admissions import services as adm
from assessments import instruments, services
from assessments import urls as assessments_urls
from assessments.forms import field_name
from assessments.models import Alert, Assessment
from tests import factories, page_matrix
from tests.page_matrix import ROLES, history_rows
from tests.page_matrix import version_of as _version
from unit import audit
from unit.access import EDIT_ASSESSMENTS, ROLE_PERMISSIONS, VIEW_RECORDS

REF_A, REF_B = "FAM-A-001", "FAM-B-001"
ADMITTED = date(2025, 9, 10)
ASSESSED = date(2025, 9, 20)  # inside every stay below, in the past
EPDS_ITEMS = [f"e{n:02d}" for n in range(1, 11)]
# Score fields entered as the answer ticked on the questionnaire, by code.
ANSWER_ITEMS = {f.code: f for tool in instruments.registry().values() for f in tool.fields if f.answer_scores}


# ---------------------------------------------------------------- data


def _iso(day: date) -> str:
    return day.isoformat()


def epds_scores(*, e10: int = 0, rest: int = 1) -> dict:
    return {code: rest for code in EPDS_ITEMS[:-1]} | {"e10": e10}


def record(stay, therapist, code: str, scores: dict, *, on: date = ASSESSED, adult=None, confirm: bool = False):
    """An assessment saved through the product's service (as the entry page does)."""
    tool = instruments.get(code)
    return services.assessment_record(
        user=therapist, stay=stay, instrument_code=code, assessed_on=on, scores=scores,
        child=stay.child if tool.subject == "child" else None, adult=adult, assessor=therapist,
        confirm_out_of_age_range=confirm)


def _family_stay(facility, reference=None, *, birth_date=date(2025, 3, 1), by=None):
    """A family with one child in a current stay, the mother present and a father at home."""
    family = factories.family(facility=facility, reference=reference, by=by)
    child = factories.child(family=family, birth_date=birth_date, by=by)
    mother = factories.adult(family=family, role="mother", by=by)
    father = factories.adult(family=family, role="father", by=by)
    stay = factories.stay(facility=facility, child=child, admitted_on=ADMITTED, by=by)
    adm.presence_add(user=by, stay=stay, adult=mother, start=ADMITTED)
    return SimpleNamespace(facility=facility, family=family, child=child, mother=mother, father=father, stay=stay)


def _world(facility, reference, therapist):
    """The family's stay with an EPDS of the mother raising the self-harm alert, and a PIR-GAS of the child."""
    world = _family_stay(facility, reference)
    world.therapist = therapist
    world.epds = record(world.stay, therapist, "epds", epds_scores(e10=1), adult=world.mother)
    world.alert = Alert.objects.get(assessment=world.epds)
    world.pirgas = record(world.stay, therapist, "pirgas", {"score": 75})
    return world


@pytest.fixture
def world_a(facility_a, users_a):
    return _world(facility_a, REF_A, users_a["therapist"])


@pytest.fixture
def world_b(facility_b, users_b):
    return _world(facility_b, REF_B, users_b["therapist"])


def entry_data(therapist, scores: dict, *, on: date = ASSESSED, adult=None, confirm: bool = False,
               notes: str = "") -> dict:
    """The POST of the entry form: header fields, then one `s_<code>` field per typed score and one
    `a_<code>` field per item entered as the answer ticked (EPDS), the answer that gives the score.

    A score that no answer gives is posted as a rank the questionnaire does not have (e.g. a 5th answer).
    """
    data = {"assessed_on": _iso(on), "assessor": therapist.pk, "notes": notes}
    for code, value in scores.items():
        score_field = ANSWER_ITEMS.get(code)
        if score_field is None:
            data[f"s_{code}"] = str(value)
        else:
            answer = score_field.answer_of_score(value) or len(score_field.answer_scores) + 1
            data[f"a_{code}"] = str(answer)
    if adult is not None:
        data["adult"] = adult.pk
    if confirm:
        data["confirm_out_of_age_range"] = "on"
    return data


# ---------------------------------------------------------------- what each view requires


@dataclass(frozen=True)
class Route:
    name: str
    permission: str
    obj: Callable | None = None  # world -> URL arguments (the object first); None for pages without object
    post: Callable | None = None  # world -> valid POST data; None for pages that write nothing
    done: Callable | None = None  # world -> whether the write of `post` happened
    post_only: bool = False
    success: int = 302  # status of an accepted POST
    tags: tuple = field(default=())

    def url(self, world) -> str:
        return reverse(f"assessments:{self.name}", args=self.obj(world) if self.obj else [])

    def __str__(self) -> str:
        return self.name


def _epds_entry(w):
    return entry_data(w.therapist, epds_scores(rest=2), on=ASSESSED + timedelta(days=3), adult=w.mother,
                      notes="Entrée")


def _epds_edit(w):
    return entry_data(w.therapist, epds_scores(e10=1, rest=0), adult=w.mother, notes="Corrigé") | {
        "version": _version(w.epds)}


ROUTES = [
    # pages without object
    Route("index", VIEW_RECORDS),
    Route("alerts", VIEW_RECORDS),
    # a stay
    Route("choose_instrument", EDIT_ASSESSMENTS, obj=lambda w: [w.stay.pk]),
    Route("assessment_create", EDIT_ASSESSMENTS, obj=lambda w: [w.stay.pk, "epds"], post=_epds_entry,
          done=lambda w: Assessment.objects.filter(stay=w.stay, instrument="epds", notes="Entrée").exists()),
    # an assessment
    Route("assessment_detail", VIEW_RECORDS, obj=lambda w: [w.epds.pk]),
    Route("assessment_edit", EDIT_ASSESSMENTS, obj=lambda w: [w.epds.pk], post=_epds_edit,
          done=lambda w: Assessment.objects.get(pk=w.epds.pk).notes == "Corrigé"),
    # a child
    Route("child_trajectory", VIEW_RECORDS, obj=lambda w: [w.child.pk]),
    # an alert
    Route("alert_acknowledge", EDIT_ASSESSMENTS, obj=lambda w: [w.alert.pk], post_only=True,
          post=lambda w: {"note": "Entretien avec la psychiatre le jour même."},
          done=lambda w: Alert.objects.get(pk=w.alert.pk).acknowledged_at is not None),
]
BY_NAME = {route.name: route for route in ROUTES}
OBJECT_ROUTES = [r for r in ROUTES if r.obj]
LIST_ROUTES = [BY_NAME[n] for n in ("index", "alerts")]
WRITING_ROUTES = [r for r in ROUTES if r.post]


def expected_status(role: str, route: Route) -> int:
    """What the permission matrix says `role` (in the object's facility) gets on `route`."""
    return page_matrix.expected_status(role, route.permission, on_object=route.obj is not None)


# Product bugs that break a page for the roles that get past the permission check:
# route name -> pytest.mark.xfail(strict=True, reason="file:line ..."). None known.
KNOWN_BUGS: dict[str, pytest.MarkDecorator] = {}


def _cases(routes, roles=ROLES, *, with_bugs=True):
    return page_matrix.cases(routes, expected_status, known_bugs=KNOWN_BUGS, roles=roles, with_bugs=with_bugs)


def test_the_table_covers_every_url_of_the_assessments_app():
    assert {p.name for p in assessments_urls.urlpatterns} == set(BY_NAME)


def test_the_table_reads_like_the_matrix():
    """A few anchors from the brief, so that the computed expectations cannot silently drift."""
    assert expected_status("therapist", BY_NAME["assessment_create"]) == 200
    assert expected_status("admissions", BY_NAME["assessment_edit"]) == 403
    assert expected_status("manager", BY_NAME["alert_acknowledge"]) == 403
    assert expected_status("admin", BY_NAME["child_trajectory"]) == 200
    assert expected_status("reporting", BY_NAME["assessment_detail"]) == 404
    assert expected_status("reporting", BY_NAME["alerts"]) == 403


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
    assert Alert.objects.get(pk=world_a.alert.pk).acknowledged_at is None


def _form_errors(response):
    form = response.context.get("form") if response.context else None
    return form.errors if form is not None else response.content[:300]


@pytest.mark.django_db
@pytest.mark.parametrize("route,role", _cases(WRITING_ROUTES))
def test_post_is_refused_without_the_permission_and_saves_nothing(login, users_a, world_a, route, role):
    """The same valid data is accepted from an entitled role (control) and refused, unsaved, from others."""
    before, assessments = history_rows(), Assessment.objects.count()
    response = login(users_a[role]).post(route.url(world_a), route.post(world_a))
    if expected_status(role, route) == 200:
        assert response.status_code == route.success, _form_errors(response)
        assert route.done(world_a)
        assert history_rows() > before
    else:
        assert response.status_code == expected_status(role, route)
        assert not route.done(world_a)
        assert history_rows() == before
        assert Assessment.objects.count() == assessments


# ---------------------------------------------------------------- 2. facility scoping


@pytest.mark.django_db
@pytest.mark.parametrize("route,role", _cases(OBJECT_ROUTES, with_bugs=False))  # refused before any form
def test_users_of_another_facility_get_404_on_every_object_url(login, users_b, world_a, world_b, route, role):
    client = login(users_b[role])
    url = route.url(world_a)
    before, assessments = history_rows(), Assessment.objects.count()
    if not route.post_only:
        assert client.get(url).status_code == 404
    # A read page answers no POST at all (405, before any lookup); a form answers 404 for a record out of reach.
    rule = audit.rule_of(resolve(url).func)
    refused = 405 if isinstance(rule, audit.Audited) and "POST" not in rule.methods else 404
    assert client.post(url, route.post(world_a) if route.post else {}).status_code == refused
    assert history_rows() == before
    assert Assessment.objects.count() == assessments
    assert Alert.objects.get(pk=world_a.alert.pk).acknowledged_at is None


READERS = [role for role in ROLES if VIEW_RECORDS in ROLE_PERMISSIONS[role]]
LIST_PAGES = [pytest.param(name, query, role, id=f"{name}{query}-{role}",
                           marks=[KNOWN_BUGS[name]] if name in KNOWN_BUGS else [])
              for name, query in (("index", ""), ("alerts", ""), ("alerts", "?show=all")) for role in READERS]


@pytest.mark.django_db
@pytest.mark.parametrize("name,query,role", LIST_PAGES)
def test_lists_do_not_show_another_facilitys_family_or_alerts(login, users_a, users_b, world_a, world_b, name,
                                                              query, role):
    url = reverse(f"assessments:{name}") + query
    own = login(users_b[role]).get(url).content.decode()
    assert REF_B in own  # control: the page does show families, B's own
    assert own.count('data-testid="alert"') == 1  # B's alert only
    assert REF_A not in own
    assert reverse("assessments:assessment_detail", args=[world_a.epds.pk]) not in own
    assert reverse("assessments:alert_acknowledge", args=[world_a.alert.pk]) not in own
    other = login(users_a[role]).get(url).content.decode()
    assert REF_A in other  # control: A sees its own
    assert other.count('data-testid="alert"') == 1


@pytest.mark.django_db
def test_forged_epds_on_an_adult_of_another_facility_is_refused(login, users_b, world_a, world_b):
    before, assessments = history_rows(), Assessment.objects.count()
    data = entry_data(world_b.therapist, epds_scores(), adult=world_a.mother)
    response = login(users_b["therapist"]).post(
        reverse("assessments:assessment_create", args=[world_b.stay.pk, "epds"]), data)
    assert response.status_code == 400
    assert "adult" in response.context["form"].errors
    assert Assessment.objects.count() == assessments
    assert not Assessment.objects.filter(adult=world_a.mother).exclude(pk=world_a.epds.pk).exists()
    assert history_rows() == before


@pytest.mark.django_db
def test_forged_assessor_of_another_facility_is_refused(login, users_a, users_b, world_a, world_b):
    before, assessments = history_rows(), Assessment.objects.count()
    data = entry_data(world_a.therapist, epds_scores(), adult=world_b.mother)  # A's therapist on B's stay
    response = login(users_b["therapist"]).post(
        reverse("assessments:assessment_create", args=[world_b.stay.pk, "epds"]), data)
    assert response.status_code == 400
    assert "assessor" in response.context["form"].errors
    assert Assessment.objects.count() == assessments
    assert history_rows() == before


# ---------------------------------------------------------------- 3. entry forms, one instrument at a time


@dataclass(frozen=True)
class Case:
    """A valid entry of the instrument for a child born on `birth_date`, what it must save, and one score
    pushed out of its range."""

    birth_date: date
    scores: dict
    derived: dict
    bands: dict
    flags: list
    out_of_range: tuple[str, object]


BAYLEY_SCORES = {"cog_ss": 8, "cog": 90, "cog_pr": 25.5, "rc_ss": 9, "ec_ss": 7, "lang": 88, "fm_ss": 10,
                 "gm_ss": 6, "motor": 68}
CASES = {
    "epds": Case(date(2025, 3, 1), epds_scores(rest=1) | {"e09": 3}, {"total": 11},
                 {"total": "possible_depression"}, ["possible_depression"], ("e03", 4)),
    "bayley3": Case(date(2025, 3, 1), BAYLEY_SCORES, {},
                    {"cog": "average", "lang": "low_average", "motor": "extremely_low"}, ["delay"], ("motor", 161)),
    "bayley4": Case(date(2025, 3, 1), BAYLEY_SCORES, {},
                    {"cog": "average", "lang": "low_average", "motor": "extremely_low"}, ["delay"], ("cog_ss", 20)),
    "adbb": Case(date(2025, 3, 1), dict(zip([f"a{n:02d}" for n in range(1, 9)], [1, 0, 2, 1, 0, 1, 0, 0],
                                            strict=True)),
                 {"total": 5}, {"total": "withdrawal"}, ["withdrawal"], ("a04", 5)),
    "pirgas": Case(date(2025, 3, 1), {"score": 35}, {}, {"score": "disordered"}, ["disordered"], ("score", 101)),
    # 26 days old on ASSESSED: items of two clusters (b12 folded 9 -> 1) and three reflexes (0 and 3 non-optimal)
    "nbas": Case(date(2025, 8, 25), {"b01": 6, "b02": 7, "b03": 8, "b04": 5, "b12": 9, "b13": 5, "b14": 6,
                                     "r01": 0, "r02": 2, "r03": 3},
                 {"habituation": 6.5, "motor": 4.0, "reflexes": 2}, {}, [], ("r05", 4)),
}


def test_every_instrument_of_the_registry_has_a_case():
    assert set(CASES) == set(instruments.registry())


@pytest.fixture
def therapist_a(users_a):
    return users_a["therapist"]


def _create_url(stay, code):
    return reverse("assessments:assessment_create", args=[stay.pk, code])


@pytest.mark.django_db
@pytest.mark.parametrize("code", list(CASES))
def test_out_of_range_score_is_refused_in_french_and_nothing_is_saved(login, facility_a, therapist_a, code):
    case, tool = CASES[code], instruments.get(code)
    world = _family_stay(facility_a, birth_date=case.birth_date)
    bad_code, bad_value = case.out_of_range
    scores = case.scores | {bad_code: bad_value}
    adult = world.mother if tool.subject == "adult" else None
    before, assessments = history_rows(), Assessment.objects.count()
    response = login(therapist_a).post(_create_url(world.stay, code), entry_data(therapist_a, scores, adult=adult))
    assert response.status_code == 400
    errors = response.context["form"].errors
    name = field_name(tool.field(bad_code))
    assert list(errors) == [name], errors
    # A typed score out of its range, or a rank of answer the questionnaire does not have.
    message = "Hors limites" if name.startswith("s_") else "Sélectionnez un choix valide"
    assert errors[name][0].startswith(message)
    assert message in response.content.decode()
    assert Assessment.objects.count() == assessments
    assert history_rows() == before


@pytest.mark.django_db
@pytest.mark.parametrize("code", list(CASES))
def test_valid_entry_saves_the_scores_and_derived_values(login, facility_a, therapist_a, code):
    case, tool = CASES[code], instruments.get(code)
    world = _family_stay(facility_a, birth_date=case.birth_date)
    adult = world.mother if tool.subject == "adult" else None
    client = login(therapist_a)
    response = client.post(_create_url(world.stay, code),
                           entry_data(therapist_a, case.scores, adult=adult, notes="Passation calme"))
    assert response.status_code == 302, _form_errors(response)
    saved = Assessment.objects.get(stay=world.stay, instrument=code)
    assert response.url == reverse("assessments:assessment_detail", args=[saved.pk])
    assert saved.scores == case.scores
    assert saved.derived == case.derived
    assert saved.bands == case.bands
    assert saved.flags == case.flags
    assert (saved.child, saved.adult) == ((None, world.mother) if adult else (world.child, None))
    assert saved.assessor == therapist_a
    assert (saved.assessed_on, saved.notes, saved.out_of_age_range_confirmed) == (ASSESSED, "Passation calme", False)
    assert saved.age_days == (None if adult else (ASSESSED - case.birth_date).days)
    assert not saved.alerts.exists()
    assert client.get(response.url).status_code == 200


OUT_OF_AGE = [
    ("adbb", date(2025, 8, 20)),  # 31 days old; ADBB from 61 days
    ("bayley3", date(2025, 9, 1)),  # 19 days old; Bayley-III from 30 days
    ("nbas", date(2025, 3, 1)),  # 203 days old; NBAS up to 61 days
]


@pytest.mark.django_db
@pytest.mark.parametrize("code,birth_date", OUT_OF_AGE, ids=[c for c, _ in OUT_OF_AGE])
def test_outside_the_age_range_the_form_asks_for_confirmation(login, facility_a, therapist_a, code, birth_date):
    world = _family_stay(facility_a, birth_date=birth_date)
    before, assessments = history_rows(), Assessment.objects.count()
    response = login(therapist_a).post(_create_url(world.stay, code), entry_data(therapist_a, CASES[code].scores))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "confirm_out_of_age_range" in errors, errors
    assert "cochez la confirmation" in errors["confirm_out_of_age_range"][0]
    assert Assessment.objects.count() == assessments
    assert history_rows() == before


@pytest.mark.django_db
@pytest.mark.parametrize("code,birth_date", OUT_OF_AGE, ids=[c for c, _ in OUT_OF_AGE])
def test_outside_the_age_range_the_entry_is_saved_once_confirmed(login, facility_a, therapist_a, code, birth_date):
    world = _family_stay(facility_a, birth_date=birth_date)
    client = login(therapist_a)
    data = entry_data(therapist_a, CASES[code].scores, confirm=True)
    response = client.post(_create_url(world.stay, code), data)
    assert response.status_code == 302, _form_errors(response)
    saved = Assessment.objects.get(stay=world.stay, instrument=code)
    assert saved.out_of_age_range_confirmed
    assert saved.age_days == (ASSESSED - birth_date).days
    assert "hors tranche d'âge (confirmé)" in client.get(response.url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("day", [ADMITTED - timedelta(days=1), None], ids=["before-stay", "future"])
def test_a_date_outside_the_stay_or_in_the_future_is_refused(login, facility_a, therapist_a, day):
    day = day or timezone.localdate() + timedelta(days=1)  # tomorrow where the unit is (settings.TIME_ZONE)
    world = _family_stay(facility_a)
    before, assessments = history_rows(), Assessment.objects.count()
    response = login(therapist_a).post(_create_url(world.stay, "pirgas"),
                                       entry_data(therapist_a, {"score": 60}, on=day))
    assert response.status_code == 400
    assert "assessed_on" in response.context["form"].errors
    assert Assessment.objects.count() == assessments
    assert history_rows() == before


def _shows_alert(client, url, alert) -> bool:
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    if url.startswith(reverse("assessments:alerts")):
        return reverse("assessments:alert_acknowledge", args=[alert.pk]) in content
    return 'data-testid="open-alerts"' in content


def _epds_alert(client, world, therapist):
    response = client.post(_create_url(world.stay, "epds"),
                           entry_data(therapist, epds_scores(e10=1, rest=0), adult=world.mother))
    assert response.status_code == 302, _form_errors(response)
    saved = Assessment.objects.get(stay=world.stay, instrument="epds")
    assert saved.derived == {"total": 1}
    alert = Alert.objects.get(assessment=saved)
    assert (alert.code, alert.acknowledged_at) == ("self_harm", None)
    return saved, alert


def _acknowledge_refusing_empty_notes(client, alert, pages):
    acknowledge = reverse("assessments:alert_acknowledge", args=[alert.pk])
    for empty in ("", "   "):
        before = history_rows()
        assert client.post(acknowledge, {"note": empty}).status_code == 302
        assert Alert.objects.get(pk=alert.pk).acknowledged_at is None
        assert history_rows() == before
    for url in pages:
        assert _shows_alert(client, url, alert), url
    assert client.post(acknowledge, {"note": "  Vue par la psychiatre le jour même.  "}).status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    assert alert.acknowledged_by is not None
    assert alert.acknowledgement_note == "Vue par la psychiatre le jour même."
    for url in pages:
        assert not _shows_alert(client, url, alert), url


@pytest.mark.django_db
def test_epds_item_10_raises_an_alert_shown_until_acknowledged_with_a_note(login, facility_a, therapist_a):
    """The alerts page and the assessment's page (the stay and family pages: next test)."""
    world = _family_stay(facility_a)
    client = login(therapist_a)
    saved, alert = _epds_alert(client, world, therapist_a)
    detail = reverse("assessments:assessment_detail", args=[saved.pk])
    assert 'data-testid="alert"' in client.get(detail).content.decode()

    _acknowledge_refusing_empty_notes(client, alert, [reverse("assessments:alerts")])
    assert alert.acknowledged_by == therapist_a
    page = client.get(detail).content.decode()
    assert 'data-testid="alert"' not in page
    assert "Vue par la psychiatre le jour même." in page
    assert "Vue par la psychiatre" in client.get(reverse("assessments:alerts") + "?show=all").content.decode()

    before = history_rows()  # a second acknowledgement is refused
    client.post(reverse("assessments:alert_acknowledge", args=[alert.pk]), {"note": "Encore"})
    assert Alert.objects.get(pk=alert.pk).acknowledgement_note == "Vue par la psychiatre le jour même."
    assert history_rows() == before


@pytest.mark.django_db
def test_epds_alert_shows_on_the_stay_family_and_index_pages_until_acknowledged(login, facility_a, therapist_a):
    world = _family_stay(facility_a)
    client = login(therapist_a)
    _saved, alert = _epds_alert(client, world, therapist_a)
    pages = [reverse("admissions:stay_detail", args=[world.stay.pk]),
             reverse("admissions:family_detail", args=[world.family.pk]),
             reverse("assessments:index")]
    for url in pages:
        assert _shows_alert(client, url, alert), url
    _acknowledge_refusing_empty_notes(client, alert, pages)


# ---------------------------------------------------------------- 4. constant number of queries


def populate_family(facility, by, *, rows: int = 1):
    """A family with a child in a current stay, both parents present, and `rows` assessments of every
    instrument (each EPDS of the mother raises an alert)."""
    world = _family_stay(facility, by=by)
    adm.presence_add(user=by, stay=world.stay, adult=world.father, start=ADMITTED + timedelta(days=1))
    world.therapist = by
    epds = []
    for i in range(rows):
        on = ADMITTED + timedelta(days=2 + 7 * i)
        epds.append(record(world.stay, by, "epds", epds_scores(e10=1), on=on, adult=world.mother))
        record(world.stay, by, "epds", epds_scores(), on=on, adult=world.father)
        for code in ("bayley3", "bayley4", "adbb", "pirgas"):
            record(world.stay, by, code, CASES[code].scores, on=on)
        record(world.stay, by, "nbas", CASES["nbas"].scores, on=on, confirm=True)
    world.epds = epds[0]
    return world


QUERY_PAGES = {
    "index": None,
    "alerts": None,
    "alerts?show=all": None,
    "assessment_detail": lambda target: [target.epds.pk],
    "assessment_edit": lambda target: [target.epds.pk],
    "child_trajectory": lambda target: [target.child.pk],
    "assessment_create": lambda target: [target.stay.pk, "epds"],
    "choose_instrument": lambda target: [target.stay.pk],
}
SAME_SIZE_PAGES = {"assessment_detail", "assessment_edit", "choose_instrument"}  # one object, whatever the data


def _queries(client, url) -> tuple[int, int]:
    """(number of SQL queries, size of the page) of one GET."""
    client.get(url)  # warm the per-process caches so both counts start equal
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.content)


def _url(page, target):
    args_of = QUERY_PAGES[page]
    name, _sep, query = page.partition("?")
    return reverse(f"assessments:{name}", args=args_of(target) if args_of else []) + (f"?{query}" if query else "")


@pytest.fixture
def big_unit(db):
    facility = factories.facility(code="upb-big", capacity=100)
    user = factories.user(role="therapist", facility=facility, username="therapist_big")
    return facility, user


@pytest.mark.django_db
@pytest.mark.parametrize("page", [pytest.param(p, marks=[KNOWN_BUGS[p]] if p in KNOWN_BUGS else [])
                                  for p in QUERY_PAGES])
@pytest.mark.counts_queries
def test_page_runs_the_same_number_of_queries_for_small_or_larger_data(login, big_unit, page):
    facility, user = big_unit
    client = login(user)
    # small: two families, one assessment of each instrument per stay, one alert each
    target = populate_family(facility, user)
    populate_family(facility, user)
    small, small_size = _queries(client, _url(page, target))
    # larger: eight more stays, four assessments of each instrument per stay (four alerts each),
    # more therapists to choose the assessor from, and a third adult in the target family
    for n in range(3):
        factories.user(role="therapist", facility=facility, username=f"therapist_big_{n}")
    for _ in range(7):
        populate_family(facility, user, rows=2)
    big_target = populate_family(facility, user, rows=4)
    factories.adult(family=big_target.family, role="other_guardian")
    large, large_size = _queries(client, _url(page, big_target))
    if page not in SAME_SIZE_PAGES:
        assert large_size > small_size  # control: the larger page does show more rows
    assert small == large, f"{page}: {small} queries with small data, {large} with larger data"
