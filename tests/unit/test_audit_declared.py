"""Every view says whether it is audited; every audited URL answers every method with an audit entry or
with nothing shown; the lists of named records are audited, each facility a list covered on its own entry."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from admissions import services as adm
from assessments import services as ass
from tests import factories
from tests.interchange import import_corpus as corpus
from tests.test_permission_matrix import MATRIX
from unit import audit, history
from unit import services as unit_services
from unit.models import AuditEntry, Membership

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# Written in the world below and nowhere else: a page holding one of them shows a named record.
CHILD_FIRST, CHILD_LAST, MOTHER_FIRST, REFERENCE = "Zéphirine", "Quasimodo-Ulm", "Hortensia", "FAM-ZQX-001"
NAMED = (CHILD_FIRST, CHILD_LAST, MOTHER_FIRST, REFERENCE)


def _views(resolver=None, namespace=""):
    """(URL name, view) of every URL pattern outside the admin site."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            yield from _views(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry.callback


VIEWS = dict(_views())


def _audited() -> list[str]:
    return sorted(name for name, view in VIEWS.items() if isinstance(audit.rule_of(view), audit.Audited))


def test_every_view_is_declared_audited_or_not_showing_named_records():
    undeclared = sorted(name for name, view in VIEWS.items() if audit.rule_of(view) is None)
    assert undeclared == []
    reasons = [audit.rule_of(view).reason for view in VIEWS.values()
               if isinstance(audit.rule_of(view), audit.NotAudited)]
    assert reasons and all(reason.strip() for reason in reasons)


def test_a_view_declared_not_audited_must_say_why():
    with pytest.raises(ValueError):
        audit.not_audited("   ")


def test_the_pages_of_named_records_are_declared_audited():
    must = {"admissions:index", "admissions:board", "admissions:waiting_list", "admissions:families",
            "admissions:family_detail", "admissions:stay_detail", "admissions:request_detail",
            "interchange:import_upload", "interchange:import_result", "assessments:index", "assessments:alerts",
            "assessments:assessment_detail", "assessments:child_trajectory", "record_history",
            "interchange:subject_access"}
    assert must <= set(_audited())


def test_the_foundation_names_no_other_apps_page():
    from pathlib import Path

    source = Path(audit.__file__).read_text(encoding="utf-8")
    for app in ("admissions:", "assessments:", "dashboards:"):
        assert app not in source


def _world(facility):
    family = adm.family_create(user=None, facility=facility, reference=REFERENCE)
    child = adm.child_add(user=None, family=family, first_name=CHILD_FIRST, last_name=CHILD_LAST, sex="F",
                          birth_date=date(2025, 6, 1))
    mother = adm.adult_add(user=None, family=family, role="mother", first_name=MOTHER_FIRST, last_name=CHILD_LAST,
                           birth_date=date(1995, 5, 5))
    stay = factories.stay(facility=facility, child=child, admitted_on=date(2025, 9, 10))
    presence = adm.presence_add(user=None, stay=stay, adult=mother, start=date(2025, 9, 10))
    scores = {f"e{n:02d}": 0 for n in range(1, 11)} | {"e10": 1}
    assessment = ass.assessment_record(user=factories.user(), stay=stay, instrument_code="epds",
                                       assessed_on=date(2025, 9, 12), scores=scores, adult=mother)
    from dashboards import engine
    from dashboards.exports import export_create

    export = export_create(user=None, facilities=[facility], period=engine.Period(date(2025, 1, 1),
                                                                                 date(2025, 12, 31)),
                           profile=None, source="command")
    in_error = adm.diagnosis_add(user=None, stay=stay, child=child, timepoint="entry", classification="icd11",
                                 code="6B40", primary=False)
    history.record_mark_in_error(user=None, obj=in_error, reason="Saisi par erreur : test")
    from tests.documents import factories as doc_factories

    document = doc_factories.document(facility=facility, family=family, stay=stay)
    consent = doc_factories.consent(facility=facility, adult=mother, scope="photos")
    from journal.services import goal_add, note_template_save
    from tests.journal.factories import note

    return SimpleNamespace(document=document, consent=consent, facility=facility, family=family, child=child,
                           adult=mother, stay=stay,
                           presence=presence, request=stay.request, assessment=assessment,
                           alert=assessment.alerts.get(), export=export, in_error=in_error,
                           note=note(author=factories.user(), stay=stay),
                           template=note_template_save(user=None, facility=facility, kind="other", title="Modèle",
                                                       sections="Rubrique"),
                           goal=goal_add(user=None, stay=stay, domain="network", title="Relais"),
                           meeting=adm.meeting_add(user=None, stay=stay, held_on=date(2025, 10, 1),
                                                   participants="équipe"))


