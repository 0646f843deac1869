"""The right of access (GDPR art. 15): a workbook of everything about one person, and only about them."""

import html
from datetime import date, timedelta
from io import BytesIO
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from admissions import services as adm
from assessments import services as assessment_services
from interchange.subject_access import subject_access_workbook
from tests import factories
from tests.hostile import hostile_texts, is_inert, storable
from unit.models import AuditEntry

ADMITTED = date(2025, 9, 10)
EPDS = {f"e{n:02d}": 1 for n in range(1, 10)} | {"e10": 0}
ROLES = ["admissions", "therapist", "manager", "reporting", "admin"]


def _family(facility, users, reference, *, child_name, mother_name, meeting_note):
    clinician, therapist = users["admissions"], users["therapist"]
    family = factories.family(facility=facility, reference=reference, by=clinician)
    child = adm.child_add(user=clinician, family=family, first_name=child_name, last_name="Quatrevingt", sex="F",
                          birth_date=date(2025, 3, 1), birth_weight_g=2900)
    mother = adm.adult_add(user=clinician, family=family, role="mother", first_name=mother_name,
                           last_name="Quatrevingt", birth_date=date(1995, 5, 5))
    stay = factories.stay(facility=facility, child=child, admitted_on=ADMITTED, by=clinician)
    adm.presence_add(user=clinician, stay=stay, adult=mother, start=ADMITTED)
    adm.diagnosis_add(user=clinician, stay=stay, child=child, timepoint="entry", classification="icd10",
                      code="R62.0", label="Retard de développement", primary=True)
    adm.diagnosis_add(user=clinician, stay=stay, adult=mother, timepoint="entry", classification="icd10",
                      code="F53.0", label="Dépression du post-partum", primary=True)
    adm.meeting_add(user=clinician, stay=stay, held_on=ADMITTED + timedelta(days=20), participants="équipe",
                    evaluation=meeting_note)
    adm.intervention_add(user=clinician, facility=facility, family=family, stay=stay, kind="home_visit",
                         done_on=ADMITTED + timedelta(days=3))
    adm.signalement_add(user=clinician, facility=facility, family=family, stay=stay,
                        made_on=ADMITTED + timedelta(days=4), addressee="=Parquet des mineurs")
    assessed = ADMITTED + timedelta(days=5)
    pirgas = assessment_services.assessment_record(user=therapist, stay=stay, instrument_code="pirgas",
                                                   assessed_on=assessed, scores={"score": 75}, child=child)
    epds = assessment_services.assessment_record(user=therapist, stay=stay, instrument_code="epds",
                                                 assessed_on=assessed, scores=EPDS, adult=mother, assessor=therapist)
    return SimpleNamespace(facility=facility, family=family, child=child, mother=mother, stay=stay, pirgas=pirgas,
                           epds=epds)


@pytest.fixture
def world_a(facility_a, users_a):
    return _family(facility_a, users_a, "FAM-A-001", child_name="Zéphyrine", mother_name="Léontine",
                   meeting_note="Progrès nets de Zéphyrine")


@pytest.fixture
def other_family(facility_a, users_a):
    return _family(facility_a, users_a, "FAM-A-002", child_name="Barnabé", mother_name="Hortense",
                   meeting_note="Note de l'autre famille")


def _sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


def _text(sheets: dict[str, list[tuple]]) -> str:
    return "\n".join(" | ".join("" if v is None else str(v) for v in row) for rows in sheets.values() for row in rows)


@pytest.mark.django_db
def test_the_workbook_holds_the_childs_records_and_their_full_history(world_a, other_family, users_a):
    clinician = users_a["admissions"]
    child = world_a.child
    adm.child_update(user=clinician, child=child, birth_weight_g=3100, expected_version=child.version,
                      reason="Correction du poids de naissance")

    sheets = _sheets(subject_access_workbook(child, {world_a.facility.pk}))

    assert list(sheets) == ["Périmètre", "Personne", "Famille", "Demandes", "Séjours", "Présences", "Diagnostics",
                            "Évaluations", "Alertes", "Réunions", "Interventions", "Signalements", "Documents",
                            "Consentements", "Journal", "Historique"]
    person = dict(zip(sheets["Personne"][0], sheets["Personne"][1], strict=True))
    assert (person["prénom"], person["poids de naissance (g)"]) == ("Zéphyrine", 3100)
    assert sheets["Famille"][1][0] == world_a.family.pk
    for title in ("Demandes", "Séjours", "Présences", "Diagnostics", "Évaluations", "Réunions", "Interventions",
                  "Signalements"):
        assert len(sheets[title]) == 2, title  # header and one record
    assessment = dict(zip(sheets["Évaluations"][0], sheets["Évaluations"][1], strict=True))
    assert assessment["instrument"] == "pirgas"
    assert assessment["scores"] == '{"score": 75}'
    text = _text(sheets)
    assert "Progrès nets de Zéphyrine" in text
    # Text that a spreadsheet would run as a formula is quoted.
    assert "'=Parquet des mineurs" in text

    history = sheets["Historique"]
    weight = [row for row in history[1:] if row[0] == "enfant" and row[7] == "poids de naissance (g)"]
    assert [(row[2], row[4], row[5], row[8], row[9]) for row in weight] == [
        (1, clinician.username, "Ajout d'un enfant", "—", "2900"),
        (2, clinician.username, "Correction du poids de naissance", "2900", "3100"),
    ]
    assert {row[0] for row in history[1:]} >= {"enfant", "famille", "séjour", "demande d'admission",
                                               "évaluation", "réunion de synthèse", "signalement"}


