"""A restricted note is read by its author and the facility's therapists only: every role, every output.

The outputs: the stay's and the family's journal pages, the search, the history page, the CSV export,
the subject-access workbook, the report workbook, and the « entered in error » door.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dashboards import engine
from dashboards.exports import export_create, export_path
from interchange.subject_access import subject_access_workbook
from journal import confidentiality
from journal.models import Note
from tests import factories
from tests.journal.factories import note
from tests.page_matrix import ROLES

SECRET = "Contenu-psychotherapique-Zorglub"
SHARED = "Transmission-equipe-Wombat"
# Who reads a restricted note written by the facility's admissions clinician: the author and the therapists.
READS_RESTRICTED = {"therapist", "author"}
READS_RECORDS = {"admissions", "therapist", "manager", "admin"}


# ---------------------------------------------------------------- the rule, pure


def test_a_team_note_is_read_by_every_reader_of_the_facility():
    assert confidentiality.may_read(confidentiality="team", author_id=1, facility_id=5, user_id=2,
                                    restricted_facility_ids=set())


def test_a_restricted_note_is_read_by_its_author_and_the_therapists_of_its_facility_only():
    rule = dict(confidentiality="restricted", author_id=1, facility_id=5)
    assert confidentiality.may_read(**rule, user_id=1, restricted_facility_ids=set())
    assert confidentiality.may_read(**rule, user_id=2, restricted_facility_ids={5})
    assert not confidentiality.may_read(**rule, user_id=2, restricted_facility_ids={6})
    assert not confidentiality.may_read(**rule, user_id=None, restricted_facility_ids=set())


# ---------------------------------------------------------------- every role, every output


@pytest.fixture
def journal_world(facility_a, users_a):
    stay = factories.stay(facility=facility_a)
    author = factories.user(role="admissions", facility=facility_a, username="author")
    restricted = note(author=author, stay=stay, text=SECRET, confidentiality="restricted", kind="parent_interview")
    team = note(author=author, stay=stay, text=SHARED, kind="team_handover")
    family_secret = note(author=author, family=stay.child.family, facility=facility_a, text=SECRET + "-famille",
                         confidentiality="restricted")
    return {"stay": stay, "author": author, "restricted": restricted, "team": team, "family_secret": family_secret}


def _reader(role, users_a, world):
    return world["author"] if role == "author" else users_a[role]


def _pages(world):
    stay = world["stay"]
    return {
        "stay_journal": reverse("journal:stay_journal", args=[stay.pk]),
        "family_journal": reverse("journal:family_journal", args=[stay.child.family_id]),
        "search": reverse("journal:search") + "?q=" + "o",
        "csv": reverse("journal:stay_journal_csv", args=[stay.pk]),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "author"])
def test_restricted_note_on_pages_search_and_csv(client, journal_world, users_a, role):
    client.force_login(_reader(role, users_a, journal_world))
    for name, url in _pages(journal_world).items():
        response = client.get(url)
        if role not in READS_RECORDS | {"author"}:
            assert response.status_code in (403, 404), (name, role)
            continue
        assert response.status_code == 200, (name, role)
        body = response.content.decode()
        assert SHARED in body, (name, role)
        assert (SECRET in body) is (role in READS_RESTRICTED), (name, role)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "author"])
def test_restricted_note_history_page(client, journal_world, users_a, role):
    client.force_login(_reader(role, users_a, journal_world))
    for which in ("restricted", "family_secret"):
        url = reverse("record_history", args=["journal", "note", journal_world[which].pk])
        response = client.get(url)
        if role in READS_RESTRICTED:
            assert response.status_code == 200 and SECRET in response.content.decode()
        else:
            assert response.status_code == 404, (which, role)
    team = client.get(reverse("record_history", args=["journal", "note", journal_world["team"].pk]))
    assert team.status_code == (200 if role in READS_RECORDS | {"author"} else 404)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager", "admin", "admissions"])
def test_who_may_not_read_a_restricted_note_may_not_mark_it_in_error_either(client, journal_world, users_a, role):
    restricted = journal_world["restricted"]
    client.force_login(users_a[role])
    response = client.post(reverse("record_mark_in_error", args=["journal", "note", restricted.pk]),
                           {"reason": "essai", "next": "/"})
    assert response.status_code == 404
    restricted.refresh_from_db()
    assert not restricted.entered_in_error


@pytest.mark.django_db
def test_subject_access_holds_team_notes_never_restricted_ones(journal_world, facility_a):
    child = journal_world["stay"].child
    workbook = load_workbook(BytesIO(subject_access_workbook(child, {facility_a.pk})))
    cells = " ".join(str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row)
    assert SHARED in cells
    assert SECRET not in cells
    mother = factories.adult(family=child.family)
    cells = " ".join(str(cell.value) for sheet in load_workbook(BytesIO(subject_access_workbook(
        mother, {facility_a.pk}))) for row in sheet.iter_rows() for cell in row)
    assert SECRET not in cells  # the family-level restricted note neither


@pytest.mark.django_db
def test_the_report_workbook_holds_no_note_text(journal_world, facility_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    record = export_create(user=None, facilities=[facility_a], source="command", profile=None,
                           period=engine.Period(date(2025, 1, 1), date(2025, 12, 31)))
    cells = " ".join(str(cell.value) for sheet in load_workbook(export_path(record)) for row in sheet.iter_rows()
                     for cell in row)
    assert SECRET not in cells and SHARED not in cells


@pytest.mark.django_db
def test_a_therapist_of_another_facility_reads_no_note_of_this_one(client, journal_world, users_b):
    client.force_login(users_b["therapist"])
    assert client.get(_pages(journal_world)["stay_journal"]).status_code == 404
    response = client.get(reverse("journal:search") + "?q=Zorglub")
    assert SECRET not in response.content.decode()
    assert client.get(reverse("record_history", args=["journal", "note", journal_world["restricted"].pk])
                      ).status_code == 404
    assert Note.objects.count() == 3
