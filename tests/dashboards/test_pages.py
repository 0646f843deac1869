"""Dashboard pages, JSON and CSV: access by role and facility, exact keys, constant queries at any volume."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admissions.models import (
    AdmissionRequest,
    Adult,
    Child,
    Diagnosis,
    Family,
    Intervention,
    PresencePeriod,
    Signalement,
    Stay,
    SynthesisMeeting,
)
from assessments.models import Assessment
from tests import factories

pytestmark = pytest.mark.django_db

DOMAIN_KEYS = {
    "period", "stays_active", "children_by_sex", "age_band_by_sex", "share_under_6_months", "share_under_1_year",
    "admission_mode", "share_with_father", "residence_before", "residence_after", "referrer_category", "region",
    "mandate", "discharge_kind", "diagnosis_entry_exit", "parent_diagnoses", "length_of_stay_days",
    "occupancy_rate", "requests", "refusal_reason", "families", "parent_age_band", "nationalities",
    "gestational_category", "interventions", "signalements", "synthesis_meetings", "bayley_change",
    "outcomes",
    "contacts_without_file",
}
PAGES = [("dashboards:index", ""), ("dashboards:report_json", ""), ("dashboards:table_csv", "&table=age_pyramid")]


def _get(client, name, extra="", query="year=2025"):
    return client.get(f"{reverse(name)}?{query}{extra}")


@pytest.mark.parametrize("name,extra", PAGES)
@pytest.mark.parametrize("role,expected", [("manager", 200), ("reporting", 200), ("therapist", 403),
                                           ("admissions", 403), ("admin", 403)])
def test_status_by_role(login, users_a, role, expected, name, extra):
    assert _get(login(users_a[role]), name, extra).status_code == expected


@pytest.mark.parametrize("name,extra", PAGES)
def test_a_manager_cannot_ask_for_another_facility(login, users_a, facility_b, name, extra):
    response = _get(login(users_a["manager"]), name, extra, query=f"year=2025&facility={facility_b.code}")
    assert response.status_code == 404


def test_a_manager_sees_only_their_facilities_figures(login, facility_a, facility_b, users_a):
    factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    factories.stay(facility=facility_b, admitted_on=date(2025, 9, 10))
    factories.stay(facility=facility_b, admitted_on=date(2025, 9, 11))
    data = login(users_a["manager"]).get(reverse("dashboards:report_json") + "?year=2025").json()
    assert data["period"]["facilities"] == [facility_a.code]
    assert data["stays_active"] == 1


def test_json_has_exactly_the_domain_keys(login, facility_a, users_a):
    """For a role with named access; a role without gets the published tables (test_small_cells_on_screens)."""
    url = reverse("dashboards:report_json") + f"?facility={facility_a.code}&start=2025-01-01&end=2025-12-31"
    data = login(users_a["manager"]).get(url).json()
    assert set(data) == DOMAIN_KEYS
    assert data["period"] == {"start": "2025-01-01", "end": "2025-12-31", "facilities": [facility_a.code]}
    masked = login(users_a["reporting"]).get(url).json()
    assert set(masked) == {"period", "small_cells", "tables"} and masked["period"] == data["period"]


def test_bad_dates_get_a_french_message(login, users_a):
    client = login(users_a["manager"])
    response = _get(client, "dashboards:report_json", query="start=2025-02-30&end=2025-12-31")
    assert response.status_code == 400 and "Dates invalides" in response.json()["error"]
    page = _get(client, "dashboards:index", query="period=custom&start=2025-12-31&end=2025-01-01")
    assert page.status_code == 400 and "précède" in page.content.decode()


def test_csv_of_a_table_matches_the_page_figures(login, facility_a, users_a):
    factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))  # born 2025-03-01: 6 months
    response = _get(login(users_a["manager"]), "dashboards:table_csv", "&table=age_pyramid")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Tranche d'âge", "Filles", "Garçons"]
    assert rows[2][:3] == ["6–11 mois", "1", "0"]


def test_the_page_shows_every_table_with_its_csv(login, facility_a, users_a):
    from dashboards.workbook import TABLE_NAMES

    factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    page = _get(login(users_a["manager"]), "dashboards:index").content.decode()
    missing = [name for name in TABLE_NAMES if f"?table={name}&amp;" not in page]
    assert not missing


def test_report_command_prints_the_same_json(facility_a, capsys):
    factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    call_command("report", "--facility", facility_a.code, "--start", "2025-01-01", "--end", "2025-12-31",
                 "--format", "json")
    import json

    data = json.loads(capsys.readouterr().out)
    assert set(data) == DOMAIN_KEYS and data["stays_active"] == 1


def _bulk_families(facility, n: int) -> None:
    """Volume for query counting only: rows inserted in bulk (the rules are tested elsewhere)."""
    offset = Family.objects.count()
    families = Family.objects.bulk_create(
        [Family(reference=f"BULK-{facility.code}-{offset + i:05d}", facility=facility) for i in range(n)])
    children = Child.objects.bulk_create(
        [Child(family=f, first_name="X", last_name="Y", sex="FM"[i % 2], birth_date=date(2025, 1, 1))
         for i, f in enumerate(families)])
    requests = AdmissionRequest.objects.bulk_create(
        [AdmissionRequest(facility=facility, family=f, received_on=date(2025, 2, 1), requester="family",
                          referrer_category="gp", reason="neglect", decision="accepted",
                          decided_on=date(2025, 2, 2)) for f in families])
    # Every other stay discharged after 90 days, with outcome pairs: the outcomes' loads are counted too.
    stays = Stay.objects.bulk_create(
        [Stay(facility=facility, child=c, request=r, admitted_on=date(2025, 3, 1) + timedelta(days=i % 200),
              residence_before="hospital",
              **({"discharged_on": date(2025, 3, 1) + timedelta(days=i % 200 + 90), "discharge_kind": "planned",
                  "residence_after": "home_with_parent"} if i % 2 else {}))
         for i, (c, r) in enumerate(zip(children, requests, strict=True))])
    # Every kind of row the report engine loads, so that none of its loads can hide a query per row.
    mothers = Adult.objects.bulk_create([Adult(family=f, role="mother", birth_date=date(1995, 5, 5),
                                               nationality="BE", region="BE-BRU") for f in families])
    PresencePeriod.objects.bulk_create([PresencePeriod(stay=s, adult=m, start=s.admitted_on)
                                        for s, m in zip(stays, mothers, strict=True)])
    Diagnosis.objects.bulk_create([Diagnosis(stay=s, child=s.child, timepoint="entry", classification="icd11",
                                             code="6B40", primary=True) for s in stays])
    assessor = factories.user(username=f"assessor-{offset}")
    Assessment.objects.bulk_create([Assessment(stay=s, child=s.child, instrument="bayley4", assessed_on=s.admitted_on,
                                               assessor=assessor, scores={"cog": 90}) for s in stays])
    discharged = [(s, m) for s, m in zip(stays, mothers, strict=True) if s.discharged_on]
    Assessment.objects.bulk_create(
        [Assessment(stay=s, child=s.child, instrument=instrument, assessed_on=day, assessor=assessor,
                    scores=scores) for s, _m in discharged
         for instrument, day, scores in (("bayley4", s.discharged_on, {"cog": 97}),
                                         ("pirgas", s.admitted_on, {"score": 55}),
                                         ("pirgas", s.discharged_on, {"score": 75}))]
        + [Assessment(stay=s, adult=m, instrument="epds", assessed_on=day, assessor=assessor, scores={},
                      derived={"total": total}) for s, m in discharged
           for day, total in ((s.admitted_on, 15), (s.discharged_on, 8))])
    pairs = list(zip(families, stays, strict=True))
    Intervention.objects.bulk_create([Intervention(facility=facility, family=f, stay=s, kind="home_visit",
                                                   done_on=s.admitted_on) for f, s in pairs])
    Signalement.objects.bulk_create([Signalement(facility=facility, family=f, stay=s, made_on=s.admitted_on,
                                                 addressee="SAJ") for f, s in pairs])
    SynthesisMeeting.objects.bulk_create([SynthesisMeeting(stay=s, held_on=s.admitted_on, participants="équipe")
                                          for s in stays])


@pytest.mark.parametrize("name,extra", PAGES)
@pytest.mark.counts_queries
def test_query_count_is_the_same_with_20_and_2000_families(login, facility_a, users_a, name, extra):
    client = login(users_a["manager"])
    counts = []
    for total in (20, 2000):
        _bulk_families(facility_a, total - Family.objects.count())
        _get(client, name, extra)  # warm the per-process caches (reference labels)
        with CaptureQueriesContext(connection) as queries:
            response = _get(client, name, extra)
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
        if name == "dashboards:report_json":  # the outcomes were computed from the loaded pairs
            measures = response.json()["outcomes"]["measures"]
            assert measures["pirgas"]["n"] == measures["epds_mother"]["n"] == total // 2
    assert counts[0] == counts[1], counts


@pytest.mark.counts_queries
def test_query_count_does_not_depend_on_when_the_label_cache_last_refreshed(login, facility_a, users_a):
    """The labels of reference codes are re-read once a minute (`unit.labels`): a minute running out between
    the warm-up and the counted request must not make the count flaky."""
    from unit import labels

    client = login(users_a["manager"])
    _bulk_families(facility_a, 20)
    _get(client, "dashboards:index")
    counts = []
    for age in (0, 61):
        labels._cache["at"] = float(labels._cache["at"]) - age
        with CaptureQueriesContext(connection) as queries:
            assert _get(client, "dashboards:index").status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
