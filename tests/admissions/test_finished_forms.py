"""Admission and care forms that never guess and say what happened (issue 17): each test failed on the pages as
they were — an invented diagnosis code accepted, « au en cours », the decision's comment kept out of sight."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from admissions import services as adm
from admissions.models import Diagnosis, Stay
from tests import factories
from tests.admissions.test_pages import REF_A, _family_with_stay

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(facility_a):
    return _family_with_stay(facility_a, REF_A)


def _diagnosis_post(world, **fields) -> dict:
    return {"subject": f"child:{world.child.pk}", "timepoint": "entry", "made_on": "2025-09-20", **fields}


def _page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_an_unknown_code_of_a_classification_is_refused(world, users_a, login):
    client = login(users_a["therapist"])
    url = reverse("admissions:diagnosis_add", args=[world.stay.pk])
    response = client.post(url, _diagnosis_post(world, classification="icd11", code="ZZ99"))
    assert response.status_code == 400
    assert "Code inconnu" in response.content.decode()
    assert not Diagnosis.objects.filter(code="ZZ99").exists()


def test_a_local_code_needs_its_label(world, users_a, login):
    client = login(users_a["therapist"])
    url = reverse("admissions:diagnosis_add", args=[world.stay.pk])
    response = client.post(url, _diagnosis_post(world, classification="local", code="FEED-DIS"))
    assert response.status_code == 400
    assert "libellé" in response.content.decode()
    assert not Diagnosis.objects.filter(code="FEED-DIS").exists()
    response = client.post(url, _diagnosis_post(world, classification="local", code="FEED-DIS",
                                                label="Trouble de l'alimentation"))
    assert response.status_code == 302
    saved = Diagnosis.objects.get(code="FEED-DIS")
    assert (saved.classification, saved.label) == ("local", "Trouble de l'alimentation")


def test_a_known_code_is_taken_with_its_title(world, users_a, login):
    client = login(users_a["therapist"])
    url = reverse("admissions:diagnosis_add", args=[world.stay.pk])
    assert client.post(url, _diagnosis_post(world, classification="icd11", code="6B44")).status_code == 302
    assert Diagnosis.objects.get(code="6B44").label


def test_an_open_presence_reads_since(world, users_a, login):
    """The stay page read « 10/09/2025 → en cours »: an open period reads « depuis le 10/09/2025 »."""
    text = _page_text(login(users_a["admissions"]).get(reverse("admissions:stay_detail", args=[world.stay.pk])))
    assert "depuis le 10/09/2025" in text
    assert "→ en cours" not in text


def test_the_decision_comment_shows_on_the_request_page(facility_a, users_a, login):
    world = _family_with_stay(facility_a, "FAM-A-002")
    adm.request_decide(user=None, request=world.request, decision="refused", decided_on=date(2025, 9, 6),
                       refusal_reason="no_capacity", note="Rappeler la famille en janvier",
                       expected_version=world.request.version)
    text = _page_text(login(users_a["admissions"]).get(reverse("admissions:request_detail",
                                                               args=[world.request.pk])))
    assert "Rappeler la famille en janvier" in text


# ---------------------------------------------------------------- the admission asks who arrives with the child


def _admission(facility, user_role="admissions"):
    family = factories.family(facility=facility)
    child = factories.child(family=family, birth_date=date(2025, 6, 1))
    mother = factories.adult(family=family, role="mother")
    father = factories.adult(family=family, role="father")
    req = factories.accepted_request(facility=facility, family=family, children=[child])
    return req, child, mother, father


def test_the_admission_asks_which_parents_arrive_and_their_presence_starts_with_the_stay(facility_a, users_a,
                                                                                         login):
    req, child, mother, father = _admission(facility_a)
    client = login(users_a["admissions"])
    page = client.get(reverse("admissions:request_detail", args=[req.pk])).content.decode()
    assert page.count('name="parents"') == 2
    url = reverse("admissions:request_admit", args=[req.pk])
    data = {"children": [child.pk], "admitted_on": "2025-10-01", "residence_before": "hospital", "mandate": "none"}
    response = client.post(url, data)
    assert response.status_code == 400  # the form does not guess that the child arrives alone
    assert "parents" in response.content.decode() and not Stay.objects.filter(child=child).exists()

    assert client.post(url, {**data, "parents": [mother.pk]}).status_code == 302
    stay = Stay.objects.get(child=child)
    periods = list(stay.presence_periods.values_list("adult_id", "start", "end"))
    assert periods == [(mother.pk, date(2025, 10, 1), None)]


def test_a_child_may_arrive_without_a_parent_when_the_form_says_so(facility_a, users_a, login):
    req, child, _mother, _father = _admission(facility_a)
    response = login(users_a["admissions"]).post(reverse("admissions:request_admit", args=[req.pk]), {
        "children": [child.pk], "admitted_on": "2025-10-01", "residence_before": "hospital", "mandate": "none",
        "without_parent": "on"})
    assert response.status_code == 302
    assert not Stay.objects.get(child=child).presence_periods.exists()


# ---------------------------------------------------------------- correcting the admission date


def test_the_admission_date_is_corrected_with_a_reason_and_the_presence_follows(world, users_a, login):
    client = login(users_a["admissions"])
    url = reverse("admissions:stay_admission_date", args=[world.stay.pk])
    data = {"admitted_on": "2025-09-08", "version": world.stay.version}
    response = client.post(url, data)
    assert response.status_code == 400 and "motif" in response.content.decode()
    response = client.post(url, {**data, "reason": "Date saisie le jour de la visite de pré-admission"})
    assert response.status_code == 302
    world.stay.refresh_from_db()
    assert world.stay.admitted_on == date(2025, 9, 8)
    last = world.stay.history.latest()
    assert "pré-admission" in last.history_change_reason and last.history_user == users_a["admissions"]
    # The mother arrived with the child: her presence starts with the stay.
    assert world.presence.__class__.objects.get(pk=world.presence.pk).start == date(2025, 9, 8)


def test_an_admission_date_after_a_later_presence_start_is_refused(world):
    adm.presence_end(user=None, period=world.presence, end=date(2025, 9, 12))
    with pytest.raises(ValidationError):
        adm.stay_admission_correct(user=None, stay=world.stay, admitted_on=date(2025, 9, 15),
                                   reason="erreur", expected_version=world.stay.version)
    world.stay.refresh_from_db()
    assert world.stay.admitted_on == date(2025, 9, 10)


def test_an_earlier_admission_date_needs_a_place_on_those_days(facility_a):
    small = factories.facility(code="upb-one", capacity=1)
    first = factories.stay(facility=small, admitted_on=date(2025, 9, 1))
    adm.stay_discharge(user=None, stay=first, discharged_on=date(2025, 9, 10), discharge_kind="planned",
                       residence_after="home_with_parent")
    second = factories.stay(facility=small, admitted_on=date(2025, 9, 10))
    with pytest.raises(ValidationError):
        adm.stay_admission_correct(user=None, stay=second, admitted_on=date(2025, 9, 5), reason="erreur",
                                   expected_version=second.version)
    assert adm.stay_admission_correct(user=None, stay=second, admitted_on=date(2025, 9, 11), reason="erreur",
                                      expected_version=second.version).admitted_on == date(2025, 9, 11)


# ---------------------------------------------------------------- accepting for a full unit


def test_accepting_a_request_for_a_full_unit_warns_before_the_decision(users_a, login):
    small = factories.facility(code="upb-full", capacity=1)
    user = factories.user(role="admissions", facility=small)
    factories.stay(facility=small, admitted_on=date(2025, 9, 1))
    family = factories.family(facility=small)
    req = factories.request(facility=small, family=family, children=[factories.child(family=family)])
    client = login(user)
    page = client.get(reverse("admissions:request_detail", args=[req.pk])).content.decode()
    assert 'data-testid="full-warning"' in page
    data = {"decision": "accepted", "decided_on": "2025-09-05", "version": req.version, "override_reason": "x"}
    response = client.post(reverse("admissions:request_decide", args=[req.pk]), data)
    assert response.status_code == 400 and "complète" in response.content.decode()
    req.refresh_from_db()
    assert req.decision == ""
    response = client.post(reverse("admissions:request_decide", args=[req.pk]), {**data, "confirm_full": "on"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.decision == "accepted"
    # The waiting list needs no confirmation.
    other = factories.request(facility=small, family=family, children=[factories.child(family=family)])
    response = client.post(reverse("admissions:request_decide", args=[other.pk]), {
        "decision": "waiting_list", "decided_on": "2025-09-05", "version": other.version, "override_reason": "x"})
    assert response.status_code == 302


def test_a_unit_with_a_free_place_shows_no_warning(facility_a, users_a, login):
    family = factories.family(facility=facility_a)
    req = factories.request(facility=facility_a, family=family, children=[factories.child(family=family)])
    page = login(users_a["admissions"]).get(reverse("admissions:request_detail", args=[req.pk])).content.decode()
    assert 'data-testid="full-warning"' not in page


# ---------------------------------------------------------------- the edit-conflict table


def test_the_conflict_table_writes_dates_dd_mm_yyyy_and_codes_by_label(world, users_a, login):
    """« Votre saisie » showed what the browser posts: 2025-12-31, hospital."""
    stale = world.stay.version
    adm.stay_update(user=None, stay=world.stay, expected_version=stale, reason="autre clinicien",
                    planned_end_on=date(2025, 11, 30), residence_before="family_home")
    response = login(users_a["admissions"]).post(reverse("admissions:stay_edit", args=[world.stay.pk]), {
        "version": stale, "planned_end_on": "2025-12-31", "residence_before": "hospital", "mandate": "saj"})
    assert response.status_code == 400
    table = re.search(r'data-testid="conflict".*?</table>', response.content.decode(), flags=re.S).group(0)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", table, flags=re.S)]
    assert "31/12/2025" in cells and "30/11/2025" in cells
    assert "Hôpital" in cells and "SAJ" in cells
    assert not [cell for cell in cells if re.fullmatch(r"\d{4}-\d{2}-\d{2}|[a-z]+(_[a-z]+)*", cell)], cells


def test_the_decision_of_a_pending_request_is_not_preselected(facility_a, users_a, login):
    """The decision list opened on « Acceptée » for a request nobody had decided yet."""
    family = factories.family(facility=facility_a)
    req = factories.request(facility=facility_a, family=family, children=[factories.child(family=family)])
    page = login(users_a["admissions"]).get(reverse("admissions:request_detail", args=[req.pk])).content.decode()
    select = re.search(r'<select name="decision".*?</select>', page, flags=re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"[^>]*selected', select) in ([], [""])
