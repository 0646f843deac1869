"""The chronology of a family: every stay of it the reader may read on one timeline, with the family's own notes
and documents and the requests that led to no stay; filterable by kind; the confidentiality of notes and the
facilities' scoping as everywhere; a constant number of queries."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from admissions import services as adm
from assessments import services as ass
from journal import chronology
from tests import factories
from tests.documents import factories as doc_factories
from tests.journal.factories import note
from tests.page_matrix import ROLES, expected_status
from unit.access import VIEW_RECORDS

pytestmark = pytest.mark.django_db

EPDS_ALERT = {f"e{n:02d}": 2 for n in range(1, 10)} | {"e10": 1}


def _at(day: date):
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))  # noqa: DTZ001


def _stay_with_events(facility, child, therapist, mother, *, admitted: date, discharged: date | None, tag: str):
    stay = factories.stay(facility=facility, child=child, admitted_on=admitted)
    adm.presence_add(user=therapist, stay=stay, adult=mother, start=admitted)
    adm.diagnosis_add(user=therapist, stay=stay, child=child, timepoint="entry", classification="icd11",
                      code="6B44", made_on=admitted)
    ass.assessment_record(user=therapist, stay=stay, instrument_code="epds", assessed_on=admitted, scores=EPDS_ALERT,
                          adult=mother)
    adm.meeting_add(user=therapist, stay=stay, held_on=admitted.replace(day=20), participants="équipe")
    adm.intervention_add(user=therapist, facility=facility, family=child.family, stay=stay, kind="home_visit",
                         done_on=admitted.replace(day=15))
    adm.signalement_add(user=therapist, facility=facility, family=child.family, stay=stay,
                        made_on=admitted.replace(day=16), addressee="SPJ")
    note(author=therapist, stay=stay, text=f"Note du séjour {tag}", written_at=_at(admitted.replace(day=12)))
    doc_factories.document(facility=facility, family=child.family, stay=stay, title=f"Rapport {tag}",
                           kind="medical_report", document_date=admitted.replace(day=14), by=therapist)
    if discharged:
        adm.stay_discharge(user=therapist, stay=stay, discharged_on=discharged, discharge_kind="planned",
                           residence_after="home_with_parent")
    return stay


@pytest.fixture
def family(facility_a, facility_b, users_a, users_b):
    """A's family: two stays of its child at A, a refused request at A, its own note and paper; its second
    child stays at B (the family agreed to share its dossier), with B's note and paper."""
    therapist = users_a["therapist"]
    family = factories.family(facility=facility_a, reference="FAM-CHRONO")
    child = factories.child(family=family, birth_date=date(2025, 1, 5))
    mother = factories.adult(family=family)
    _stay_with_events(facility_a, child, therapist, mother, admitted=date(2025, 3, 3), discharged=date(2025, 5, 30),
                      tag="un")
    _stay_with_events(facility_a, child, therapist, mother, admitted=date(2025, 9, 1), discharged=None, tag="deux")
    refused = factories.request(facility=facility_a, family=family, children=[child], received_on=date(2025, 7, 1))
    adm.request_decide(user=therapist, request=refused, decision="refused", decided_on=date(2025, 7, 8),
                       refusal_reason="no_capacity")
    note(author=therapist, family=family, facility=facility_a, text="Appel de la grand-mère",
         written_at=_at(date(2025, 7, 2)))
    note(author=therapist, family=family, facility=facility_a, text="Secret de famille", confidentiality="restricted",
         written_at=_at(date(2025, 7, 3)))
    doc_factories.document(facility=facility_a, family=family, title="Ordonnance du tribunal", kind="court_order",
                           document_date=date(2025, 2, 20), by=therapist)
    factories.sharing_consent(family=family)
    sibling = factories.child(family=family, birth_date=date(2025, 8, 1))
    _stay_with_events(facility_b, sibling, users_b["therapist"], mother, admitted=date(2025, 10, 1),
                      discharged=None, tag="chez B")
    return family


def _events(client, family, query=""):
    response = client.get(reverse("journal:family_chronology", args=[family.pk]) + query)
    assert response.status_code == 200
    return response


