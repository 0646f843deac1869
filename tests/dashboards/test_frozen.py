"""Frozen reports: an export's figures are rebuilt from the history as of its instant, and the changes
since are listed stay by stay. History timestamps are real `timezone.now()` values, so "before" and
"after" an export are separated by explicit instants taken between the writes."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from admissions import services as adm
from dashboards import asof, engine
from dashboards.exports import export_create, indicators_sha256
from dashboards.models import ExportRecord
from tests import factories
from tests.dashboards.test_engine import cohort  # noqa: F401 - the engine's hand-counted cohort, as a fixture

pytestmark = pytest.mark.django_db

YEAR = engine.Period(date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture(autouse=True)
def _exports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def stays(facility_a):
    fam = factories.family(facility=facility_a, reference="UPB-2025-017")
    kid = factories.child(family=fam, birth_date=date(2024, 12, 1))
    corrected = factories.stay(facility=facility_a, child=kid, admitted_on=date(2025, 2, 1))
    open_stay = factories.stay(facility=facility_a, admitted_on=date(2025, 3, 1))
    untouched = factories.stay(facility=facility_a, admitted_on=date(2025, 4, 1), residence_before="hospital")
    return {"corrected": corrected, "open": open_stay, "untouched": untouched}


def _export(facility, user=None):
    return export_create(user=user, facilities=[facility], period=YEAR, profile=None,
                         source=ExportRecord.Source.COMMAND)


def _change_after_export(stays, facility):
    corrected, open_stay = stays["corrected"], stays["open"]
    adm.stay_update(user=None, stay=corrected, residence_before="residential_institution", mandate="saj",
                      expected_version=corrected.version, reason="Correction du lieu de vie")
    adm.stay_discharge(user=None, stay=open_stay, discharged_on=date(2025, 6, 30), discharge_kind="planned",
                       residence_after="home_with_parent")
    return factories.stay(facility=facility, admitted_on=date(2025, 7, 1))


def test_the_report_as_of_the_export_has_the_recorded_checksum(facility_a, stays):
    record = _export(facility_a)
    added = _change_after_export(stays, facility_a)
    frozen = asof.engine_build_as_of([facility_a], YEAR, record.generated_at)
    assert indicators_sha256(frozen.indicators) == record.indicators_sha256
    fresh = engine.build([facility_a], YEAR)
    assert indicators_sha256(fresh.indicators) != record.indicators_sha256
    assert frozen.indicators["stays_active"] == 3 and fresh.indicators["stays_active"] == 4
    assert frozen.indicators["residence_before"] == {"family_home": 2, "hospital": 1}
    assert len(frozen.series["length_of_stay"]) == 3 and added.admitted_on == date(2025, 7, 1)


def test_an_instant_between_two_writes_sees_the_first_only(facility_a, stays):
    before = timezone.now()
    stay = stays["corrected"]
    adm.stay_update(user=None, stay=stay, residence_before="hospital",
                      expected_version=stay.version, reason="Correction")
    between = timezone.now()
    adm.stay_update(user=None, stay=stay, residence_before="other", expected_version=stay.version,
                      reason="Correction")
    counts = [asof.engine_build_as_of([facility_a], YEAR, when).indicators["residence_before"]
              for when in (before, between, timezone.now())]
    assert counts == [{"family_home": 2, "hospital": 1}, {"hospital": 2, "family_home": 1},
                      {"family_home": 1, "hospital": 1, "other": 1}]


def test_as_of_now_is_the_live_report_on_a_full_cohort(cohort):  # noqa: F811
    """Every kind of row the engine reads (presence, diagnoses, Bayley, requests, activity, errors)."""
    for facilities in ([cohort["unit"]], [cohort["unit"], cohort["other"]]):
        live = engine.build(facilities, YEAR)
        frozen = asof.engine_build_as_of(facilities, YEAR, timezone.now())
        assert frozen.indicators == live.indicators
        assert frozen.previous == live.previous
        assert frozen.series == live.series


def test_as_of_reads_a_fixed_number_of_queries(cohort):  # noqa: F811
    counts = []
    for facilities in ([cohort["unit"]], [cohort["unit"], cohort["other"]]):
        with CaptureQueriesContext(connection) as queries:
            asof.engine_build_as_of(facilities, YEAR, timezone.now())
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_change_list_names_the_stays_and_the_fields(facility_a, stays):
    record = _export(facility_a)
    added = _change_after_export(stays, facility_a)
    changes = {c.stay_id: c for c in asof.changes_since([facility_a.pk], YEAR, record.generated_at)}
    assert set(changes) == {stays["corrected"].pk, stays["open"].pk, added.pk}
    corrected = changes[stays["corrected"].pk]
    assert corrected.kind == "corrected" and corrected.family_reference == "UPB-2025-017"
    assert set(corrected.fields) == {"Lieu de vie avant", "Mandat de protection"}
    assert corrected.reasons == ["Correction du lieu de vie"]
    discharged = changes[stays["open"].pk]
    assert discharged.kind == "discharged" and "Date de sortie" in discharged.fields
    assert "présence des parents" not in discharged.fields  # no presence period to close
    assert changes[added.pk].kind == "added"


def test_a_diagnosis_added_later_marks_its_stay(facility_a, stays):
    record = _export(facility_a)
    stay = stays["untouched"]
    adm.diagnosis_add(user=None, stay=stay, timepoint="entry", classification="icd10", code="F43.2",
                      primary=True, child=stay.child)
    changes = asof.changes_since([facility_a.pk], YEAR, record.generated_at)
    assert [(c.stay_id, c.kind, c.fields) for c in changes] == [(stay.pk, "corrected", ["diagnostics"])]


def test_changes_of_another_facility_are_not_listed(facility_a, facility_b, stays):
    record = _export(facility_a)
    factories.stay(facility=facility_b, admitted_on=date(2025, 5, 1))
    assert asof.changes_since([facility_a.pk], YEAR, record.generated_at) == []


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize("role,expected", [("manager", 200), ("reporting", 200), ("therapist", 403),
                                           ("admissions", 403), ("admin", 403)])
def test_export_pages_status_by_role(login, facility_a, users_a, stays, role, expected):
    record = _export(facility_a)
    client = login(users_a[role])
    assert client.get(reverse("dashboards:exports")).status_code == expected
    assert client.get(reverse("dashboards:export_changes", args=[record.pk])).status_code == expected
    assert client.get(reverse("dashboards:export_file", args=[record.pk])).status_code == expected


def test_exports_of_other_facilities_are_out_of_reach(login, facility_a, facility_b, users_a, stays):
    mine, theirs = _export(facility_a), _export(facility_b)
    both = export_create(user=None, facilities=[facility_a, facility_b], period=YEAR, profile=None,
                         source=ExportRecord.Source.COMMAND)
    client = login(users_a["manager"])
    page = client.get(reverse("dashboards:exports")).content.decode()
    assert f'data-testid="export-{mine.pk}"' in page
    assert f'data-testid="export-{theirs.pk}"' not in page and f'data-testid="export-{both.pk}"' not in page
    for record in (theirs, both):
        assert client.get(reverse("dashboards:export_changes", args=[record.pk])).status_code == 404
        assert client.get(reverse("dashboards:export_file", args=[record.pk])).status_code == 404


def test_the_changes_page_proves_the_frozen_report_and_lists_the_stays(login, facility_a, users_a, stays):
    record = _export(facility_a, user=users_a["reporting"])
    _change_after_export(stays, facility_a)
    page = login(users_a["manager"]).get(reverse("dashboards:export_changes", args=[record.pk])).content.decode()
    assert "a la même empreinte" in page and "Le rapport d'aujourd'hui diffère" in page
    assert f'data-testid="change-{stays["corrected"].pk}"' in page and "UPB-2025-017" in page
    assert "Lieu de vie avant" in page and "Correction du lieu de vie" in page


def test_the_export_list_costs_the_same_queries_for_one_or_many_exports(login, facility_a, users_a, stays):
    client = login(users_a["manager"])
    counts = []
    for total in (1, 4):
        while ExportRecord.objects.count() < total:
            _export(facility_a, user=users_a["manager"])
        client.get(reverse("dashboards:exports"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dashboards:exports")).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
