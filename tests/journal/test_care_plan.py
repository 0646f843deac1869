"""The care plan: goals by domain, reviewed at each synthesis meeting, with the parents' participation."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admissions import services as adm
from journal import services
from journal.models import CareGoal, GoalReview, ParentParticipation
from journal.services import Participation, Review
from tests import factories
from tests.page_matrix import ROLES, expected_status
from unit.access import EDIT_CARE, VIEW_RECORDS
from unit.selectors import history_of

ADMITTED = date(2025, 9, 10)


@pytest.fixture
def plan(facility_a, users_a):
    therapist = users_a["therapist"]
    stay = factories.stay(facility=facility_a, admitted_on=ADMITTED)
    mother = factories.adult(family=stay.child.family)
    sleep = services.goal_add(user=therapist, stay=stay, domain="child_development", title="Rythme de sommeil",
                              actions="Rituel du coucher", responsible=therapist, target_on=date(2025, 11, 1))
    bond = services.goal_add(user=therapist, stay=stay, domain="parent_child_relationship",
                             title="Moments de jeu partagés")
    meeting = adm.meeting_add(user=therapist, stay=stay, held_on=date(2025, 10, 10), participants="équipe, mère")
    return stay, mother, sleep, bond, meeting


@pytest.mark.django_db
def test_a_meeting_reviews_every_open_goal_sets_new_ones_and_records_the_parents(plan, users_a):
    stay, mother, sleep, bond, meeting = plan
    therapist = users_a["therapist"]
    services.meeting_review_goals(
        user=therapist, meeting=meeting,
        reviews={sleep.pk: Review("achieved", "Nuits complètes"), bond.pk: Review("in_progress", "Progrès")},
        new_goals=[{"domain": "network", "title": "Relais PMI", "actions": "", "responsible": None,
                    "target_on": None}],
        participation=[Participation(mother, present=True, agreed=True, comments="Content du projet")])
    sleep.refresh_from_db()
    bond.refresh_from_db()
    assert (sleep.status, sleep.evaluation, bond.status) == ("achieved", "Nuits complètes", "in_progress")
    assert history_of(obj=sleep)[0].why == "Revue en réunion de synthèse du 10/10/2025"
    assert GoalReview.objects.filter(meeting=meeting).count() == 2
    new = CareGoal.objects.get(title="Relais PMI")
    assert new.set_at == meeting and new.status == "planned"
    assert ParentParticipation.objects.get().comments == "Content du projet"
    # The next meeting reviews what is still open, and only that.
    later = adm.meeting_add(user=therapist, stay=stay, held_on=date(2025, 11, 10), participants="équipe")
    from journal.selectors import goals_to_review  # noqa: PLC0415

    assert {g.title for g in goals_to_review(meeting=later)} == {"Moments de jeu partagés", "Relais PMI"}


@pytest.mark.django_db
def test_a_meeting_may_not_skip_an_open_goal_nor_review_twice(plan, users_a):
    _stay, _mother, sleep, bond, meeting = plan
    with pytest.raises(ValidationError, match="Moments de jeu"):
        services.meeting_review_goals(user=users_a["therapist"], meeting=meeting,
                                      reviews={sleep.pk: Review("achieved")})
    assert not GoalReview.objects.exists()
    reviews = {sleep.pk: Review("achieved"), bond.pk: Review("in_progress")}
    services.meeting_review_goals(user=users_a["therapist"], meeting=meeting, reviews=reviews)
    with pytest.raises(ValidationError):
        services.meeting_review_goals(user=users_a["therapist"], meeting=meeting, reviews=reviews)


@pytest.mark.django_db
def test_a_goal_of_another_stay_is_not_reviewed_here(plan, users_a, facility_a):
    _stay, _mother, sleep, bond, meeting = plan
    other = services.goal_add(user=None, stay=factories.stay(facility=facility_a), domain="network", title="Autre")
    with pytest.raises(ValidationError):
        services.meeting_review_goals(user=None, meeting=meeting, reviews={
            sleep.pk: Review("achieved"), bond.pk: Review("achieved"), other.pk: Review("achieved")})


@pytest.mark.django_db
def test_the_responsible_is_a_care_professional_of_the_facility(plan, users_a, users_b):
    stay = plan[0]
    for outsider in (users_a["manager"], users_b["therapist"]):
        with pytest.raises(ValidationError):
            services.goal_add(user=None, stay=stay, domain="network", title="x", responsible=outsider)


@pytest.mark.django_db
def test_the_review_page_reviews_two_goals_and_the_plan_prints_the_story(client, plan, users_a):
    stay, mother, sleep, bond, meeting = plan
    client.force_login(users_a["therapist"])
    url = reverse("journal:meeting_review", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "Rythme de sommeil" in page and "Moments de jeu partagés" in page
    response = client.post(url, {
        f"status_{sleep.pk}": "achieved", f"evaluation_{sleep.pk}": "Nuits complètes",
        f"status_{bond.pk}": "in_progress", f"evaluation_{bond.pk}": "Progrès",
        f"present_{mother.pk}": "on", f"agreed_{mother.pk}": "on", f"comments_{mother.pk}": "Merci",
        "new0_domain": "network", "new0_title": "Relais PMI", "new1_title": ""})
    assert response.status_code == 302
    plan_page = client.get(reverse("journal:care_plan", args=[stay.pk])).content.decode()
    for text in ("Nuits complètes", "Relais PMI", "Merci", "projet revu", "Document confidentiel"):
        assert text in plan_page, text
    # A new goal without its domain is refused and nothing is saved.
    later = adm.meeting_add(user=None, stay=stay, held_on=date(2025, 11, 10), participants="équipe")
    response = client.post(reverse("journal:meeting_review", args=[later.pk]),
                           {f"status_{bond.pk}": "in_progress", "new0_title": "Sans domaine"})
    assert response.status_code == 400
    assert not GoalReview.objects.filter(meeting=later).exists()


@pytest.mark.django_db
def test_goal_add_and_edit_pages(client, plan, users_a):
    stay, _mother, sleep, _bond, _meeting = plan
    client.force_login(users_a["admissions"])
    response = client.post(reverse("journal:goal_add", args=[stay.pk]), {
        "domain": "social_housing", "title": "Dossier logement", "responsible": users_a["admissions"].pk})
    assert response.status_code == 302 and CareGoal.objects.filter(title="Dossier logement").exists()
    response = client.post(reverse("journal:goal_edit", args=[sleep.pk]), {
        "domain": "child_development", "title": "Rythme de sommeil régulier", "version": sleep.version,
        "reason": "Précision"})
    assert response.status_code == 302
    sleep.refresh_from_db()
    assert sleep.title == "Rythme de sommeil régulier" and history_of(obj=sleep)[0].why == "Précision"


ROUTES = [("journal:care_plan", VIEW_RECORDS, "stay"), ("journal:goal_add", EDIT_CARE, "stay"),
          ("journal:goal_edit", EDIT_CARE, "goal"), ("journal:meeting_review", EDIT_CARE, "meeting")]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "permission", "what"), ROUTES, ids=[r[0] for r in ROUTES])
def test_status_per_role(client, plan, users_a, users_b, role, name, permission, what):
    stay, _mother, sleep, _bond, meeting = plan
    pk = {"stay": stay.pk, "goal": sleep.pk, "meeting": meeting.pk}[what]
    client.force_login(users_a[role])
    expected = expected_status(role, permission, on_object=True)
    assert client.get(reverse(name, args=[pk])).status_code in ({expected} if expected != 404 else {403, 404})
    client.force_login(users_b[role])
    assert client.get(reverse(name, args=[pk])).status_code in (403, 404)


@pytest.mark.django_db
@pytest.mark.counts_queries
def test_the_plan_page_runs_a_constant_number_of_queries(client, plan, users_a):
    stay, mother, sleep, bond, meeting = plan
    client.force_login(users_a["manager"])
    url = reverse("journal:care_plan", args=[stay.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    services.meeting_review_goals(user=None, meeting=meeting, reviews={sleep.pk: Review("achieved"),
                                                                        bond.pk: Review("in_progress")},
                                  participation=[Participation(mother, True, True)])
    for n in range(5):
        services.goal_add(user=None, stay=stay, domain="protection", title=f"Objectif {n}")
    assert count() == small