@pytest.fixture
def everyone(facility_a):
    """One user holding every role in facility A: every page answers."""
    user = factories.user(username="all_roles")
    for role, _label in Membership.Role.choices:
        unit_services.membership_grant(user=None, member=user, facility=facility_a, role=role)
    return user


def _url(name: str, world) -> str:
    line = MATRIX[name]
    url = reverse(name, kwargs=line.kwargs(world) if line.kwargs else None)
    tables = {"dashboards:table_csv": "?table=age_pyramid", "dashboards:cohort_csv": "?table=cohort_measures"}
    return url + tables.get(name, "")


def _shows_nothing(response) -> bool:
    """A refusal (405 for a method the view does not answer; 404 for nothing to confirm) or a redirect."""
    return response.status_code in (403, 404, 405) or 300 <= response.status_code < 400


@pytest.mark.django_db
def test_every_audited_url_answers_every_method_audited_or_with_nothing_shown(client, facility_a, everyone,
                                                                              settings, tmp_path):
    settings.VAR_DIR = tmp_path
    world = _world(facility_a)
    client.force_login(everyone)
    tried, failures = 0, []
    audited = _audited()
    for name in audited:
        url = _url(name, world)
        for method in METHODS:
            before = AuditEntry.objects.count()
            response = client.generic(method, url)
            tried += 1
            written = AuditEntry.objects.count() - before
            body = b"".join(response) if response.streaming else response.content
            if _shows_nothing(response):
                if any(word.encode() in body for word in NAMED):
                    failures.append((name, method, response.status_code, "named data on a refusal"))
            elif written < 1:
                failures.append((name, method, response.status_code, "answered without an audit entry"))
    assert failures == []
    assert tried == len(audited) * len(METHODS)


@pytest.mark.django_db
def test_a_page_declared_not_audited_shows_no_named_record_whatever_the_method(client, facility_a, everyone,
                                                                               settings, tmp_path):
    settings.VAR_DIR = tmp_path
    world = _world(facility_a)
    client.force_login(everyone)
    failures = []
    for name, view in VIEWS.items():
        if not isinstance(audit.rule_of(view), audit.NotAudited) or name in ("logout", "set_language"):
            continue
        for method in METHODS:
            response = client.generic(method, _url(name, world))
            body = b"".join(response) if response.streaming else response.content
            if any(word.encode() in body for word in NAMED):
                failures.append((name, method, response.status_code))
    assert failures == []


@pytest.mark.django_db
def test_options_on_a_record_page_is_refused_and_shows_nothing(client, facility_a, everyone):
    world = _world(facility_a)
    client.force_login(everyone)
    response = client.options(reverse("admissions:stay_detail", args=[world.stay.pk]))
    assert response.status_code == 405
    assert CHILD_FIRST.encode() not in response.content
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["admissions:index", "admissions:board", "admissions:waiting_list",
                                  "admissions:families", "assessments:index", "assessments:alerts"])
def test_a_list_of_named_records_is_audited_with_its_facility(login, facility_a, users_a, name):
    _world(facility_a)
    assert login(users_a["admin"]).get(reverse(name)).status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.action, entry.object_id, entry.facility_id) == (users_a["admin"], "read", "",
                                                                              facility_a.pk)
    assert entry.path == reverse(name)


@pytest.mark.django_db
def test_a_search_over_several_facilities_records_each_facility_it_covered(login, facility_a, facility_b,
                                                                           users_a):
    clinician = users_a["admissions"]
    unit_services.membership_grant(user=None, member=clinician, facility=facility_b, role="therapist")
    factories.facility(code="upb-c")  # not the clinician's: not covered
    response = login(clinician).get(reverse("admissions:families"), {"q": "FAM"})
    assert response.status_code == 200
    entries = AuditEntry.objects.order_by("facility_id")
    assert [(e.action, e.what, e.facility_id) for e in entries] == [
        ("search", "admissions.family", facility_a.pk), ("search", "admissions.family", facility_b.pk)]
    # Narrowed to one facility, it covered that one only.
    before = AuditEntry.objects.count()
    login(clinician).get(reverse("admissions:board"), {"facility": facility_b.code})
    assert list(AuditEntry.objects.order_by("pk")[before:].values_list("facility_id", flat=True)) == [facility_b.pk]


@pytest.mark.django_db
def test_the_import_preview_is_audited(login, facility_a, users_a, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    path = corpus.good(tmp_path, facility_code=facility_a.code)
    with path.open("rb") as handle:
        response = login(users_a["admin"]).post(reverse("interchange:import_upload"), {"workbook": handle},
                                                follow=True)
    assert response.status_code in (200, 400)
    assert "result" in response.context
    result_page = response.redirect_chain[-1][0]
    entry = AuditEntry.objects.get(path=result_page)
    assert (entry.action, entry.user) == ("read", users_a["admin"])
