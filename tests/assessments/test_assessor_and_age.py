"""The evaluator by full name and the age at the assessment's date (issue 17): the lists did not name the
evaluator, the form's list of evaluators read logins, and a correction showed the child's age today."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from tests import factories
from tests.assessments.test_pages import _family_stay, record

pytestmark = pytest.mark.django_db

BAYLEY = {"cog_ss": 8, "cog": 90, "rc_ss": 9, "ec_ss": 7, "lang": 88, "fm_ss": 10, "gm_ss": 6, "motor": 68}


@pytest.fixture
def therapist(facility_a):
    return factories.user(role="therapist", facility=facility_a, username="mdupont", first_name="Marie",
                          last_name="Dupont")


@pytest.fixture
def assessed(facility_a, therapist):
    world = _family_stay(facility_a, "FAM-AGE-1", birth_date=date(2025, 3, 1))
    world.bayley = record(world.stay, therapist, "bayley4", BAYLEY, on=date(2025, 9, 20))
    return world


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_lists_name_the_evaluator_by_full_name(assessed, therapist, login):
    client = login(therapist)
    for url in (reverse("assessments:index"), reverse("assessments:child_trajectory", args=[assessed.child.pk])):
        page = client.get(url).content.decode()
        rows = [row for row in re.findall(r"<tr>.*?</tr>", page, flags=re.S) if "20/09/2025" in row]
        assert rows and all("Marie Dupont" in row and "mdupont" not in row for row in rows), url


def test_the_form_lists_evaluators_by_full_name(assessed, therapist, login):
    page = login(therapist).get(reverse("assessments:assessment_edit", args=[assessed.bayley.pk])).content.decode()
    select = re.search(r'<select name="assessor".*?</select>', page, flags=re.S).group(0)
    assert "Marie Dupont" in select and ">mdupont<" not in select.replace(" ", "").replace("\n", "")


def test_the_correction_form_shows_the_age_at_the_assessment_date(assessed, therapist, login):
    """Born 01/03/2025, assessed 20/09/2025: 6 months 19 days on that day, whatever today is."""
    text = _text(login(therapist).get(reverse("assessments:assessment_edit", args=[assessed.bayley.pk])))
    assert "Âge le 20/09/2025 : 6 mois 19 j" in text
    assert "aujourd'hui" not in text


def test_a_new_assessment_shows_the_age_at_the_date_typed(assessed, therapist, login):
    url = reverse("assessments:assessment_create", args=[assessed.stay.pk, "bayley4"])
    response = login(therapist).post(url, {"assessed_on": "2025-10-01", "assessor": therapist.pk})
    assert response.status_code == 400  # no scores: shown again, with the age on the date typed
    assert "Âge le 01/10/2025 : 7 mois 0 j" in _text(response)
