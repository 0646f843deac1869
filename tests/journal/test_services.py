"""Writes of the journal: a note is never edited silently, a correction is its author's new version."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from journal import note_templates, selectors, services
from tests import factories
from tests.journal.factories import WRITTEN_AT, note
from unit.history import ConflictError
from unit.selectors import history_of


@pytest.fixture
def stay(facility_a):
    return factories.stay(facility=facility_a)


@pytest.mark.django_db
def test_a_note_of_a_stay_belongs_to_its_family_and_facility(stay, users_a):
    written = note(author=users_a["therapist"], stay=stay)
    assert (written.family, written.facility, written.version) == (stay.child.family, stay.facility, 1)
    assert history_of(obj=written)[0].why == "Note du journal"


@pytest.mark.django_db
def test_a_correction_is_a_new_version_with_its_reason_and_the_old_text_stays(stay, users_a):
    author = users_a["therapist"]
    written = note(author=author, stay=stay, text="Nuit agitée")
    corrected = services.note_correct(user=author, note=written, expected_version=1, reason="faute de frappe",
                                      text="Nuit calme")
    assert corrected.version == 2 and corrected.text == "Nuit calme"
    newest, oldest = history_of(obj=corrected)
    assert newest.why == "Correction : faute de frappe"
    assert [(c.old, c.new) for c in newest.changes] == [("Nuit agitée", "Nuit calme")]
    assert oldest.kind == "created"


@pytest.mark.django_db
def test_only_the_author_corrects_a_note(stay, users_a):
    written = note(author=users_a["therapist"], stay=stay)
    with pytest.raises(PermissionDenied):
        services.note_correct(user=users_a["admissions"], note=written, expected_version=1, reason="x", text="y")


@pytest.mark.django_db
def test_a_correction_needs_a_reason_and_a_change(stay, users_a):
    author = users_a["therapist"]
    written = note(author=author, stay=stay, text="Texte")
    with pytest.raises(ValidationError):
        services.note_correct(user=author, note=written, expected_version=1, reason=" ", text="Autre")
    with pytest.raises(ValidationError):
        services.note_correct(user=author, note=written, expected_version=1, reason="rien", text="Texte")
    assert written.history.count() == 1


@pytest.mark.django_db
def test_a_correction_over_a_newer_version_is_a_conflict(stay, users_a):
    author = users_a["therapist"]
    written = note(author=author, stay=stay)
    services.note_correct(user=author, note=written, expected_version=1, reason="un", text="Première")
    with pytest.raises(ConflictError):
        services.note_correct(user=author, note=written, expected_version=1, reason="deux", text="Seconde")


@pytest.mark.django_db
def test_a_note_is_neither_in_the_future_nor_before_the_admission(stay, users_a):
    with pytest.raises(ValidationError):
        note(author=users_a["therapist"], stay=stay, written_at=timezone.now() + timedelta(hours=2))
    before = timezone.make_aware(datetime.combine(stay.admitted_on - timedelta(days=1), datetime.min.time()))
    with pytest.raises(ValidationError):
        note(author=users_a["therapist"], stay=stay, written_at=before)


@pytest.mark.django_db
def test_a_family_note_names_its_facility(stay, users_a):
    with pytest.raises(ValidationError):
        services.note_write(user=users_a["therapist"], family=stay.child.family, kind="other",
                            written_at=WRITTEN_AT, text="x", confidentiality="team")


@pytest.mark.django_db
def test_templates_are_the_defaults_until_the_administrator_chooses_the_facilitys(facility_a, users_a):
    offered = selectors.templates_for(facility_id=facility_a.pk)
    handover = next(t for t in offered if t.kind == "team_handover")
    assert [str(h) for h in handover.headings] == ["Nuit", "Alimentation", "Sommeil", "Interactions", "Inquiétudes"]
    own = services.note_template_save(user=users_a["admin"], facility=facility_a, kind="team_handover",
                                      title="Relève du matin", sections="Nuit\n\n Biberons \nSommeil")
    offered = selectors.templates_for(facility_id=facility_a.pk)
    assert [(t.key, t.title, t.headings) for t in offered] == [(str(own.pk), "Relève du matin",
                                                                ("Nuit", "Biberons", "Sommeil"))]
    assert note_templates.body(offered[0].headings) == "Nuit :\n\nBiberons :\n\nSommeil :\n"
    services.note_template_save(user=users_a["admin"], facility=facility_a, template=own, kind="team_handover",
                                title="Relève du matin", sections="Nuit", active=False)
    assert selectors.templates_for(facility_id=facility_a.pk) == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admissions", "therapist", "manager", "reporting"])
def test_only_an_administrator_of_the_facility_chooses_its_templates(facility_a, users_a, users_b, role):
    with pytest.raises(PermissionDenied):
        services.note_template_save(user=users_a[role], facility=facility_a, kind="other", title="t", sections="a")
    with pytest.raises(PermissionDenied):
        services.note_template_save(user=users_b["admin"], facility=facility_a, kind="other", title="t",
                                    sections="a")
