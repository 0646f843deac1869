"""Pages of the journal: who gets what, the writes they make, templates, and a constant number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.models import Note, NoteTemplate
from tests import factories
from tests.journal.factories import note
from tests.page_matrix import ROLES, expected_status
from unit.access import ADMINISTER, EDIT_CARE, VIEW_RECORDS
from unit.models import AuditEntry


@pytest.fixture
def stay(facility_a):
    return factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))


def _note_post(**extra):
    return {"kind": "team_handover", "written_on": "2025-09-20", "written_time": "22:15",
            "confidentiality": "team", "text": "Nuit calme", **extra}


ROUTES = [  # name, permission, object -> kwargs
    ("journal:stay_journal", VIEW_RECORDS, lambda s: {"pk": s.pk}),
    ("journal:stay_journal_csv", VIEW_RECORDS, lambda s: {"pk": s.pk}),
    ("journal:stay_note_create", EDIT_CARE, lambda s: {"pk": s.pk}),
    ("journal:family_journal", VIEW_RECORDS, lambda s: {"pk": s.child.family_id}),
    ("journal:family_note_create", EDIT_CARE, lambda s: {"pk": s.child.family_id}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "permission", "kwargs"), ROUTES, ids=[r[0] for r in ROUTES])
def test_status_per_role_and_no_reach_into_another_facility(client, stay, users_a, users_b, role, name, permission,
                                                            kwargs):
    url = reverse(name, kwargs=kwargs(stay))
    client.force_login(users_a[role])
    expected = expected_status(role, permission, on_object=True)
    assert client.get(url).status_code in ({expected} if expected != 404 else {403, 404})
    client.force_login(users_b[role])
    assert client.get(url).status_code in ({404} if permission in _perms(role) else {403, 404})


def _perms(role):
    from unit.access import ROLE_PERMISSIONS  # noqa: PLC0415

    return ROLE_PERMISSIONS[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admissions", "therapist"])
def test_a_carer_writes_a_note_on_the_stay_and_reads_it_in_the_journal(client, stay, users_a, role):
    client.force_login(users_a[role])
    response = client.post(reverse("journal:stay_note_create", args=[stay.pk]), _note_post())
    assert response.status_code == 302
    written = Note.objects.get()
    assert (written.author, written.stay, written.kind) == (users_a[role], stay, "team_handover")
    page = client.get(reverse("journal:stay_journal", args=[stay.pk])).content.decode()
    assert "Nuit calme" in page


@pytest.mark.django_db
def test_an_invalid_note_is_shown_again_with_its_text(client, stay, users_a):
    client.force_login(users_a["therapist"])
    response = client.post(reverse("journal:stay_note_create", args=[stay.pk]),
                           _note_post(written_on="2025-09-01"))  # before the admission
    assert response.status_code == 400 and "Nuit calme" in response.content.decode()
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_a_template_fills_the_form_with_its_headings(client, stay, users_a):
    client.force_login(users_a["therapist"])
    url = reverse("journal:stay_note_create", args=[stay.pk])
    page = client.get(url).content.decode()
    assert "?template=default%3Ateam_handover" in page
    page = client.get(url + "?template=default:team_handover").content.decode()
    assert "Nuit :" in page and "Inquiétudes :" in page


@pytest.mark.django_db
def test_the_facilitys_own_template_replaces_the_defaults(client, stay, users_a):
    client.force_login(users_a["admin"])
    response = client.post(reverse("journal:templates"), {"facility": stay.facility_id, "kind": "team_handover",
                                                          "title": "Relève", "sections": "Biberons\nSieste",
                                                          "active": "on"})
    assert response.status_code == 302
    own = NoteTemplate.objects.get()
    client.force_login(users_a["therapist"])
    url = reverse("journal:stay_note_create", args=[stay.pk])
    page = client.get(url).content.decode()
    assert "default:team_handover" not in page and f"?template={own.pk}" in page
    assert "Biberons :" in client.get(f"{url}?template={own.pk}").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_templates_page_is_for_administrators(client, facility_a, users_a, role):
    client.force_login(users_a[role])
    assert client.get(reverse("journal:templates")).status_code == expected_status(role, ADMINISTER,
                                                                                   on_object=False)


@pytest.mark.django_db
def test_the_author_corrects_with_a_reason_and_others_may_not(client, stay, users_a):
    written = note(author=users_a["therapist"], stay=stay, text="Nuit agitée")
    url = reverse("journal:note_correct", args=[written.pk])
    client.force_login(users_a["admissions"])
    assert client.get(url).status_code == 403
    client.force_login(users_a["therapist"])
    data = _note_post(text="Nuit calme", reason="erreur de date", version=1, kind="observation",
                      written_on="2025-09-15", written_time="21:30")
    assert client.post(url, {**data, "reason": ""}).status_code == 400
    assert client.post(url, data).status_code == 302
    written.refresh_from_db()
    assert (written.text, written.version) == ("Nuit calme", 2)
    history = client.get(reverse("record_history", args=["journal", "note", written.pk])).content.decode()
    assert "Nuit agitée" in history and "Correction : erreur de date" in history


@pytest.mark.django_db
def test_a_family_note_is_written_in_one_of_the_writers_facilities(client, stay, users_a):
    client.force_login(users_a["therapist"])
    family = stay.child.family
    response = client.post(reverse("journal:family_note_create", args=[family.pk]),
                           _note_post(facility=stay.facility_id, text="Appel de la grand-mère", kind="phone_call"))
    assert response.status_code == 302
    written = Note.objects.get()
    assert written.stay is None and written.family == family
    assert "Appel de la grand-mère" in client.get(reverse("journal:family_journal", args=[family.pk])
                                                  ).content.decode()


@pytest.mark.django_db
def test_search_finds_within_scope_and_is_audited_as_a_search_without_the_term(client, stay, users_a, facility_b):
    other = factories.stay(facility=facility_b)
    author_b = factories.user(role="therapist", facility=facility_b)
    note(author=users_a["therapist"], stay=stay, text="Biberon refusé à 3 h")
    note(author=author_b, stay=other, text="Biberon de l'autre structure")
    client.force_login(users_a["manager"])
    page = client.get(reverse("journal:search") + "?q=biberon").content.decode()
    assert "refusé" in page and "autre structure" not in page
    entry = AuditEntry.objects.filter(what="journal.note").latest("at")
    assert entry.action == "search" and entry.query == "q" and "biberon" not in entry.path


@pytest.mark.django_db
def test_the_stay_and_family_pages_link_to_the_journal(client, stay, users_a):
    client.force_login(users_a["manager"])
    page = client.get(reverse("admissions:stay_detail", args=[stay.pk])).content.decode()
    assert reverse("journal:stay_journal", args=[stay.pk]) in page
    page = client.get(reverse("admissions:family_detail", args=[stay.child.family_id])).content.decode()
    assert reverse("journal:family_journal", args=[stay.child.family_id]) in page


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.counts_queries
def test_journal_and_search_run_a_constant_number_of_queries(client, stay, users_a):
    therapist = users_a["therapist"]
    client.force_login(therapist)
    note(author=therapist, stay=stay)
    note(author=users_a["admissions"], stay=stay, confidentiality="restricted")
    urls = [reverse("journal:stay_journal", args=[stay.pk]), reverse("journal:search") + "?q=Note",
            reverse("journal:family_journal", args=[stay.child.family_id])]
    small = [_count(client, url) for url in urls]
    for n in range(12):
        note(author=users_a["admissions"] if n % 2 else therapist, stay=stay,
             confidentiality="restricted" if n % 3 == 0 else "team")
    assert [_count(client, url) for url in urls] == small
