"""The load test's own parts (bench/load.py, bench/locustfile.py): the simulated staff fill the product's real
forms the way a browser does (a form the locustfile cannot post would count every write as an error), the
targets are judged per page, and its section of docs/performance.md is replaced, never duplicated."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from assessments.models import Assessment
from bench import load
from bench.html_form import form_fields
from journal.models import Note
from tests import factories

PAGE = {"method": "GET", "requests": 10, "failures": 0, "median": 50.0, "p99": 250.0, "max": 260.0, "rps": 1.0}


@pytest.mark.django_db
def test_the_simulated_staff_post_the_real_forms(client, facility_a, users_a):
    therapist = users_a["therapist"]
    stay = factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    client.force_login(therapist)
    for url, values in ((reverse("journal:stay_note_create", args=[stay.pk]),
                         {"kind": "observation", "confidentiality": "team", "text": "Repas calme."}),
                        (reverse("assessments:assessment_create", args=[stay.pk, "pirgas"]),
                         {"s_score": "72", "notes": ""})):
        fields = form_fields(client.get(url).content.decode())
        assert "csrfmiddlewaretoken" in fields
        response = client.post(url, {**fields, **values})
        assert response.status_code == 302, response.content.decode()[:2000]
    assert Note.objects.get(stay=stay).text == "Repas calme."
    assert Assessment.objects.get(stay=stay).scores == {"score": 72}


def test_each_page_is_judged_against_its_target():
    result = {"pages": [{**PAGE, "name": "stay page", "p95": 280.0},
                        {**PAGE, "name": "journal note (POST)", "method": "POST", "p95": 310.0},
                        {**PAGE, "name": load.DASHBOARD, "p95": 790.0},
                        {**PAGE, "name": "Aggregated", "method": "", "p95": 700.0, "failures": 1}]}
    verdict = load.verdict(result)
    assert not verdict["records"] and verdict["worst_record"]["name"] == "journal note (POST)"
    assert verdict["dashboard"] and verdict["errors"] == 1


def test_the_section_of_the_report_is_replaced(tmp_path):
    report = tmp_path / "performance.md"
    report.write_text("# Performance\n\nfigures\n", encoding="utf-8")
    load.write_section(report, "## Staff at work\n\nfirst\n")
    load.write_section(report, "## Staff at work\n\nsecond\n")
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n\nfigures\n")
    assert text.count(load.START) == 1 and "second" in text and "first" not in text
