"""The chronology of a stay: every kind of record on one timeline, filterable, with the notes the reader may read."""

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

ADMITTED = date(2025, 9, 10)
EPDS_ALERT = {f"e{n:02d}": 2 for n in range(1, 10)} | {"e10": 1}


def _populate(stay, therapist, mother, n: int = 1):
    for k in range(n):
        adm.diagnosis_add(user=therapist, stay=stay, child=stay.child, timepoint="entry", classification="icd11",
                          code="6B44", label="Trouble", primary=k == 0, made_on=ADMITTED)
        ass.assessment_record(user=therapist, stay=stay, instrument_code="epds", assessed_on=date(2025, 9, 12 + k),
                              scores=EPDS_ALERT, adult=mother)
        adm.meeting_add(user=therapist, stay=stay, held_on=date(2025, 10, 1 + k), participants="équipe")
        adm.intervention_add(user=therapist, facility=stay.facility, family=stay.child.family, stay=stay,
                             kind="home_visit", done_on=date(2025, 9, 20 + k), duration_min=60)
        adm.signalement_add(user=therapist, facility=stay.facility, family=stay.child.family, stay=stay,
                            made_on=date(2025, 9, 25 + k), addressee="SPJ")
        doc_factories.document(facility=stay.facility, family=stay.child.family, stay=stay, title=f"Courrier {k}",
                               document_date=date(2025, 9, 11), by=therapist)
        note(author=therapist, stay=stay, text=f"Note équipe {k}")
        note(author=therapist, stay=stay, text=f"Secret thérapeutique {k}", confidentiality="restricted",
             written_at=timezone.make_aware(datetime(2025, 9, 16, 10, 0)))  # noqa: DTZ001


@pytest.fixture
def stay(facility_a, users_a):
    therapist = users_a["therapist"]
    stay = factories.stay(facility=facility_a, admitted_on=ADMITTED)
    mother = factories.adult(family=stay.child.family)
    adm.presence_add(user=therapist, stay=stay, adult=mother, start=ADMITTED)
    _populate(stay, therapist, mother)
    return stay


@pytest.mark.django_db
def test_every_kind_of_record_is_on_the_timeline_in_date_order(client, stay, users_a):
    client.force_login(users_a["therapist"])
    response = client.get(reverse("journal:stay_chronology", args=[stay.pk]))
    kinds = [e.kind for e in response.context["events"]]
    assert set(kinds) == set(chronology.KINDS)
    days = [e.day for e in response.context["events"]]
    assert days == sorted(days)
    body = response.content.decode()
    assessment = next(e for e in response.context["events"] if e.kind == "assessment")
    assert "19 (" in assessment.detail  # the key score (9 items at 2, item 10 at 1) with its band
    assert "Secret thérapeutique" in body and "Document confidentiel" in body


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admissions", "manager", "admin"])
def test_a_restricted_note_stays_off_the_timeline_of_other_roles(client, stay, users_a, role):
    client.force_login(users_a[role])
    body = client.get(reverse("journal:stay_chronology", args=[stay.pk])).content.decode()
    assert "Note équipe" in body and "Secret thérapeutique" not in body


@pytest.mark.django_db
def test_the_filter_keeps_the_chosen_kinds(client, stay, users_a):
    client.force_login(users_a["therapist"])
    response = client.get(reverse("journal:stay_chronology", args=[stay.pk]) + "?kind=note&kind=alert&kind=bogus")
    assert {e.kind for e in response.context["events"]} == {"note", "alert"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_status_per_role(client, stay, users_a, users_b, role):
    url = reverse("journal:stay_chronology", args=[stay.pk])
    client.force_login(users_a[role])
    expected = expected_status(role, VIEW_RECORDS, on_object=True)
    assert client.get(url).status_code in ({expected} if expected != 404 else {403, 404})
    client.force_login(users_b[role])
    assert client.get(url).status_code in (403, 404)


@pytest.mark.django_db
@pytest.mark.counts_queries
def test_the_chronology_runs_a_constant_number_of_queries(client, stay, users_a):
    client.force_login(users_a["therapist"])
    url = reverse("journal:stay_chronology", args=[stay.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    _populate(stay, users_a["therapist"], stay.presence_periods.get().adult, n=4)
    assert count() == small
