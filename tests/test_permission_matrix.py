"""Every URL pattern × every role (and anonymous, and another facility's user): the answer is the one
the permission matrix of docs/security.md gives, and never a server error.

The expected status is computed from `unit.access.ROLE_PERMISSIONS` and the permission each URL
requires (MATRIX below). A test fails when a URL pattern is missing from MATRIX, so a new page
cannot ship without its line in the matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from admissions import services as adm
from assessments import services as ass
from journal import services as journal_services
from tests import factories, page_matrix
from tests.journal import factories as journal_factories
from tests.page_matrix import ROLES
from unit import access, history

ANY = "authenticated"  # any signed-in user
PUBLIC = "public"
NO_JOB = "0" * 32


@dataclass(frozen=True)
class Line:
    permission: str  # an access permission, ANY or PUBLIC
    kwargs: object = None  # world -> kwargs, for URLs naming an object
    post_only: bool = False
    on_object: bool = False  # out of reach -> 404; reachable without the permission -> 403
    allowed: frozenset = frozenset()  # statuses of an allowed role, when not the usual ones


def _world(facility, prefix):
    family = factories.family(facility=facility, reference=f"{prefix}-001")
    child = factories.child(family=family, birth_date=date(2025, 6, 1))
    mother = factories.adult(family=family)
    stay = factories.stay(facility=facility, child=child, admitted_on=date(2025, 9, 10))
    presence = adm.presence_add(user=None, stay=stay, adult=mother, start=date(2025, 9, 10))
    request = stay.request
    therapist = factories.user()
    scores = {f"e{n:02d}": 0 for n in range(1, 11)} | {"e10": 1}
    assessment = ass.assessment_record(user=therapist, stay=stay, instrument_code="epds",
                                       assessed_on=date(2025, 9, 12), scores=scores, adult=mother)
    from dashboards import engine
    from dashboards.exports import export_create

    export = export_create(user=None, facilities=[facility], period=engine.Period(date(2025, 1, 1),
                                                                                 date(2025, 12, 31)),
                           profile=None, source="command")
    in_error = adm.diagnosis_add(user=None, stay=stay, child=child, timepoint="entry", classification="icd11",
                                 code="6B44")
    history.record_mark_in_error(user=None, obj=in_error, reason="Saisi par erreur : matrice")
    from tests.documents import factories as doc_factories

    document = doc_factories.document(facility=facility, family=family, stay=stay)
    consent = doc_factories.consent(facility=facility, adult=mother, scope="photos")
    # A team note by someone else: a carer of the facility reads it, only its author corrects it.
    note = journal_factories.note(author=therapist, stay=stay)
    template = journal_services.note_template_save(user=None, facility=facility, kind="other", title="Modèle",
                                                   sections="Rubrique")
    goal = journal_services.goal_add(user=None, stay=stay, domain="network", title="Relais")
    meeting = adm.meeting_add(user=None, stay=stay, held_on=date(2025, 10, 1), participants="équipe")
    return SimpleNamespace(document=document, consent=consent, facility=facility, family=family, child=child,
                           adult=mother, stay=stay,
                           presence=presence, request=request, assessment=assessment,
                           alert=assessment.alerts.get(), export=export, in_error=in_error, note=note,
                           template=template, goal=goal, meeting=meeting)


def obj(attr, permission, **extra):
    return Line(permission, lambda w: {"pk": getattr(w, attr).pk}, on_object=True, **extra)


MATRIX: dict[str, Line] = {
    "home": Line(ANY), "healthz": Line(PUBLIC), "login": Line(PUBLIC), "logout": Line(PUBLIC, post_only=True),
    "set_language": Line(PUBLIC, post_only=True),
    "password_change": Line(ANY), "password_change_done": Line(ANY),
    "otp_setup": Line(ANY), "otp_verify": Line(ANY),
    # A token nobody was issued: the same 404 for every signed-in user.
    "otp_enrol_link": Line(ANY, lambda w: {"token": "not-issued"}, allowed=frozenset({404})),
    "audit_list": Line(access.ADMINISTER),
    "interchange:subject_access": Line(access.ADMINISTER, lambda w: {"kind": "child", "pk": w.child.pk},
                                       on_object=True),
    "interchange:import_upload": Line(access.IMPORT_DATA), "interchange:import_template": Line(access.IMPORT_DATA),
    # Without the upload's session token there is nothing to confirm.
    "interchange:import_confirm": Line(access.IMPORT_DATA, post_only=True, allowed=frozenset({404})),
    # A job is its owner's alone: one of no one answers 404 to all (the owner's walk: tests/unit/test_jobs.py).
    "interchange:import_result": Line(access.IMPORT_DATA, lambda w: {"job_id": NO_JOB}, allowed=frozenset({404})),
    "job_detail": Line(ANY, lambda w: {"job_id": NO_JOB}, allowed=frozenset({404})),
    "job_status": Line(ANY, lambda w: {"job_id": NO_JOB}, allowed=frozenset({404})),
    "record_history": Line(access.VIEW_RECORDS, lambda w: {"app_label": "admissions", "model_name": "stay",
                                                           "pk": w.stay.pk}, on_object=True),
    "record_mark_in_error": Line(access.EDIT_ADMISSIONS, lambda w: {"app_label": "admissions",
                                                                    "model_name": "stay", "pk": w.stay.pk},
                                 post_only=True, on_object=True),
    "records_in_error": Line(access.ADMINISTER),
    "record_restore": Line(access.ADMINISTER, lambda w: {"app_label": "admissions", "model_name": "diagnosis",
                                                         "pk": w.in_error.pk}, post_only=True, on_object=True),
    "admissions:index": Line(access.VIEW_RECORDS), "admissions:board": Line(access.VIEW_RECORDS),
    "admissions:waiting_list": Line(access.VIEW_RECORDS), "admissions:families": Line(access.VIEW_RECORDS),
    "admissions:family_create": Line(access.EDIT_ADMISSIONS),
    "admissions:family_detail": obj("family", access.VIEW_RECORDS),
    "admissions:child_add": obj("family", access.EDIT_ADMISSIONS),
    "admissions:adult_add": obj("family", access.EDIT_ADMISSIONS),
    "admissions:request_create": obj("family", access.EDIT_ADMISSIONS),
    "admissions:child_edit": obj("child", access.EDIT_ADMISSIONS),
    "admissions:adult_edit": obj("adult", access.EDIT_ADMISSIONS),
    "admissions:request_detail": obj("request", access.VIEW_RECORDS),
    "admissions:request_eligibility": obj("request", access.EDIT_ADMISSIONS, post_only=True),
    "admissions:request_evaluate": obj("request", access.EDIT_ADMISSIONS, post_only=True),
    "admissions:request_decide": obj("request", access.EDIT_ADMISSIONS, post_only=True),
    "admissions:request_admit": obj("request", access.EDIT_ADMISSIONS, post_only=True),
    "admissions:stay_detail": obj("stay", access.VIEW_RECORDS),
    "admissions:stay_edit": obj("stay", access.EDIT_ADMISSIONS),
    "admissions:stay_admission_date": obj("stay", access.EDIT_ADMISSIONS),
    "admissions:presence_add": obj("stay", access.EDIT_ADMISSIONS),
    "admissions:presence_end": obj("presence", access.EDIT_ADMISSIONS),
    "admissions:diagnosis_add": obj("stay", access.EDIT_CARE),
    "admissions:meeting_add": obj("stay", access.EDIT_CARE),
    "admissions:intervention_add": obj("stay", access.EDIT_CARE),
    "admissions:signalement_add": obj("stay", access.EDIT_CARE),
    "admissions:stay_discharge": obj("stay", access.EDIT_ADMISSIONS),
    "admissions:diagnosis_codes": Line(access.EDIT_CARE),
    "assessments:index": Line(access.VIEW_RECORDS), "assessments:alerts": Line(access.VIEW_RECORDS),
    "assessments:choose_instrument": obj("stay", access.EDIT_ASSESSMENTS),
    "assessments:assessment_create": Line(access.EDIT_ASSESSMENTS,
                                          lambda w: {"pk": w.stay.pk, "instrument": "bayley4"}, on_object=True),
    "assessments:assessment_detail": obj("assessment", access.VIEW_RECORDS),
    "assessments:assessment_edit": obj("assessment", access.EDIT_ASSESSMENTS),
    "assessments:child_trajectory": obj("child", access.VIEW_RECORDS),
    "assessments:alert_acknowledge": obj("alert", access.EDIT_ASSESSMENTS, post_only=True),
    "documents:upload": obj("family", access.EDIT_CARE),
    "documents:download": obj("document", access.VIEW_RECORDS),
    "documents:consent_add": obj("family", access.EDIT_CARE),
    "documents:consent_withdraw": obj("consent", access.EDIT_CARE),
    "documents:retention": Line(access.ADMINISTER),
    "documents:anonymise": obj("family", access.ADMINISTER),
    "journal:search": Line(access.VIEW_RECORDS),
    "journal:stay_journal": obj("stay", access.VIEW_RECORDS),
    "journal:stay_journal_csv": obj("stay", access.VIEW_RECORDS),
    "journal:stay_note_create": obj("stay", access.EDIT_CARE),
    "journal:family_journal": obj("family", access.VIEW_RECORDS),
    "journal:family_note_create": obj("family", access.EDIT_CARE),
    # Only its author corrects a note: every other carer of the facility is refused.
    "journal:note_correct": obj("note", access.EDIT_CARE, allowed=frozenset({403})),
    "journal:care_plan": obj("stay", access.VIEW_RECORDS),
    "journal:stay_chronology": obj("stay", access.VIEW_RECORDS),
    "journal:family_chronology": obj("family", access.VIEW_RECORDS),
    "journal:stay_summary": obj("stay", access.VIEW_RECORDS),
    "journal:stay_summary_pdf": obj("stay", access.VIEW_RECORDS),
    "journal:discharge_letter_pdf": obj("stay", access.VIEW_RECORDS),
    "journal:discharge_letter_file": obj("stay", access.EDIT_CARE, post_only=True),
    "journal:goal_add": obj("stay", access.EDIT_CARE),
    "journal:goal_edit": obj("goal", access.EDIT_CARE),
    "journal:meeting_review": obj("meeting", access.EDIT_CARE),
    "journal:templates": Line(access.ADMINISTER),
    "journal:template_edit": obj("template", access.ADMINISTER),
    "journal:today_settings": Line(access.ADMINISTER),
    "journal:contacts": Line(access.LOG_CONTACTS), "journal:contact_create": Line(access.LOG_CONTACTS),
    "dashboards:index": Line(access.VIEW_DASHBOARDS), "dashboards:report_json": Line(access.VIEW_DASHBOARDS),
    "dashboards:table_csv": Line(access.VIEW_DASHBOARDS),
    "dashboards:cohorts": Line(access.VIEW_DASHBOARDS),
    "dashboards:cohort_csv": Line(access.VIEW_DASHBOARDS),
    "dashboards:outcome_extract": Line(access.EXPORT_REPORTS),
    "dashboards:exports": Line(access.EXPORT_REPORTS),
    "dashboards:export_download": Line(access.EXPORT_REPORTS, post_only=True),
    "dashboards:export_file": obj("export", access.EXPORT_REPORTS),
    "dashboards:export_changes": obj("export", access.EXPORT_REPORTS),
}


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            yield from url_names(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def test_every_url_pattern_has_a_line_in_the_matrix():
    assert sorted(set(url_names()) - set(MATRIX)) == []


def expected(role: str | None, line: Line, *, same_facility: bool = True) -> set[int]:
    """The statuses the matrix allows for a GET (or the POST of a POST-only URL)."""
    if line.permission == PUBLIC:
        return {200, 302, 405}
    if role is None:
        return {302}
    if line.permission == ANY:
        return set(line.allowed) or {200}
    if line.on_object and not same_facility:
        return {404}
    status = page_matrix.expected_status(role, line.permission, on_object=line.on_object)
    if status == 200:
        return set(line.allowed) or ({200, 302, 400} if line.post_only else {200})
    if status == 404:
        # No right on records at all: refused before the object is even looked up, or not found.
        return {403, 404}
    return {403}


@pytest.fixture
def worlds(facility_a, facility_b, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # exported files of the walk stay out of var/
    return _world(facility_a, "MAT-A"), _world(facility_b, "MAT-B")


def _call(client, name, line, world):
    url = reverse(name, kwargs=line.kwargs(world) if line.kwargs else None)
    if name in ("dashboards:table_csv", "dashboards:cohort_csv"):
        url += "?table=age_pyramid" if name == "dashboards:table_csv" else "?table=cohort_measures"
    return client.post(url, {}) if line.post_only else client.get(url)


@pytest.mark.django_db
def test_matrix_for_every_url_and_role(client, worlds, users_a, users_b, record_property):
    world_a, _world_b = worlds
    tried = unexpected = 0
    failures = []
    for role in [None, *ROLES]:
        client.logout()
        if role:
            client.force_login(users_a[role])
        for name, line in MATRIX.items():
            if name == "logout":
                continue  # would end the session of the walk
            response = _call(client, name, line, world_a)
            tried += 1
            if response.status_code not in expected(role, line):
                unexpected += 1
                failures.append((role, name, response.status_code, sorted(expected(role, line))))
    record_property("url_role_tries", tried)
    assert failures == [], failures
    assert unexpected == 0 and tried >= len(MATRIX) * 6 - 6


@pytest.mark.django_db
def test_no_object_of_another_facility_is_reachable(client, worlds, users_b):
    world_a, _world_b = worlds
    tried, leaks = 0, []
    for role in ROLES:
        client.force_login(users_b[role])
        for name, line in MATRIX.items():
            if not line.on_object:
                continue
            for method in ("get", "post"):
                url = reverse(name, kwargs=line.kwargs(world_a))
                response = getattr(client, method)(url, {})
                tried += 1
                # 403 is no leak when the role lacks the permission everywhere: refused before any lookup.
                allowed = {404, 405} | ({403} if line.permission not in access.ROLE_PERMISSIONS[role] else set())
                if response.status_code not in allowed or (method == "get" and line.post_only
                                                           and response.status_code != 405):
                    leaks.append((role, name, method, response.status_code))
    assert leaks == [] and tried > 0
