"""The EPDS entry form asks which answer was ticked and applies the paper form's keying itself."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from assessments.models import Alert, Assessment
from tests.assessments.test_pages import ASSESSED, _family_stay, record

EPDS_ITEMS = [f"e{n:02d}" for n in range(1, 11)]


@pytest.fixture
def stay_a(facility_a, users_a):
    return _family_stay(facility_a, "FAM-A-EPDS")


def _post(client, stay, answers: list[int], assessor):
    """The entry form as a clinician fills it: the ticked answer (1st to 4th) of each item."""
    data = {"assessed_on": ASSESSED.isoformat(), "assessor": assessor.pk, "adult": stay.mother.pk}
    data |= {f"a_{code}": str(answer) for code, answer in zip(EPDS_ITEMS, answers, strict=True)}
    return client.post(reverse("assessments:assessment_create", args=[stay.stay.pk, "epds"]), data)


def _radios(html: str, name: str) -> list[tuple[str, bool]]:
    """(value, checked) of each radio button named `name`, in page order."""
    found = []
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and 'type="radio"' in tag:
            found.append((re.search(r'value="([^"]*)"', tag).group(1), " checked" in tag))
    return found


@pytest.mark.django_db
def test_the_entry_form_offers_four_answers_per_item_none_preselected(login, users_a, stay_a):
    html = login(users_a["therapist"]).get(
        reverse("assessments:assessment_create", args=[stay_a.stay.pk, "epds"])).content.decode()
    for code in EPDS_ITEMS:
        assert _radios(html, f"a_{code}") == [("1", False), ("2", False), ("3", False), ("4", False)], code
    assert f'name="s_{EPDS_ITEMS[0]}"' not in html  # no score typed by hand
    assert "1re réponse" in html and "4e réponse" in html


@pytest.mark.django_db
def test_all_first_answers_are_stored_keyed_total_21_with_the_self_harm_alert(login, users_a, stay_a):
    client = login(users_a["therapist"])
    response = _post(client, stay_a, [1] * 10, users_a["therapist"])
    assert response.status_code == 302, response.context["form"].errors
    assessment = Assessment.objects.get(stay=stay_a.stay, instrument="epds")
    assert assessment.scores == dict(zip(EPDS_ITEMS, [0, 0, 3, 0, 3, 3, 3, 3, 3, 3], strict=True))
    assert assessment.derived == {"total": 21}
    assert list(Alert.objects.filter(assessment=assessment).values_list("code", flat=True)) == ["self_harm"]


@pytest.mark.django_db
def test_never_ticked_on_item_10_raises_no_self_harm_alert(login, users_a, stay_a):
    client = login(users_a["therapist"])
    assert _post(client, stay_a, [1] * 9 + [4], users_a["therapist"]).status_code == 302
    assessment = Assessment.objects.get(stay=stay_a.stay, instrument="epds")
    assert assessment.derived == {"total": 18} and assessment.scores["e10"] == 0
    assert not Alert.objects.filter(assessment=assessment).exists()


@pytest.mark.django_db
def test_an_unanswered_item_is_refused_not_scored_zero(login, users_a, stay_a):
    client = login(users_a["therapist"])
    data_answers = [1] * 10
    response = client.post(reverse("assessments:assessment_create", args=[stay_a.stay.pk, "epds"]), {
        "assessed_on": ASSESSED.isoformat(), "assessor": users_a["therapist"].pk, "adult": stay_a.mother.pk,
        **{f"a_{code}": str(a) for code, a in zip(EPDS_ITEMS[:-1], data_answers[:-1], strict=True)}})
    assert response.status_code == 400
    assert "a_e10" in response.context["form"].errors
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_the_edit_form_shows_back_the_answers_that_were_ticked(login, users_a, stay_a):
    # Stored item scores 0 on item 3 (reverse-keyed: its 4th answer) and 0 on item 4 (its 1st answer).
    scores = dict(zip(EPDS_ITEMS, [0, 1, 0, 0, 3, 2, 1, 0, 0, 0], strict=True))
    assessment = record(stay_a.stay, users_a["therapist"], "epds", scores, adult=stay_a.mother)
    html = login(users_a["therapist"]).get(
        reverse("assessments:assessment_edit", args=[assessment.pk])).content.decode()
    expected = [1, 2, 4, 1, 1, 2, 3, 4, 4, 4]
    for code, answer in zip(EPDS_ITEMS, expected, strict=True):
        assert [value for value, checked in _radios(html, f"a_{code}") if checked] == [str(answer)], code
