"""The Today page (the home page): each of its items, per role, scoped to the user's facilities, with a
constant number of queries (issue 15)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from admissions import services as admission_services
from assessments import services as assessment_services
from journal import selectors, services
from journal import today as rules
from journal.models import DEFAULT_ALERT_OVERDUE_DAYS, DEFAULT_MEETING_EVERY_WEEKS, TodayVisit
from tests import factories
from tests.documents import factories as doc_factories
from tests.journal.factories import note

pytestmark = pytest.mark.django_db

SELF_HARM = {f"e{n:02d}": 0 for n in range(1, 11)} | {"e10": 1}


def _today():
    return timezone.localdate()


def _resident(facility, *, days_ago: int = 10, **extra):
    return factories.stay(facility=facility, admitted_on=_today() - timedelta(days=days_ago), **extra)


def _self_harm(stay, therapist):
    mother = factories.adult(family=stay.child.family)
    return assessment_services.assessment_record(user=therapist, stay=stay, instrument_code="epds",
                                                 assessed_on=_today(), scores=SELF_HARM,
                                                 adult=mother).alerts.get()


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------- the rules, by hand


def test_a_meeting_is_due_every_n_weeks_after_the_admission_or_the_last_meeting():
    admitted = datetime(2026, 1, 5).date()  # noqa: DTZ001 - a plain date
    assert rules.meeting_due_on(admitted_on=admitted, last_meeting_on=None, every_weeks=6) == admitted + timedelta(42)
    last = admitted + timedelta(days=30)
    assert rules.meeting_due_on(admitted_on=admitted, last_meeting_on=last, every_weeks=4) == last + timedelta(28)


def test_due_status_is_overdue_before_today_due_within_the_week_and_nothing_later():
    day = datetime(2026, 3, 4).date()  # noqa: DTZ001
    assert rules.due_status(day - timedelta(days=1), today=day) == rules.OVERDUE
    assert rules.due_status(day, today=day) == rules.DUE
    assert rules.due_status(day + timedelta(days=6), today=day) == rules.DUE
    assert rules.due_status(day + timedelta(days=7), today=day) is None


def test_an_alert_is_overdue_after_the_set_number_of_days():
    day = datetime(2026, 3, 10).date()  # noqa: DTZ001
    assert not rules.alert_overdue(raised_on=day - timedelta(days=7), today=day, overdue_days=7)
    assert rules.alert_overdue(raised_on=day - timedelta(days=8), today=day, overdue_days=7)


def test_a_visit_lasts_while_the_user_comes_back_within_half_an_hour():
    start = timezone.make_aware(datetime(2026, 3, 10, 8, 0))  # noqa: DTZ001
    assert rules.visit(previous_at=None, last_at=None, now=start) == (None, start)
    again = start + timedelta(minutes=20)
    assert rules.visit(previous_at=None, last_at=start, now=again) == (None, again)
    tomorrow = again + timedelta(days=1)
    assert rules.visit(previous_at=None, last_at=again, now=tomorrow) == (again, tomorrow)
    assert rules.notes_since(previous_at=None, now=start) == start - timedelta(days=7)
    assert rules.notes_since(previous_at=again, now=tomorrow) == again


def test_the_visit_service_remembers_the_previous_visit(users_a):
    user = users_a["manager"]
    first = timezone.now() - timedelta(days=2)
    assert services.today_visit_record(user=user, now=first) == first - timedelta(days=7)
    second = timezone.now()
    assert services.today_visit_record(user=user, now=second) == first
    assert services.today_visit_record(user=user, now=second + timedelta(minutes=5)) == first
    assert TodayVisit.objects.get(user=user).last_at == second + timedelta(minutes=5)


# ---------------------------------------------------------------- each item of the page


def test_arrivals_are_the_accepted_requests_planned_this_week_not_yet_admitted(client, facility_a, facility_b,
                                                                                users_a):
    def planned(facility, days):
        family = factories.family(facility=facility)
        child = factories.child(family=family)
        return factories.accepted_request(facility=facility, family=family, children=[child],
                                          planned_admission_on=_today() + timedelta(days=days))

    today, friday, later, elsewhere = planned(facility_a, 0), planned(facility_a, 4), planned(facility_a, 12), \
        planned(facility_b, 1)
    admitted = planned(facility_a, 0)
    admission_services.stay_admit(user=None, facility=facility_a, child=admitted.children.get(), request=admitted,
                                  admitted_on=_today(), residence_before="family_home")
    page = _page(client, users_a["admissions"])
    for shown in (today, friday):
        assert f'data-testid="today-arrival-{shown.pk}"' in page
    for hidden in (later, elsewhere, admitted):
        assert f'data-testid="today-arrival-{hidden.pk}"' not in page


def test_discharges_are_the_open_stays_whose_planned_end_falls_by_the_end_of_the_week(client, facility_a,
                                                                                      facility_b, users_a):
    soon = _resident(facility_a, planned_end_on=_today() + timedelta(days=3))
    late = _resident(facility_a, planned_end_on=_today() - timedelta(days=2))
    far = _resident(facility_a, planned_end_on=_today() + timedelta(days=30))
    other = _resident(facility_b, planned_end_on=_today() + timedelta(days=1))
    page = _page(client, users_a["admissions"])
    assert f'data-testid="today-discharge-{soon.pk}"' in page and f'data-testid="today-discharge-{late.pk}"' in page
    assert "fin prévue dépassée" in page
    assert f'data-testid="today-discharge-{far.pk}"' not in page
    assert f'data-testid="today-discharge-{other.pk}"' not in page


def test_the_epds_self_harm_alert_shows_on_today_until_acknowledged(client, facility_a, facility_b, users_a, users_b):
    alert = _self_harm(_resident(facility_a), users_a["therapist"])
    other = _self_harm(_resident(facility_b), users_b["therapist"])
    for role in ("admissions", "therapist", "manager", "admin"):
        page = _page(client, users_a[role])
        assert f'data-testid="today-alert-{alert.pk}"' in page, role
        assert f'data-testid="today-alert-{other.pk}"' not in page, role
    assessment_services.alert_acknowledge(user=users_a["therapist"], alert=alert, note="Vue en entretien")
    assert f'data-testid="today-alert-{alert.pk}"' not in _page(client, users_a["manager"])


def test_an_unacknowledged_alert_is_overdue_after_the_facilitys_number_of_days(facility_a, users_a):
    manager = users_a["manager"]
    _self_harm(_resident(facility_a), users_a["therapist"])
    since = timezone.now()

    def overdue(days_later: int) -> list[bool]:
        view = selectors.today(user=manager, since=since, on=_today() + timedelta(days=days_later))
        return [row["overdue"] for row in view["alerts"]]

    assert overdue(DEFAULT_ALERT_OVERDUE_DAYS) == [False]
    assert overdue(DEFAULT_ALERT_OVERDUE_DAYS + 1) == [True]
    services.today_settings_save(user=users_a["admin"], facility=facility_a, meeting_every_weeks=6,
                                 alert_overdue_days=2)
    assert overdue(3) == [True]


def test_the_overdue_alert_is_marked_on_the_page(client, facility_a, users_a):
    alert = _self_harm(_resident(facility_a), users_a["therapist"])
    services.today_settings_save(user=users_a["admin"], facility=facility_a, meeting_every_weeks=6,
                                 alert_overdue_days=1)
    assert f'data-testid="alert-overdue-{alert.pk}"' not in _page(client, users_a["therapist"])
    view = selectors.today(user=users_a["therapist"], since=timezone.now(), on=_today() + timedelta(days=2))
    assert [row["alert"].pk for row in view["alerts"] if row["overdue"]] == [alert.pk]


def test_assessments_due_or_overdue_come_from_the_assessments_due_list(client, facility_a, facility_b, users_a):
    late = _resident(facility_a, days_ago=40)  # Bayley within 30 days of admission: overdue
    other = _resident(facility_b, days_ago=40)
    page = _page(client, users_a["therapist"])
    assert f'data-testid="today-due-{late.pk}-bayley4"' in page
    assert f'data-testid="today-due-{other.pk}-bayley4"' not in page


def test_a_synthesis_meeting_is_expected_every_n_weeks_of_a_stay(client, facility_a, users_a):
    weeks = DEFAULT_MEETING_EVERY_WEEKS
    overdue = _resident(facility_a, days_ago=weeks * 7 + 3)
    this_week = _resident(facility_a, days_ago=weeks * 7 - 2)
    recent = _resident(facility_a, days_ago=10)
    met = _resident(facility_a, days_ago=weeks * 7 + 3)
    admission_services.meeting_add(user=None, stay=met, held_on=_today() - timedelta(days=5), participants="Équipe")
    page = _page(client, users_a["therapist"])
    for stay in (overdue, this_week):
        assert f'data-testid="today-meeting-{stay.pk}"' in page
    for stay in (recent, met):
        assert f'data-testid="today-meeting-{stay.pk}"' not in page
    services.today_settings_save(user=users_a["admin"], facility=facility_a, meeting_every_weeks=1,
                                 alert_overdue_days=7)
    page = _page(client, users_a["therapist"])
    assert f'data-testid="today-meeting-{recent.pk}"' in page and f'data-testid="today-meeting-{met.pk}"' in page


def test_care_plan_goals_due_this_week_or_past_their_date_are_to_review(client, facility_a, users_a):
    from journal import services as journal_services

    stay = _resident(facility_a)
    due = journal_services.goal_add(user=None, stay=stay, domain="network", title="Relais PMI",
                                    target_on=_today() + timedelta(days=2))
    later = journal_services.goal_add(user=None, stay=stay, domain="protection", title="Audience",
                                      target_on=_today() + timedelta(days=40))
    page = _page(client, users_a["manager"])
    assert f'data-testid="today-goal-{due.pk}"' in page and f'data-testid="today-goal-{later.pk}"' not in page


def test_mandates_ending_within_30_days(client, facility_a, facility_b, users_a):
    def mandate(facility, days):
        family = factories.family(facility=facility)
        return doc_factories.document(facility=facility, family=family, kind="mandate", title="Mandat SAJ",
                                      document_date=_today() - timedelta(days=100),
                                      valid_until=_today() + timedelta(days=days))

    soon, later, other = mandate(facility_a, 10), mandate(facility_a, 45), mandate(facility_b, 5)
    page = _page(client, users_a["admissions"])
    assert f'data-testid="today-mandate-{soon.pk}"' in page
    for hidden in (later, other):
        assert f'data-testid="today-mandate-{hidden.pk}"' not in page


def test_new_notes_respect_restricted_confidentiality_a_manager_never_sees_one(client, facility_a, users_a):
    stay = _resident(facility_a)
    therapist, colleague = users_a["therapist"], factories.user(role="therapist", facility=facility_a)
    written = timezone.now() - timedelta(hours=2)
    team = note(author=therapist, stay=stay, text="Nuit calme, biberon à 3 h", written_at=written)
    restricted = note(author=therapist, stay=stay, text="Contenu de séance", confidentiality="restricted",
                      written_at=written)
    for reader in (users_a["manager"], users_a["admissions"], users_a["admin"]):
        page = _page(client, reader)
        assert f'data-testid="today-note-{team.pk}"' in page
        assert f'data-testid="today-note-{restricted.pk}"' not in page and "Contenu de séance" not in page
    page = _page(client, colleague)
    assert f'data-testid="today-note-{restricted.pk}"' in page
    # The author's own notes are not news to them.
    assert f'data-testid="today-note-{team.pk}"' not in _page(client, therapist)


def test_notes_are_new_since_the_previous_visit(client, facility_a, users_a):
    stay = _resident(facility_a)
    manager = users_a["manager"]
    old = note(author=users_a["therapist"], stay=stay, text="Avant la visite",
               written_at=timezone.now() - timedelta(days=1))
    services.today_visit_record(user=manager, now=timezone.now() - timedelta(hours=3))
    fresh = note(author=users_a["therapist"], stay=stay, text="Après la visite",
                 written_at=timezone.now() - timedelta(hours=1))
    page = _page(client, manager)
    assert f'data-testid="today-note-{fresh.pk}"' in page and f'data-testid="today-note-{old.pk}"' not in page


# ---------------------------------------------------------------- roles, settings, queries


def test_every_role_opens_today_and_reporting_sees_its_facilities_only(client, facility_a, users_a):
    _self_harm(_resident(facility_a), users_a["therapist"])
    for role in ("admissions", "therapist", "manager", "admin"):
        assert 'data-testid="today-alerts"' in _page(client, users_a[role]), role
    page = _page(client, users_a["reporting"])
    assert 'data-testid="today-alerts"' not in page and facility_a.name in page


def test_sections_follow_the_role(client, facility_a, users_a):
    therapist = _page(client, users_a["therapist"])
    assert therapist.index('data-testid="today-alerts"') < therapist.index('data-testid="today-arrivals"')
    admissions = _page(client, users_a["admissions"])
    assert admissions.index('data-testid="today-arrivals"') < admissions.index('data-testid="today-alerts"')


def test_only_an_administrator_sets_the_rhythm_of_a_facility(client, facility_a, facility_b, users_a):
    url = reverse("journal:today_settings")
    for role in ("admissions", "therapist", "manager", "reporting"):
        client.force_login(users_a[role])
        assert client.get(url).status_code == 403, role
    client.force_login(users_a["admin"])
    page = client.get(url).content.decode()
    assert f'data-testid="today-settings-{facility_a.code}"' in page and facility_b.code not in page
    response = client.post(url, {"facility": facility_a.pk, "meeting_every_weeks": "0", "alert_overdue_days": "7"})
    assert response.status_code == 400 and "Au moins une semaine." in response.content.decode()
    response = client.post(url, {"facility": facility_b.pk, "meeting_every_weeks": "4", "alert_overdue_days": "7"})
    assert response.status_code == 400
    response = client.post(url, {"facility": facility_a.pk, "meeting_every_weeks": "4", "alert_overdue_days": "3"})
    assert response.status_code == 302
    row = selectors.today_settings(facility_ids={facility_a.pk})[facility_a.pk]
    assert (row.meeting_every_weeks, row.alert_overdue_days) == (4, 3)
    assert row.history.latest().history_user == users_a["admin"]


@pytest.mark.counts_queries
def test_today_runs_a_constant_number_of_queries_whatever_the_residents_and_notes(client, facility_a, users_a):
    therapist = users_a["therapist"]
    reader = factories.user(role="therapist", facility=facility_a)
    client.force_login(reader)
    url = reverse("home")

    def populate(n: int) -> None:
        for i in range(n):
            stay = _resident(facility_a, days_ago=45 + i, planned_end_on=_today() + timedelta(days=i % 5))
            _self_harm(stay, therapist)
            factories.adult(family=stay.child.family, role="father")
            note(author=therapist, stay=stay, written_at=timezone.now() - timedelta(hours=1),
                 confidentiality="restricted" if i % 2 else "team")
            from journal import services as journal_services

            journal_services.goal_add(user=None, stay=stay, domain="network", title="Relais",
                                      target_on=_today() + timedelta(days=1))
            doc_factories.document(facility=facility_a, family=stay.child.family, kind="mandate", title="Mandat",
                                   document_date=_today() - timedelta(days=60),
                                   valid_until=_today() + timedelta(days=10))
            family = factories.family(facility=facility_a)
            factories.accepted_request(facility=facility_a, family=family, children=[factories.child(family=family)],
                                       planned_admission_on=_today() + timedelta(days=i % 7))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    populate(1)
    client.get(url)  # the first page that shows a coded value reads the labels of the reference lists
    small = count()
    populate(8)
    assert count() == small
    page = client.get(url).content.decode()
    for item in ("today-arrival-", "today-alert-", "today-note-", "today-meeting-", "today-goal-", "today-mandate-",
                 "today-discharge-"):
        assert page.count(f'data-testid="{item}') == 9, item
