"""Cohort comparison of the outcomes (facilities side by side, discharge years) and the pseudonymised research
extract: the same figures as the dashboard, each role's access, facility scoping, consent, audit."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admissions import services as adm
from assessments.services import assessment_record
from tests import factories
from tests.documents import factories as doc_factories
from unit import services as unit_services
from unit.models import AuditEntry

pytestmark = pytest.mark.django_db


def discharged_with_pirgas(facility, therapist, *, admitted: date, entry: int, exit_: int, days: int = 120):
    fam = factories.family(facility=facility)
    child = factories.child(family=fam, birth_date=admitted - timedelta(days=100))  # Alice Test
    mother = factories.adult(family=fam, role="mother")  # Claire Test
    stay = factories.stay(facility=facility, child=child, admitted_on=admitted)
    adm.presence_add(user=None, stay=stay, adult=mother, start=admitted)
    for day, value in ((admitted + timedelta(days=2), entry), (admitted + timedelta(days=days - 3), exit_)):
        assessment_record(user=therapist, stay=stay, child=child, instrument_code="pirgas", assessed_on=day,
                          scores={"score": value})
    adm.stay_discharge(user=None, stay=stay, discharged_on=admitted + timedelta(days=days), discharge_kind="planned",
                       residence_after="home_with_parent")
    return stay, mother


@pytest.fixture
def two_units(facility_a, facility_b):
    """Facility A: three PIR-GAS pairs in 2025 (50→70, 60→66, 40→55: +20, +6, +15); B: one (70→60)."""
    manager = factories.user(role="manager", facility=facility_a, username="direction")
    unit_services.membership_grant(user=None, member=manager, facility=facility_b, role="manager")
    therapist = factories.user(role="therapist", facility=facility_a, username="psy")
    unit_services.membership_grant(user=None, member=therapist, facility=facility_b, role="therapist")
    stays = [discharged_with_pirgas(facility_a, therapist, admitted=date(2025, 2, 1) + timedelta(days=30 * i),
                                    entry=entry, exit_=exit_)
             for i, (entry, exit_) in enumerate(((50, 70), (60, 66), (40, 55)))]
    stays.append(discharged_with_pirgas(facility_b, therapist, admitted=date(2025, 3, 1), entry=70, exit_=60))
    return manager, therapist, stays


def _rows(response, table: str) -> list[list[str]]:
    html = response.content.decode()
    assert f'data-testid="table-{table}"' in html
    return response.context["tables"][[t.name for t in response.context["tables"]].index(table)].rows


def test_facilities_side_by_side_give_each_facilitys_own_outcomes(client, two_units, facility_a, facility_b):
    manager, _therapist, _stays = two_units
    client.force_login(manager)
    response = client.get(reverse("dashboards:cohorts"), {"mode": "facilities", "year": 2025,
                                                          "facility": [facility_a.code, facility_b.code]})
    assert response.status_code == 200
    pirgas = {row[1]: row for row in _rows(response, "cohort_measures") if row[0].startswith("PIR-GAS")}
    a, b = pirgas[facility_a.name], pirgas[facility_b.name]
    # A: entries 50, 60, 40 (mean 50), exits 70, 66, 55 (63.7), changes 20, 6, 15 (13.7).
    assert a[2:6] == [3, 50.0, 63.7, 13.7]
    assert b[2:6] == [1, 70.0, 60.0, -10.0] and b[6] is None  # one pair: no interval
    # The same figures as the dashboard's JSON of each facility alone.
    for facility, row in ((facility_a, a), (facility_b, b)):
        data = client.get(reverse("dashboards:report_json"), {"year": 2025, "facility": facility.code}).json()
        figures = data["outcomes"]["measures"]["pirgas"]
        assert row[2:6] == [figures["n"], figures["entry_mean"], figures["exit_mean"], figures["mean_change"]]
    # Only the measures with pairs are compared (no Bayley was recorded).
    assert {row[0] for row in _rows(response, "cohort_measures")} == {"PIR-GAS : relation parent-enfant"}
    disposition = {row[0]: row for row in _rows(response, "cohort_disposition")}
    assert disposition[facility_a.name][1:3] == [3, 3]
    assert "fig-cohorts" in response.content.decode()


def test_the_last_five_discharge_years_of_one_facility(client, facility_a):
    manager = factories.user(role="manager", facility=facility_a, username="direction")
    therapist = factories.user(role="therapist", facility=facility_a, username="psy")
    for year, (entry, exit_) in zip((2021, 2023, 2025), ((40, 50), (50, 65), (60, 85)), strict=True):
        discharged_with_pirgas(facility_a, therapist, admitted=date(year, 3, 1), entry=entry, exit_=exit_)
    discharged_with_pirgas(facility_a, therapist, admitted=date(2020, 3, 1), entry=10, exit_=90)  # 6 years back
    client.force_login(manager)
    response = client.get(reverse("dashboards:cohorts"), {"mode": "years", "year": 2025, "facility": facility_a.code})
    assert response.status_code == 200
    pirgas = {row[1]: row[2:6] for row in _rows(response, "cohort_measures") if row[0].startswith("PIR-GAS")}
    assert pirgas == {"2021": [1, 40.0, 50.0, 10.0], "2022": [0, None, None, None], "2023": [1, 50.0, 65.0, 15.0],
                      "2024": [0, None, None, None], "2025": [1, 60.0, 85.0, 25.0]}


def test_comparing_years_asks_for_one_facility(client, two_units, facility_a, facility_b):
    manager, _therapist, _stays = two_units
    client.force_login(manager)
    response = client.get(reverse("dashboards:cohorts"), {"mode": "years", "facility": [facility_a.code,
                                                                                         facility_b.code]})
    assert response.status_code == 400
    assert "choisissez une seule structure" in response.content.decode()


def test_small_groups_are_masked_for_the_reporting_officer(client, two_units, facility_a):
    reporting = factories.user(role="reporting", facility=facility_a, username="rapports")
    client.force_login(reporting)
    response = client.get(reverse("dashboards:cohorts"), {"mode": "facilities", "year": 2025,
                                                          "facility": facility_a.code})
    assert response.status_code == 200
    row = next(r for r in _rows(response, "cohort_measures") if r[0].startswith("PIR-GAS"))
    # Three children are fewer than the internal threshold (5): their count is masked, and no mean nor interval.
    assert row[2:8] == ["< 5", "s", "s", "s", "s", "s"]


@pytest.mark.parametrize("role,status", [("admissions", 403), ("therapist", 403), ("manager", 200),
                                         ("reporting", 200)])
def test_cohort_page_by_role(client, facility_a, role, status):
    client.force_login(factories.user(role=role, facility=facility_a))
    assert client.get(reverse("dashboards:cohorts"), {"year": 2025}).status_code == status


def test_a_facility_out_of_reach_is_not_found(client, facility_a, facility_b):
    client.force_login(factories.user(role="manager", facility=facility_a))
    assert client.get(reverse("dashboards:cohorts"), {"facility": facility_b.code}).status_code == 404
    assert client.get(reverse("dashboards:outcome_extract"), {"facility": facility_b.code}).status_code == 404


@pytest.mark.counts_queries
def test_the_cohort_page_query_count_does_not_grow_with_the_stays(client, facility_a):
    manager = factories.user(role="manager", facility=facility_a, username="direction")
    therapist = factories.user(role="therapist", facility=facility_a, username="psy")
    client.force_login(manager)
    counts = []
    for n in (1, 6):
        while facility_a.stays.count() < n:
            discharged_with_pirgas(facility_a, therapist, admitted=date(2025, 1, 5) + timedelta(days=10 *
                                   facility_a.stays.count()), entry=50, exit_=60)
        params = {"mode": "facilities", "year": 2025, "facility": facility_a.code}
        client.get(reverse("dashboards:cohorts"), params)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dashboards:cohorts"), params).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts


# ---------------------------------------------------------------- the research extract


def _extract(response) -> tuple[list[dict], list[dict], str]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    def read(name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")), delimiter=";"))
    return read("evolution.csv"), read("dictionnaire.csv"), archive.read("LISEZMOI.txt").decode()


def test_the_extract_holds_one_pseudonymous_row_per_consenting_stay(client, two_units, facility_a):
    manager, _therapist, stays = two_units
    for _stay, mother in stays[:2]:  # two of facility A's three families consent to research
        doc_factories.consent(facility=facility_a, adult=mother, scope="research", decided_on=date(2025, 1, 1))
    client.force_login(manager)
    response = client.get(reverse("dashboards:outcome_extract"), {"year": 2025, "facility": facility_a.code})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    rows, dictionary, note = _extract(response)
    assert len(rows) == 2
    assert sorted((row["pirgas_entree"], row["pirgas_sortie"], row["pirgas_jours"]) for row in rows) == [
        ("50", "70", "115"), ("60", "66", "115")]
    assert all(len(row["pseudonyme"]) == 12 and row["annee_sortie"] == "2025" for row in rows)
    assert {row["colonne"] for row in dictionary} == set(rows[0])  # every column is described
    assert "faute de consentement « recherche » valide de la famille : 1" in note
    text = response.content.decode("latin-1") + "".join(str(row) for row in rows)
    for identifying in ("Alice", "Claire", "Test", "2025-02-03", "03/02/2025", stays[0][0].child.family.reference):
        assert identifying not in text
    entry = AuditEntry.objects.filter(user=manager).latest("pk")
    assert entry.action == "export"


def test_a_withdrawn_research_consent_leaves_the_family_out(client, two_units, facility_a):
    from documents import services as doc_services

    manager, _therapist, stays = two_units
    consent = doc_factories.consent(facility=facility_a, adult=stays[0][1], scope="research",
                                    decided_on=date(2025, 1, 1))
    doc_services.consent_withdraw(user=None, facility=facility_a, consent=consent, withdrawn_on=date(2025, 6, 1),
                                 reason="La mère retire son accord")
    client.force_login(manager)
    rows, _dictionary, _note = _extract(client.get(reverse("dashboards:outcome_extract"),
                                                   {"year": 2025, "facility": facility_a.code}))
    assert rows == []


@pytest.mark.parametrize("role,status", [("admissions", 403), ("therapist", 403), ("manager", 200),
                                         ("reporting", 200)])
def test_only_the_roles_that_may_export_get_the_extract(client, facility_a, role, status):
    client.force_login(factories.user(role=role, facility=facility_a))
    assert client.get(reverse("dashboards:outcome_extract"), {"year": 2025}).status_code == status
