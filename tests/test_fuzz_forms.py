"""Hypothesis fuzzing of every form: whatever is typed, no server error; refused input gets a message.

Field names are read from each page's own form, so a new field is fuzzed without editing this file.
"""

from __future__ import annotations

import os
import re
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_permission_matrix import _world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
SKIP = {"csrfmiddlewaretoken", "next", "language"}

CODES = ["met", "not_met", "unknown", "accepted", "waiting_list", "refused", "criteria_not_met", "F", "M",
         "mother", "father", "hospital", "family_home", "planned", "home_with_parent", "none", "icd11", "entry",
         "exit", "professional", "neglect", "gp", "home_visit", "BE-BRU", "child:1", "adult:1"]
value = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-10**6, max_value=10**12).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
    st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31)).map(date.isoformat),
    st.sampled_from(CODES + ["", " ", "=1+1", "2025-02-30", "9" * 40]),
)


def _fields(html: str) -> list[str]:
    return sorted({name for name in FIELD.findall(html) if name not in SKIP})


@pytest.fixture
def world(facility_a):
    return _world(facility_a, "FUZZ")


def _pages(world):
    """(role, url of the page with the form, url to post to or None for the same)."""
    stay, req = world.stay, world.request
    return [
        ("admissions", reverse("admissions:family_create"), None),
        ("admissions", reverse("admissions:child_add", args=[world.family.pk]), None),
        ("admissions", reverse("admissions:adult_add", args=[world.family.pk]), None),
        ("admissions", reverse("admissions:request_create", args=[world.family.pk]), None),
        ("admissions", reverse("admissions:child_edit", args=[world.child.pk]), None),
        ("admissions", reverse("admissions:adult_edit", args=[world.adult.pk]), None),
        ("admissions", reverse("admissions:request_detail", args=[req.pk]),
         reverse("admissions:request_eligibility", args=[req.pk])),
        ("admissions", reverse("admissions:request_detail", args=[req.pk]),
         reverse("admissions:request_decide", args=[req.pk])),
        ("admissions", reverse("admissions:request_detail", args=[req.pk]),
         reverse("admissions:request_admit", args=[req.pk])),
        ("admissions", reverse("admissions:request_detail", args=[req.pk]),
         reverse("admissions:request_evaluate", args=[req.pk])),
        ("admissions", reverse("admissions:stay_edit", args=[stay.pk]), None),
        ("admissions", reverse("admissions:stay_admission_date", args=[stay.pk]), None),
        ("admissions", reverse("admissions:presence_add", args=[stay.pk]), None),
        ("admissions", reverse("admissions:presence_end", args=[world.presence.pk]), None),
        ("therapist", reverse("admissions:diagnosis_add", args=[stay.pk]), None),
        ("therapist", reverse("admissions:meeting_add", args=[stay.pk]), None),
        ("therapist", reverse("admissions:intervention_add", args=[stay.pk]), None),
        ("therapist", reverse("admissions:signalement_add", args=[stay.pk]), None),
        ("admissions", reverse("admissions:stay_discharge", args=[stay.pk]), None),
        ("therapist", reverse("assessments:assessment_create", args=[stay.pk, "bayley4"]), None),
        ("therapist", reverse("assessments:assessment_create", args=[stay.pk, "epds"]), None),
        ("therapist", reverse("assessments:assessment_create", args=[stay.pk, "nbas"]), None),
        ("therapist", reverse("assessments:assessment_edit", args=[world.assessment.pk]), None),
        ("therapist", reverse("assessments:alerts"),
         reverse("assessments:alert_acknowledge", args=[world.alert.pk])),
        ("admissions", reverse("password_change"), None),
        ("therapist", reverse("assessments:assessment_create", args=[stay.pk, "bayley3"]), None),
        ("therapist", reverse("assessments:assessment_create", args=[stay.pk, "adbb"]), None),
        ("therapist", reverse("assessments:assessment_create", args=[stay.pk, "pirgas"]), None),
        ("therapist", reverse("otp_setup"), None),
        ("admin", reverse("interchange:import_upload"), None),
        ("reporting", reverse("dashboards:exports"), reverse("dashboards:export_download")),
    ]


PAGE_COUNT = 31


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(PAGE_COUNT))
def test_fuzzed_form_never_fails(client, world, users_a, index):
    pages = _pages(world)
    assert len(pages) == PAGE_COUNT
    role, page_url, post_url = pages[index]
    client.force_login(users_a[role])
    page = client.get(page_url)
    assert page.status_code == 200
    names = _fields(page.content.decode())
    assert names, page_url
    # A facility code the user cannot reach answers 404 there, as everywhere (nothing leaks about it).
    allowed = (200, 302, 400, 404) if post_url == reverse("dashboards:export_download") else (200, 302, 400)

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.fixed_dictionaries({}, optional={name: value for name in names}))
    def post(data):
        response = client.post(post_url or page_url, data)
        assert response.status_code in allowed, (data, response.status_code)
        if response.status_code == 400 and "json" not in response.get("Content-Type", ""):
            html = response.content.decode()
            assert "invalid-feedback" in html or "alert-danger" in html or "errorlist" in html, data

    post()


@pytest.mark.django_db
@given(params=st.dictionaries(st.sampled_from(["facility", "period", "year", "start", "end", "table"]), value))
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fuzzed_dashboard_filters_never_fail(client, users_a, params):
    client.force_login(users_a["manager"])
    for name in ("dashboards:index", "dashboards:report_json", "dashboards:table_csv"):
        response = client.get(reverse(name), params)
        assert response.status_code in (200, 400, 404), (name, params, response.status_code)


@pytest.mark.django_db
@given(params=st.dictionaries(st.sampled_from(["user", "action", "what", "object_id", "date_from", "date_to",
                                               "page"]), value))
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fuzzed_audit_filters_never_fail(client, users_a, params):
    client.force_login(users_a["admin"])
    response = client.get(reverse("audit_list"), params)
    assert response.status_code in (200, 400), (params, response.status_code)