@pytest.mark.django_db
def test_nothing_from_another_family_nor_a_parents_health_data(world_a, other_family):
    text = _text(_sheets(subject_access_workbook(world_a.child, {world_a.facility.pk})))
    for foreign in ("Barnabé", "Hortense", "FAM-A-002", "Note de l'autre famille"):
        assert foreign not in text
    # The mother's diagnosis and depression score are hers, not the child's.
    assert "F53.0" not in text
    assert "epds" not in text


@pytest.mark.django_db
def test_an_adults_workbook_holds_her_stays_and_her_own_assessments(world_a, other_family):
    sheets = _sheets(subject_access_workbook(world_a.mother, {world_a.facility.pk}))
    assert sheets["Personne"][1][sheets["Personne"][0].index("prénom")] == "Léontine"
    assert [row[sheets["Séjours"][0].index("ID")] for row in sheets["Séjours"][1:]] == [world_a.stay.pk]
    assert [row[sheets["Évaluations"][0].index("instrument")] for row in sheets["Évaluations"][1:]] == ["epds"]
    text = _text(sheets)
    assert "F53.0" in text and "R62.0" not in text
    assert "Hortense" not in text


@pytest.mark.django_db
def test_documents_and_consents_are_in_the_workbook_described_not_their_content(world_a, other_family, users_a):
    from documents import services as doc_services
    from tests.documents import factories as doc_factories

    letter = doc_factories.document(facility=world_a.facility, family=world_a.family, stay=world_a.stay,
                                    title="Courrier de la maternité", by=users_a["admissions"])
    doc_factories.document(facility=other_family.facility, family=other_family.family, title="Pas la sienne")
    consent = doc_factories.consent(facility=world_a.facility, adult=world_a.mother, scope="photos")
    doc_services.consent_withdraw(user=None, facility=world_a.facility, consent=consent,
                                  withdrawn_on=date(2025, 10, 1), reason="Ne souhaite plus")
    for person in (world_a.child, world_a.mother):
        sheets = _sheets(subject_access_workbook(person, {world_a.facility.pk}))
        assert _ids(sheets, "Documents") == [letter.pk]
        assert _ids(sheets, "Consentements") == [consent.pk]
        text = _text(sheets)
        assert "Courrier de la maternité" in text and "Pas la sienne" not in text
        assert "%PDF" not in text
        consent_versions = [row for row in sheets["Historique"][1:] if row[0] == "consentement"
                            and row[7] == "statut"]
        assert [(row[8], row[9]) for row in consent_versions] == [("—", "Donné"), ("Donné", "Retiré")]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_subject_access_status_per_role(login, world_a, users_a, role):
    url = reverse("interchange:subject_access", args=["child", world_a.child.pk])
    client = login(users_a[role])
    expected = 200 if role == "admin" else 403
    assert client.get(url).status_code == expected
    assert client.post(url).status_code == expected


@pytest.mark.django_db
def test_an_admin_of_another_facility_gets_404(login, world_a, users_b):
    client = login(users_b["admin"])
    for kind, pk in (("child", world_a.child.pk), ("adult", world_a.mother.pk), ("child", 999_999),
                     ("family", world_a.family.pk)):
        url = reverse("interchange:subject_access", args=[kind, pk])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert not AuditEntry.objects.filter(action="subject_access").exists()


