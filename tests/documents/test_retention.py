"""Retention: the clock (last contact, rule by country or facility), the list of dossiers past it, and the
anonymisation decision: past reports identical, nothing of the person left in the database."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from admissions import services as adm
from assessments import services as ass
from dashboards import engine
from documents import anonymisation, retention
from documents.models import Anonymisation, Document
from tests import factories
from tests.documents import factories as doc_factories
from tests.journal import factories as journal_factories

TODAY = date(2026, 12, 1)
CHILD_BIRTH = date(2005, 3, 20)
MOTHER_BIRTH = date(1985, 7, 14)
ADMITTED = date(2005, 9, 10)
NAMES = ("Zéphyrine", "Quatrevingt", "Léontine", "Zorglub", "Mabuse", "FAM-ZORG")


# ---------------------------------------------------------------- the rules (pure)


@pytest.mark.parametrize("country, births, end", [
    ("BE", [], date(2036, 6, 30)),
    ("LU", [], date(2016, 6, 30)),
    ("FR", [date(2005, 3, 20)], date(2033, 3, 20)),  # the 28th birthday, later than 20 years
    ("FR", [date(1990, 1, 1)], date(2026, 6, 30)),  # 20 years, later than the 28th birthday
])
def test_default_rules_by_country(country, births, end):
    rule = retention.DEFAULT_RULES[country]
    assert retention.retention_end(rule, last_contact=date(2006, 6, 30), children_birth_dates=births) == end


def test_at_most_caps_an_edited_rule():
    rule = retention.Rule(60, at_most_years=50)
    assert retention.retention_end(rule, last_contact=date(2000, 2, 29)) == date(2050, 2, 28)


@pytest.mark.parametrize("birth, references, coarse", [
    (date(2005, 3, 20), [date(2005, 9, 10)], date(2005, 3, 11)),  # 5 months on 10/09 with any day after the 10th
    (date(2005, 3, 20), [date(2005, 9, 25)], date(2005, 3, 1)),
    (date(2005, 3, 20), [], date(2005, 3, 1)),
    (date(1985, 7, 14), [date(2005, 7, 10), date(2006, 7, 20)], date(1985, 7, 11)),
])
def test_a_birth_date_is_coarsened_to_its_month_keeping_every_age(birth, references, coarse):
    assert retention.coarse_birth_date(birth, references) == coarse


# ---------------------------------------------------------------- a closed dossier of 2005


def _dossier(facility, users):
    clinician, therapist = users["admissions"], users["therapist"]
    family = adm.family_create(user=clinician, facility=facility, reference="FAM-ZORG-01",
                               notes="Famille Zorglub, voisins bruyants")
    child = adm.child_add(user=clinician, family=family, first_name="Zéphyrine", last_name="Quatrevingt", sex="F",
                          birth_date=CHILD_BIRTH, gestational_weeks=35, birth_weight_g=2400)
    adm.child_update(user=clinician, child=child, first_name="Zéphyrine", birth_weight_g=2450,
                     expected_version=child.version, reason="Poids corrigé après appel de Léontine")
    mother = adm.adult_add(user=clinician, family=family, role="mother", first_name="Léontine",
                           last_name="Quatrevingt", birth_date=MOTHER_BIRTH, nationality="BE", region="BE-WLG")
    request = adm.request_create(user=clinician, facility=facility, family=family, received_on=date(2005, 8, 1),
                                 requester="professional", referrer_category="hospital_maternity",
                                 reason="parent_infant_relationship", referrer_contact="Dr Mabuse",
                                 children=[child])
    request = adm.request_decide(user=clinician, request=request, decision="accepted", decided_on=date(2005, 8, 20),
                                 note="Accord de Zorglub", override_reason="Avis du Dr Mabuse")
    stay = adm.stay_admit(user=clinician, facility=facility, child=child, request=request, admitted_on=ADMITTED,
                          residence_before="hospital", mandate="saj")
    adm.presence_add(user=clinician, stay=stay, adult=mother, start=ADMITTED)
    adm.diagnosis_add(user=clinician, stay=stay, child=child, timepoint="entry", classification="icd10",
                      code="R62.0", label="Retard selon Dr Mabuse", primary=True)
    adm.meeting_add(user=clinician, stay=stay, held_on=date(2005, 10, 1), participants="Léontine, équipe",
                    evaluation="Zéphyrine sourit", adaptations="Voir Zorglub")
    adm.intervention_add(user=clinician, facility=facility, family=family, stay=stay, kind="home_visit",
                         done_on=date(2005, 10, 5), duration_min=60)
    adm.signalement_add(user=clinician, facility=facility, family=family, stay=stay, made_on=date(2005, 10, 6),
                        addressee="Parquet, substitut Zorglub")
    scores = {f"e{n:02d}": 1 for n in range(1, 10)} | {"e10": 1}
    epds = ass.assessment_record(user=therapist, stay=stay, instrument_code="epds", assessed_on=date(2005, 9, 20),
                                 scores=scores, adult=mother, notes="Léontine pleure")
    ass.alert_acknowledge(user=therapist, alert=epds.alerts.get(), note="Parlé avec Léontine")
    ass.assessment_record(user=therapist, stay=stay, instrument_code="pirgas", assessed_on=date(2005, 9, 15),
                          scores={"score": 62}, child=child)
    letter = doc_factories.document(facility=facility, family=family, stay=stay, title="Lettre de Zorglub",
                                    content=doc_factories.PDF + b"% Zephyrine Quatrevingt", document_date=ADMITTED)
    doc_factories.consent(facility=facility, adult=mother, scope="research", decided_on=ADMITTED)
    journal_factories.note(author=therapist, stay=stay, text="Léontine parle de Zorglub", confidentiality="restricted",
                           written_at=datetime(2005, 10, 2, 10, 0, tzinfo=UTC))
    adm.stay_discharge(user=clinician, stay=stay, discharged_on=date(2006, 2, 28), discharge_kind="planned",
                       residence_after="home_with_parent")
    return family, letter


def _neighbours(facility, users):
    """Another family of 2005, still kept: its figures share the report."""
    family = factories.family(facility=facility, reference="FAM-KEEP-01", by=users["admissions"])
    child = factories.child(family=family, birth_date=date(2005, 1, 5), by=users["admissions"])
    factories.adult(family=family, role="father", birth_date=date(1980, 2, 2))
    return factories.stay(facility=facility, child=child, admitted_on=date(2005, 9, 1), by=users["admissions"])


@pytest.fixture
def lu(db):
    return factories.facility(code="upb-lu", country="LU")


@pytest.fixture
def lu_users(lu):
    return {role: factories.user(role=role, facility=lu, username=f"{role}_lu")
            for role in ("admissions", "therapist", "admin", "manager")}


@pytest.fixture
def dossier(lu, lu_users, freezer_today):
    family, letter = _dossier(lu, lu_users)
    _neighbours(lu, lu_users)
    return family, letter


@pytest.fixture
def freezer_today(monkeypatch):
    # The services refuse dates in the future: "today" is the session's date, after 2006 in any case.
    return TODAY


def _reports(facility) -> str:
    periods = [engine.Period(date(2005, 1, 1), date(2005, 12, 31)), engine.Period(date(2006, 1, 1),
                                                                                  date(2006, 12, 31)),
               engine.Period(date(2005, 9, 1), date(2005, 9, 30))]
    return json.dumps([engine.build([facility], period, compare=False).as_json() for period in periods],
                      sort_keys=True, default=str)


def _everything_in_the_database() -> list[tuple[str, str, object]]:
    found = []
    for model in apps.get_models():
        for row in model._base_manager.values():
            for name, value in row.items():
                found.append((model._meta.label, name, value))
    return found


@pytest.mark.django_db
def test_the_dossier_past_retention_is_listed_with_its_last_contact(dossier, lu):
    family, _letter = dossier
    clocks = anonymisation.dossiers_past_retention(facility_ids={lu.pk}, today=TODAY)
    assert [(c.family, c.last_contact, c.retention_end) for c in clocks] == [
        (family, date(2006, 2, 28), date(2016, 2, 28))]
    # The neighbour's stay is open: it is alive, never listed.


@pytest.mark.django_db
def test_anonymisation_keeps_every_figure_and_leaves_nothing_of_the_person(dossier, lu, lu_users):
    family, letter = dossier
    before = _reports(lu)
    stored = Path(settings.STORAGES["documents"]["OPTIONS"]["location"]) / letter.stored_name
    assert stored.exists()
    assert any(isinstance(v, str) and "Zéphyrine" in v for _m, _f, v in _everything_in_the_database())

    decision = anonymisation.family_anonymise(user=lu_users["admin"], family=family, today=TODAY,
                                              reason="Conservation échue (10 ans, LU), revue annuelle 2026")

    assert _reports(lu) == before
    leftovers = [(model, name, value) for model, name, value in _everything_in_the_database()
                 if (isinstance(value, str) and any(n.lower() in value.lower() for n in NAMES))
                 or value in (CHILD_BIRTH, MOTHER_BIRTH)]
    assert leftovers == []
    assert not stored.exists()
    letter.refresh_from_db()
    assert (letter.content_erased, letter.title, letter.stored_name, letter.kind) == (True, "—", "", "referral_letter")
    family.refresh_from_db()
    assert family.reference == f"ANON-{family.pk}"
    child = family.children.get()
    assert (child.birth_date, child.sex, child.gestational_weeks, child.birth_weight_g) == (
        date(2005, 3, 11), "F", 35, 2450)
    assert (decision.decided_by, decision.last_contact, decision.summary["documents.document"]) == (
        lu_users["admin"], date(2006, 2, 28), 1)
    assert decision.reason.startswith("Conservation échue")
    assert anonymisation.dossiers_past_retention(facility_ids={lu.pk}, today=TODAY) == []


@pytest.mark.django_db
def test_anonymisation_needs_a_reason_the_rights_and_an_ended_retention(dossier, lu, lu_users):
    family, _letter = dossier
    with pytest.raises(ValidationError):
        anonymisation.family_anonymise(user=lu_users["admin"], family=family, reason=" ", today=TODAY)
    with pytest.raises(PermissionDenied):
        anonymisation.family_anonymise(user=lu_users["manager"], family=family, reason="x", today=TODAY)
    with pytest.raises(ValidationError, match="pas dépassé"):
        anonymisation.family_anonymise(user=lu_users["admin"], family=family, reason="x", today=date(2016, 2, 28))
    assert not Anonymisation.objects.exists()


@pytest.mark.django_db
def test_the_command_lists_and_its_dry_run_changes_nothing(dossier, lu, capsys):
    family, _letter = dossier
    call_command("retention", "--today", TODAY.isoformat(), "--dry-run", "--anonymise", str(family.pk),
                 "--reason", "Revue annuelle")
    out = capsys.readouterr().out
    assert f"{family.pk}" in out and "28/02/2006" in out and "dry-run" in out
    family.refresh_from_db()
    assert family.reference == "FAM-ZORG-01" and not Anonymisation.objects.exists()
    call_command("retention", "--today", TODAY.isoformat(), "--anonymise", str(family.pk), "--reason",
                 "Revue annuelle")
    family.refresh_from_db()
    assert family.reference.startswith("ANON-") and Anonymisation.objects.get().decided_by is None
    assert Document.objects.get(family=family).content_erased


@pytest.mark.django_db
def test_the_administrators_page_lists_it_and_the_decision_is_kept(login, dossier, lu, lu_users, users_a,
                                                                  monkeypatch):
    from django.urls import reverse
    from django.utils import timezone

    family, _letter = dossier
    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)
    client = login(lu_users["admin"])
    page = client.get(reverse("documents:retention")).content.decode()
    assert "FAM-ZORG-01" in page and "28/02/2006" in page and "28/02/2016" in page
    assert login(lu_users["therapist"]).get(reverse("documents:retention")).status_code == 403
    # Another facility's administrator neither sees it listed nor reaches its anonymisation.
    other = login(users_a["admin"])
    assert "FAM-ZORG-01" not in other.get(reverse("documents:retention")).content.decode()
    assert other.post(reverse("documents:anonymise", args=[family.pk]),
                      {"reason": "x", "confirm": "on"}).status_code == 404
    client = login(lu_users["admin"])
    url = reverse("documents:anonymise", args=[family.pk])
    assert client.post(url, {"reason": "Revue annuelle"}).status_code == 400  # not confirmed
    response = client.post(url, {"reason": "Revue annuelle 2026", "confirm": "on"})
    assert response.status_code == 302
    page = client.get(reverse("documents:retention")).content.decode()
    assert "FAM-ZORG-01" not in page and "Revue annuelle 2026" in page
