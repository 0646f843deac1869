"""History pages people can read: each field by its label, related records by their name, coded values by their
label, structured answers as a small table, dates dd/mm/yyyy — never a Python dictionary or a bare id.

Written against the page as it was (`{'e01': 2, …}`, `['self_harm']`, `instrument epds`, `enfant 111`, a title
ending in 2025-09-01), where each assertion failed first.
"""

import html
import re
from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse

from admissions import services as adm
from tests import factories
from tests.assessments.test_pages import _family_stay, epds_scores, record
from unit import registry as unit_registry

pytestmark = pytest.mark.django_db


def _page(client, obj) -> str:
    meta = obj._meta
    response = client.get(reverse("record_history", args=[meta.app_label, meta.model_name, obj.pk]))
    assert response.status_code == 200
    body = re.sub(r"<script.*?</script>|<nav.*?</nav>", " ", response.content.decode(), flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _never_python(text: str) -> None:
    assert "{'" not in text and "['" not in text and "'}" not in text, text
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), text


def test_an_assessment_history_names_its_instrument_scores_flags_and_people(login, facility_a, users_a):
    therapist = users_a["therapist"]
    therapist.first_name, therapist.last_name = "Nadia", "Benali"
    therapist.save()
    world = _family_stay(facility_a, "FAM-HIST-1")
    epds = record(world.stay, therapist, "epds", epds_scores(e10=1, rest=2), adult=world.mother)
    text = _page(login(therapist), epds)
    _never_python(text)
    for code in ("self_harm", "probable_depression", " epds "):
        assert code not in text
    assert "instrument — EPDS" in text
    assert "Item 10 1" in text and "Score total 19" in text, text
    assert "risque d'auto-agression" in text
    assert "évaluateur — Nadia Benali" in text
    assert "adulte — Claire Test" in text  # the mother by her name, not her id
    assert "20/09/2025" in text and "Historique — évaluation EPDS · 20/09/2025" in text


def test_a_request_history_shows_the_eligibility_answers_as_a_table(login, facility_a, users_a):
    clinician = users_a["admissions"]
    family = factories.family(facility=facility_a, reference="FAM-HIST-2")
    child = factories.child(family=family, birth_date=date(2025, 3, 1))
    req = factories.request(facility=facility_a, family=family, children=[child], received_on=date(2025, 9, 1))
    adm.request_check_eligibility(user=clinician, request=req, answers={c.code: "met" for c in
                                                                         facility_a.criteria.all()})
    text = _page(login(clinician), req)
    _never_python(text)
    assert "famille — FAM-HIST-2" in text  # the field by its French label, the family by its reference
    assert "structure — Structure" in text
    assert "Historique — demande d'admission FAM-HIST-2 · 01/09/2025" in text
    criterion = facility_a.criteria.order_by("position").first()
    assert f"{criterion.label_fr} Rempli" in text
    assert "age_months" not in text and "âge à l'admission" in text
    assert "verdict Éligible" in text


# Field names that are already the French word.
FRENCH_AS_IS = {"code", "instrument", "classification", "participants", "scores", "organisation", "extension",
                "actions"}


def test_every_field_of_a_record_with_a_history_has_a_french_label():
    """A field without verbose_name shows its Python name (`family`, `stay`) on the history page."""
    untranslated = []
    for model in apps.get_models():
        if not hasattr(model, "history") or not unit_registry.registry.has_history_page(model._meta.app_label):
            continue
        for field in model._meta.concrete_fields:
            if field.primary_key or field.name in ("version", "created_at", "updated_at"):
                continue
            if str(field.verbose_name) == field.name.replace("_", " ") and field.name not in FRENCH_AS_IS:
                untranslated.append(f"{model._meta.label}.{field.name}")
    assert untranslated == []