@pytest.mark.django_db
def test_the_page_describes_the_export_and_the_post_returns_an_audited_workbook(login, world_a, users_a):
    admin_user = users_a["admin"]
    client = login(admin_user)
    url = reverse("interchange:subject_access", args=["child", world_a.child.pk])
    page = client.get(url)
    assert "Historique" in page.content.decode()
    response = client.post(url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"] == f'attachment; filename="acces-child-{world_a.child.pk}.xlsx"'
    assert "Zéphyrine" in _text(_sheets(response.content))

    entries = list(AuditEntry.objects.order_by("pk").values_list("action", "what", "object_id", "facility_id",
                                                                  "user"))
    expected = ("admissions.child", str(world_a.child.pk), world_a.facility.pk, admin_user.pk)
    # The page is a read; the export writes one subject-access entry and no second "export" entry.
    assert entries == [("read", *expected), ("subject_access", *expected)]


@pytest.mark.django_db
def test_hostile_text_behind_control_characters_or_spaces_is_inert(world_a, users_a):
    """Issue 11, finding 1: a first name "\\x01=cmd…" was a live formula in the subject-access workbook."""
    clinician, child = users_a["admissions"], world_a.child
    texts = storable(hostile_texts("1+cmd|A0"))
    adm.child_update(user=clinician, child=child, first_name="\x01=cmd|'/C calc'!A0",
                      expected_version=child.version, reason="\u3000=cmd|'/C calc'!A0")
    for number, code in enumerate(texts):
        adm.diagnosis_add(user=clinician, stay=world_a.stay, child=child, timepoint="entry", classification="local",
                          code=f"{code}{number:02d}", label=code)
    workbook = load_workbook(BytesIO(subject_access_workbook(child, {world_a.facility.pk})))
    cells = [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row
             if isinstance(cell.value, str)]
    assert len([c for c in cells if "1+cmd|A0" in c.value]) >= 2 * len(texts)  # code and label, history aside
    assert len([c for c in cells if "cmd|'/C calc'!A0" in c.value]) >= 3  # name, its new value, the reason
    assert not [(c.parent.title, c.coordinate, c.value) for c in cells if c.data_type != "s" or not is_inert(c.value)]
OTHERS_HOLD = "D'autres structures détiennent des données de cette personne"


@pytest.fixture
def shared(world_a, facility_b, users_b):
    """Facility A's family also asks facility B: B holds one request of its own, nothing else."""
    factories.sharing_consent(family=world_a.family)
    world_a.request_b = factories.request(facility=facility_b, family=world_a.family, children=[world_a.child],
                                          received_on=ADMITTED + timedelta(days=30), by=users_b["admissions"])
    return world_a


def _ids(sheets, title):
    rows = sheets[title]
    return [row[rows[0].index("ID")] for row in rows[1:]]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["child", "mother"])
def test_an_admin_of_a_partner_facility_exports_only_its_own_records(login, shared, users_b, kind):
    person = getattr(shared, kind)
    client = login(users_b["admin"])
    url = reverse("interchange:subject_access", args=["child" if kind == "child" else "adult", person.pk])
    page = html.unescape(client.get(url).content.decode())
    sheets = _sheets(client.post(url).content)

    assert _ids(sheets, "Demandes") == [shared.request_b.pk]
    for title in ("Séjours", "Présences", "Diagnostics", "Évaluations", "Alertes", "Réunions", "Interventions",
                  "Signalements"):
        assert sheets[title][1:] == [], title
    text = _text(sheets)
    for foreign in ("R62.0", "F53.0", "Progrès nets de Zéphyrine", "Parquet des mineurs", "pirgas", "epds"):
        assert foreign not in text
    history_kinds = {row[0] for row in sheets["Historique"][1:]}
    assert history_kinds.isdisjoint({"séjour", "diagnostic", "évaluation", "réunion de synthèse", "intervention",
                                     "signalement", "période de présence"})
    assert OTHERS_HOLD in text and OTHERS_HOLD in page
    # The facilities that hold the rest are not named.
    assert shared.facility.name not in sheets["Périmètre"].__repr__()


@pytest.mark.django_db
def test_the_opening_facility_exports_its_records_and_not_the_partners_request(login, shared, users_a):
    url = reverse("interchange:subject_access", args=["child", shared.child.pk])
    sheets = _sheets(login(users_a["admin"]).post(url).content)
    assert _ids(sheets, "Demandes") == [shared.stay.request_id]
    assert _ids(sheets, "Séjours") == [shared.stay.pk]
    assert OTHERS_HOLD in _text(sheets)


@pytest.mark.django_db
def test_an_admin_of_every_holding_facility_gets_everything_and_no_notice(login, shared, facility_b, users_a):
    from unit import services as unit_services

    unit_services.membership_grant(user=None, member=users_a["admin"], facility=facility_b, role="admin")
    client = login(users_a["admin"])
    url = reverse("interchange:subject_access", args=["child", shared.child.pk])
    assert OTHERS_HOLD not in html.unescape(client.get(url).content.decode())
    sheets = _sheets(client.post(url).content)
    assert sorted(_ids(sheets, "Demandes")) == sorted([shared.stay.request_id, shared.request_b.pk])
    assert _ids(sheets, "Séjours") == [shared.stay.pk]
    assert OTHERS_HOLD not in _text(sheets)
