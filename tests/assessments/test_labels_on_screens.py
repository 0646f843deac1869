"""A French user never meets a code: flags, clusters, composites, instruments and derived scores by their label.

Each test was written against the pages as they were (codes printed raw: `self_harm`, `range_of_state`, `cog`,
`epds`, `total`) and failed there first.
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.urls import reverse

from assessments import instruments
from tests.assessments.test_pages import _family_stay, epds_scores, record

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The words a reader sees: the page without its tags, scripts and attribute values."""
    page = response.content.decode()
    page = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def therapist(facility_a, users_a):
    return users_a["therapist"]


@pytest.fixture
def epds_world(facility_a, therapist):
    world = _family_stay(facility_a, "FAM-LBL-1")
    world.epds = record(world.stay, therapist, "epds", epds_scores(e10=1, rest=2), adult=world.mother)
    return world


def test_epds_flags_on_the_stay_timeline_are_labels(login, therapist, epds_world):
    text = _text(login(therapist).get(reverse("admissions:stay_detail", args=[epds_world.stay.pk])))
    for code in ("self_harm", "probable_depression", "possible_depression"):
        assert code not in text
    assert "risque d'auto-agression" in text
    assert "dépression probable" in text
    assert "Évaluation EPDS" in text


def test_derived_scores_on_the_assessment_page_are_labels(login, therapist, epds_world):
    page = login(therapist).get(reverse("assessments:assessment_detail", args=[epds_world.epds.pk])).content.decode()
    assert ">total<" not in page
    assert "<td>Score total</td>" in page


def test_bayley_composites_and_nbas_clusters_in_the_trajectory_are_labels(login, facility_a, therapist):
    world = _family_stay(facility_a, "FAM-LBL-2", birth_date=date(2025, 8, 20))
    record(world.stay, therapist, "nbas", {"habituation": 5, "range_of_state": 4.5, "autonomic_stability": 6},
           on=date(2025, 9, 15))
    record(world.stay, therapist, "bayley4", {"cog": 95, "lang": 88, "motor": 102},
           on=date(2025, 9, 20))
    record(world.stay, therapist, "bayley4", {"cog": 100, "lang": 92, "motor": 104},
           on=date(2025, 9, 28))
    text = _text(login(therapist).get(reverse("assessments:child_trajectory", args=[world.child.pk])))
    for code in ("range_of_state", "autonomic_stability", "regulation_of_state", "habituation "):
        assert code not in text
    for code in ("cog", "lang", "motor"):
        assert not re.search(rf"\b{code}\b", text), code
    assert "Étendue des états" in text
    assert "Cognitif" in text and "Langage" in text


def test_instruments_in_the_due_list_and_recent_list_are_names(login, facility_a, therapist):
    world = _family_stay(facility_a, "FAM-LBL-3")
    record(world.stay, therapist, "pirgas", {"score": 80})
    response = login(therapist).get(reverse("assessments:index"))
    due = response.context["due"]
    assert due, "the stay should have expected assessments"
    text = _text(response)
    for code in instruments.registry():
        assert not re.search(rf"(?<![\w-]){code}(?![\w-])", text), code


def test_the_reference_note_of_each_instrument_is_french():
    english = re.compile(r"\b(?:the|and|of|for|with|are|is|not|threshold|rated|scores?|months|days)\b")
    for tool in instruments.registry().values():
        assert tool.note_fr, tool.code
        assert not english.search(tool.note_fr), tool.code
        assert tool.source in tool.reference("fr") and tool.note_fr in tool.reference("fr")
        assert tool.note_en in tool.reference("en")


def test_the_form_marks_the_english_citation_as_english(epds_world, therapist, login):
    """The sources are cited as published (English titles); the page says so with lang="en", so that a screen
    reader reads them in English and the French-only crawl of the browser tests knows them."""
    tool = instruments.get("epds")
    page = login(therapist).get(reverse("assessments:assessment_create", args=[epds_world.stay.pk, "epds"]))
    cited = re.search(r'<cite lang="en">(.*?)</cite>', page.content.decode(), flags=re.S)
    assert cited and html.unescape(cited.group(1)).strip() == tool.source
    assert tool.note_fr in html.unescape(page.content.decode())
