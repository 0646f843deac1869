"""The residents board shows the open alerts of each resident (issue 15: the EPDS item-10 alert was missing)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from admissions import services as admission_services
from assessments import services as assessment_services
from assessments.models import Alert
from tests import factories
from tests.journal.factories import note

SELF_HARM = {f"e{n:02d}": 0 for n in range(1, 11)} | {"e10": 1}


def _self_harm_alert(stay, therapist) -> Alert:
    mother = stay.child.family.adults.filter(role="mother").first() or factories.adult(family=stay.child.family)
    assessment = assessment_services.assessment_record(user=therapist, stay=stay, instrument_code="epds",
                                                       assessed_on=timezone.localdate(), scores=SELF_HARM,
                                                       adult=mother)
    return assessment.alerts.get()


@pytest.mark.django_db
def test_the_board_shows_the_epds_self_harm_alert_of_a_resident(client, facility_a, users_a):
    stay = factories.stay(facility=facility_a, admitted_on=timezone.localdate() - timedelta(days=5))
    quiet = factories.stay(facility=facility_a, admitted_on=timezone.localdate() - timedelta(days=5))
    alert = _self_harm_alert(stay, users_a["therapist"])
    client.force_login(users_a["admissions"])
    page = client.get(reverse("admissions:board")).content.decode()
    assert f'data-testid="board-alert-{stay.pk}"' in page
    assert escape(alert.label) in page
    assert f'data-testid="board-alert-{quiet.pk}"' not in page


@pytest.mark.django_db
def test_an_acknowledged_alert_leaves_the_board(client, facility_a, users_a):
    stay = factories.stay(facility=facility_a, admitted_on=timezone.localdate() - timedelta(days=5))
    alert = _self_harm_alert(stay, users_a["therapist"])
    assessment_services.alert_acknowledge(user=users_a["therapist"], alert=alert, note="Vu en entretien")
    client.force_login(users_a["admissions"])
    page = client.get(reverse("admissions:board")).content.decode()
    assert f'data-testid="board-alert-{stay.pk}"' not in page


@pytest.mark.django_db
@pytest.mark.counts_queries
def test_the_board_runs_a_constant_number_of_queries_whatever_the_residents_and_notes(client, facility_a, users_a):
    client.force_login(users_a["manager"])
    url = reverse("admissions:board")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    start = timezone.localdate() - timedelta(days=20)

    def resident(n: int) -> None:
        stay = factories.stay(facility=facility_a, admitted_on=start)
        _self_harm_alert(stay, users_a["therapist"])
        father = factories.adult(family=stay.child.family, role="father")
        admission_services.presence_add(user=None, stay=stay, adult=father, start=start)
        note(author=users_a["therapist"], stay=stay, confidentiality="restricted" if n % 2 else "team",
             written_at=timezone.now() - timedelta(hours=1))

    resident(0)
    client.get(url)  # the first page that shows a coded value reads the labels of the reference lists
    small = count()
    for n in range(1, 7):
        resident(n)
    assert count() == small
    assert client.get(url).content.decode().count('data-testid="board-alert-') == 7