def test_every_stay_and_the_family_own_records_are_on_one_timeline(login, family, users_a, facility_a):
    response = _events(login(users_a["therapist"]), family)
    events = response.context["events"]
    assert {e.kind for e in events} == set(chronology.KINDS)
    assert [e.day for e in events] == sorted(e.day for e in events)
    name = facility_a.name
    assert {e.context for e in events} == {f"Alice · {name} · 03/03/2025", f"Alice · {name} · 01/09/2025",
                                           "Famille FAM-CHRONO", f"Famille FAM-CHRONO · {name}"}
    assert any(e.title == "Sortie" and "03/03/2025" in e.context for e in events)
    assert sum(e.title == "Admission" for e in events) == 2
    body = response.content.decode()
    for text in ("Note du séjour un", "Note du séjour deux", "Appel de la grand-mère", "Secret de famille",
                 "Ordonnance du tribunal", "Rapport un", "Rapport deux", "Décision : Refus",
                 "Document confidentiel"):
        assert text in body, text
    # The family's own note and paper, and the refused request, are the family's (no stay).
    family_events = [e for e in events if e.context.startswith("Famille FAM-CHRONO")]
    assert {e.kind for e in family_events} == {"note", "document", "decision"}
    # Labels, never codes: the instrument and the alert by their names.
    assert any(e.kind == "assessment" and e.title.startswith("Évaluation EPDS") for e in events)
    alerts = [e for e in events if e.kind == "alert"]
    assert alerts and all("risque d'auto-agression" in e.title and "self_harm" not in e.title for e in alerts)


def test_a_partner_facility_stay_stays_out_and_the_partner_sees_only_its_own(login, family, users_a, users_b):
    body_a = _events(login(users_a["therapist"]), family).content.decode()
    assert "chez B" not in body_a
    body_b = _events(login(users_b["therapist"]), family).content.decode()
    assert "Note du séjour chez B" in body_b and "Rapport chez B" in body_b
    for text in ("Note du séjour un", "Appel de la grand-mère", "Secret de famille", "Ordonnance du tribunal",
                 "Rapport un", "Décision : Refus"):
        assert text not in body_b, text


@pytest.mark.parametrize("role", ["admissions", "manager", "admin"])
def test_a_restricted_note_stays_off_the_family_timeline_of_other_roles(login, family, users_a, role):
    body = _events(login(users_a[role]), family).content.decode()
    assert "Appel de la grand-mère" in body and "Secret de famille" not in body


def test_the_filter_keeps_the_chosen_kinds(login, family, users_a):
    response = _events(login(users_a["therapist"]), family, "?kind=document&kind=stay&kind=bogus")
    events = response.context["events"]
    assert {e.kind for e in events} == {"document", "stay"}
    assert {e.detail for e in events if e.kind == "document"} == {"Ordonnance du tribunal", "Rapport un",
                                                                   "Rapport deux"}


@pytest.mark.parametrize("role", ROLES)
def test_status_per_role(client, family, users_a, facility_b, role):
    url = reverse("journal:family_chronology", args=[family.pk])
    client.force_login(users_a[role])
    expected = expected_status(role, VIEW_RECORDS, on_object=True)
    assert client.get(url).status_code in ({expected} if expected != 404 else {403, 404})
    # A facility that never held the dossier does not reach it.
    stranger = factories.user(role=role, facility=factories.facility(code="upb-c"), username=f"{role}_c")
    client.force_login(stranger)
    assert client.get(url).status_code in (403, 404)


@pytest.mark.counts_queries
def test_the_family_chronology_runs_a_constant_number_of_queries(login, family, facility_a, users_a):
    client = login(users_a["therapist"])
    url = reverse("journal:family_chronology", args=[family.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries), len(client.get(url).context["events"])

    small, small_events = count()
    therapist = users_a["therapist"]
    elder = factories.child(family=family, birth_date=date(2023, 6, 1))
    mother = family.adults.get()
    for k, month in enumerate((4, 8)):
        _stay_with_events(facility_a, elder, therapist, mother, admitted=date(2024, month, 1),
                          discharged=date(2024, month + 2, 28), tag=f"aîné {k}")
    for k in range(8):
        note(author=therapist, family=family, facility=facility_a, text=f"Note de famille {k}",
             written_at=_at(date(2025, 8, 1 + k)))
        doc_factories.document(facility=facility_a, family=family, title=f"Courrier {k}",
                               document_date=date(2025, 8, 1 + k), by=therapist)
    large, large_events = count()
    assert large_events > small_events + 30
    assert large == small
