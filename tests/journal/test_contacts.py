"""Contacts without a dossier (issue 15): a light log per facility with no name and no free text, written by
admitting clinicians, therapists and managers, counted in the report's `contacts_without_file`."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboards import engine
from journal import contacts, services
from journal.models import Contact
from unit.history import record_mark_in_error

pytestmark = pytest.mark.django_db

WRITERS = ("admissions", "therapist", "manager")
NOT_WRITERS = ("reporting", "admin")


def _contact(facility, *, on: date, caller: str = "parent", outcome: str = "advice", by=None, **extra) -> Contact:
    extra.setdefault("referrer_category", "gp" if caller == "professional" else "")
    extra.setdefault("duration_min", 15)
    return services.contact_record(user=by, facility=facility, contacted_on=on, caller=caller,
                                   topic="parenting_support", outcome=outcome, **extra)


# ---------------------------------------------------------------- the count, by hand


def test_the_tally_has_every_code_and_adds_up():
    rows = [("parent", "advice"), ("professional", "oriented"), ("professional", "request_opened"),
            ("relative", "advice")]
    assert contacts.tally(rows) == {"n": 4, "by_caller": {"parent": 1, "relative": 1, "professional": 2},
                                    "by_outcome": {"advice": 2, "oriented": 1, "request_opened": 1}}
    assert contacts.tally([]) == {"n": 0, "by_caller": {"parent": 0, "relative": 0, "professional": 0},
                                  "by_outcome": {"advice": 0, "oriented": 0, "request_opened": 0}}


def test_a_contact_stores_no_name_and_no_free_text():
    for field in Contact._meta.concrete_fields:
        assert not isinstance(field, models.TextField), field.name
        if isinstance(field, models.CharField):
            assert field.choices, f"{field.name} would take any text"


# ---------------------------------------------------------------- the service


def test_recording_keeps_who_and_why(facility_a, users_a):
    contact = _contact(facility_a, on=date(2025, 3, 4), caller="professional", outcome="oriented",
                       by=users_a["therapist"])
    latest = contact.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (users_a["therapist"], "Contact sans dossier")
    assert (contact.referrer_category, contact.topic, contact.duration_min) == ("gp", "parenting_support", 15)


@pytest.mark.parametrize("role", WRITERS)
def test_the_writing_roles_record_in_their_facility_only(facility_a, facility_b, users_a, role):
    assert _contact(facility_a, on=date(2025, 3, 4), by=users_a[role]).pk
    with pytest.raises(PermissionDenied):
        _contact(facility_b, on=date(2025, 3, 4), by=users_a[role])


@pytest.mark.parametrize("role", NOT_WRITERS)
def test_reporting_and_administrators_do_not_record(facility_a, users_a, role):
    with pytest.raises(PermissionDenied):
        _contact(facility_a, on=date(2025, 3, 4), by=users_a[role])


@pytest.mark.parametrize("changes,field", [
    ({"caller": "professional", "referrer_category": ""}, "referrer_category"),
    ({"caller": "parent", "referrer_category": "gp"}, "referrer_category"),
    ({"on": date.today() + timedelta(days=2)}, "contacted_on"),  # noqa: DTZ011 - a day after any local today
    ({"duration_min": 0}, "duration_min"),
    ({"duration_min": 600}, "duration_min"),
    ({"outcome": "lunch"}, "outcome"),
])
def test_bad_input_is_refused_in_french_and_nothing_is_saved(facility_a, users_a, changes, field):
    kwargs = {"on": date(2025, 3, 4), "by": users_a["admissions"]} | changes
    with pytest.raises(ValidationError) as error:
        _contact(facility_a, **kwargs)
    assert field in error.value.message_dict
    assert not Contact.objects.exists()


# ---------------------------------------------------------------- the pages


def test_status_per_role_on_the_list_and_the_form(client, users_a):
    for role in WRITERS:
        client.force_login(users_a[role])
        assert client.get(reverse("journal:contacts")).status_code == 200, role
        assert client.get(reverse("journal:contact_create")).status_code == 200, role
    for role in NOT_WRITERS:
        client.force_login(users_a[role])
        assert client.get(reverse("journal:contacts")).status_code == 403, role
        assert client.get(reverse("journal:contact_create")).status_code == 403, role


def test_the_form_says_no_name_and_saves_a_contact(client, facility_a, users_a):
    client.force_login(users_a["manager"])
    page = client.get(reverse("journal:contact_create")).content.decode()
    assert "ne garde aucun nom" in page and "<textarea" not in page
    today = timezone.localdate()
    response = client.post(reverse("journal:contact_create"), {
        "facility": facility_a.pk, "contacted_on": today.isoformat(), "caller": "professional",
        "referrer_category": "hospital_maternity", "topic": "difficult_pregnancy",
        "duration_min": "20", "outcome": "request_opened"})
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.caller, contact.referrer_category, contact.outcome) == ("professional", "hospital_maternity",
                                                                            "request_opened")
    assert contact.history.latest().history_user == users_a["manager"]


def test_the_form_refuses_a_professional_without_category_and_keeps_the_input(client, facility_a, users_a):
    client.force_login(users_a["admissions"])
    response = client.post(reverse("journal:contact_create"), {
        "facility": facility_a.pk, "contacted_on": timezone.localdate().isoformat(), "caller": "professional",
        "referrer_category": "", "topic": "neglect", "duration_min": "12", "outcome": "advice"})
    page = response.content.decode()
    assert response.status_code == 400 and "Indiquez la catégorie du professionnel" in page
    assert 'value="12"' in page and not Contact.objects.exists()


def test_the_list_shows_the_counts_and_the_contacts_of_the_users_facilities(client, facility_a, facility_b, users_a):
    today = timezone.localdate()
    mine = [_contact(facility_a, on=today, caller="parent", outcome="advice"),
            _contact(facility_a, on=today, caller="professional", outcome="oriented")]
    other = _contact(facility_b, on=today)
    client.force_login(users_a["therapist"])
    page = client.get(reverse("journal:contacts")).content.decode()
    for contact in mine:
        assert f'data-testid="contact-{contact.pk}"' in page
    assert f'data-testid="contact-{other.pk}"' not in page
    assert 'data-testid="contact-count-n">2<' in page and 'data-testid="contact-count-professional">1<' in page


def test_the_list_refuses_a_period_upside_down_in_french(client, users_a):
    client.force_login(users_a["therapist"])
    page = client.get(reverse("journal:contacts"), {"start": "2025-05-01", "end": "2025-01-01"}).content.decode()
    assert "La période commence après sa fin." in page


@pytest.mark.counts_queries
def test_the_list_runs_a_constant_number_of_queries(client, facility_a, users_a):
    client.force_login(users_a["manager"])
    url = reverse("journal:contacts")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _contact(facility_a, on=timezone.localdate())
    client.get(url)
    small = count()
    for n in range(15):
        _contact(facility_a, on=timezone.localdate(), caller=contacts.CALLERS[n % 3],
                 outcome=contacts.OUTCOMES[n % 3])
    assert count() == small


# ---------------------------------------------------------------- the report


def test_the_report_counts_the_contacts_of_its_facilities_and_period(facility_a, facility_b):
    year = engine.Period(date(2025, 1, 1), date(2025, 12, 31))
    _contact(facility_a, on=date(2025, 1, 1), caller="parent", outcome="advice")
    _contact(facility_a, on=date(2025, 12, 31), caller="professional", outcome="request_opened")
    _contact(facility_a, on=date(2025, 6, 1), caller="relative", outcome="oriented")
    _contact(facility_a, on=date(2024, 12, 31), caller="relative", outcome="oriented")  # the previous year
    _contact(facility_b, on=date(2025, 6, 1), caller="parent", outcome="advice")  # another facility
    wrong = _contact(facility_a, on=date(2025, 6, 2), caller="parent", outcome="advice")
    record_mark_in_error(obj=wrong, user=None, reason="Saisi deux fois")
    report = engine.build([facility_a], year)
    assert report.indicators["contacts_without_file"] == {
        "n": 3, "by_caller": {"parent": 1, "relative": 1, "professional": 1},
        "by_outcome": {"advice": 1, "oriented": 1, "request_opened": 1}}
    assert report.previous["contacts_without_file"]["n"] == 1
    both = engine.build([facility_a, facility_b], year, compare=False)
    assert both.indicators["contacts_without_file"]["by_caller"]["parent"] == 2


def test_the_json_report_and_the_dashboard_show_the_contacts(client, facility_a, users_a):
    for _n in range(3):
        _contact(facility_a, on=date(2025, 4, 1), caller="relative", outcome="advice")
    client.force_login(users_a["manager"])
    data = json.loads(client.get(reverse("dashboards:report_json"), {"year": 2025}).content)
    assert data["contacts_without_file"]["by_caller"]["relative"] == 3
    page = client.get(reverse("dashboards:index"), {"year": 2025}).content.decode()
    assert "Contacts sans dossier" in page
    csv = client.get(reverse("dashboards:table_csv"), {"year": 2025, "table": "contacts_without_file"})
    assert csv.status_code == 200 and "Appelant : proche" in csv.content.decode("utf-8-sig")


def test_reporting_sees_the_counts_only_masked_under_the_small_cell_rule(client, facility_a, users_a):
    for n in range(7):
        _contact(facility_a, on=date(2025, 4, 1), caller="parent" if n < 6 else "relative", outcome="advice")
    client.force_login(users_a["reporting"])
    assert client.get(reverse("journal:contacts")).status_code == 403
    data = json.loads(client.get(reverse("dashboards:report_json"), {"year": 2025}).content)
    assert "contacts_without_file" not in data  # no raw figures for a role without named access
    table = data["tables"]["contacts_without_file"]
    cells = {row[0]: row[1] for row in table["rows"]}
    # One relative among 7 contacts: masked, and the 6 parents too, or 7 − 6 would give it back.
    assert (cells["Contacts sans dossier"], cells["Appelant : proche"], cells["Appelant : parent"]) == (7, "< 5", "s")
