"""One rule for "occupied" (issue 12, defect 3; DOMAIN.md settled reading 8): the capacity check, the
residents board, the admissions index and the report count the same children on the same day."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from admissions import selectors, services
from admissions.models import Stay
from dashboards import engine
from tests import factories

pytestmark = pytest.mark.django_db
DAY = date(2025, 9, 10)


def _admit(facility, admitted_on: date, discharged_on: date | None = None) -> Stay:
    fam = factories.family(facility=facility)
    child = factories.child(family=fam, birth_date=date(2025, 3, 1))
    req = factories.accepted_request(facility=facility, family=fam, children=[child],
                                     received_on=min(admitted_on, date(2025, 9, 1)))
    extra = {}
    if discharged_on is not None:
        extra = {"discharged_on": discharged_on, "discharge_kind": "planned", "residence_after": "home_with_parent"}
    return services.stay_admit(user=None, facility=facility, child=child, request=req, admitted_on=admitted_on,
                               residence_before="hospital", **extra)


def _discharge(stay: Stay, on: date) -> None:
    services.stay_discharge(user=None, stay=stay, discharged_on=on, discharge_kind="planned",
                            residence_after="home_with_parent")


def _occupancy_of_the_day(facility, day: date) -> float:
    return engine.build([facility], engine.Period(day, day), compare=False).indicators["occupancy_rate"]


@pytest.mark.parametrize("first_same_day,second_same_day", [(True, True), (True, False), (False, True)])
def test_a_one_place_unit_holds_one_child_on_the_day_of_a_same_day_stay(first_same_day, second_same_day):
    unit = factories.facility(code="upb-one", capacity=1)
    _admit(unit, DAY, DAY if first_same_day else None)
    with pytest.raises(services.CapacityError):
        _admit(unit, DAY, DAY if second_same_day else None)
    assert Stay.objects.filter(facility=unit).count() == 1
    assert _occupancy_of_the_day(unit, DAY) == 1.0


def test_a_same_day_stay_leaves_the_place_free_the_next_day_and_fits_after_a_discharge():
    unit = factories.facility(code="upb-turn", capacity=1)
    before = _admit(unit, DAY - timedelta(days=5))
    _discharge(before, DAY)  # the place is free again on discharge day
    _admit(unit, DAY, DAY)
    _admit(unit, DAY + timedelta(days=1))
    assert Stay.objects.filter(facility=unit).count() == 3
    assert [_occupancy_of_the_day(unit, DAY + timedelta(days=d)) for d in (-1, 0, 1)] == [1.0, 1.0, 1.0]


def test_board_and_index_agree_after_a_discharge_and_an_admission_on_the_same_day(facility_a, users_a):
    today = timezone.localdate()
    for _ in range(9):
        _admit(facility_a, today - timedelta(days=20))
    leaving = _admit(facility_a, today - timedelta(days=20))
    _discharge(leaving, today)
    _admit(facility_a, today)  # takes the place freed today
    manager = users_a["manager"]
    board = {entry["facility"].code: entry for entry in selectors.board(user=manager)}[facility_a.code]
    index = {row["facility"].code: row for row in selectors.occupancy_by_facility(user=manager)}[facility_a.code]
    assert (board["used"], index["present"], facility_a.capacity) == (10, 10, 10)
    assert leaving.pk not in {row["stay"].pk for row in board["rows"]}
    assert _occupancy_of_the_day(facility_a, today) == 1.0


def test_board_and_index_count_a_stay_admitted_and_discharged_today(facility_a, users_a):
    today = timezone.localdate()
    _admit(facility_a, today, today)
    manager = users_a["manager"]
    board = {entry["facility"].code: entry for entry in selectors.board(user=manager)}[facility_a.code]
    index = {row["facility"].code: row for row in selectors.occupancy_by_facility(user=manager)}[facility_a.code]
    assert (board["used"], index["present"]) == (1, 1)


def test_the_pages_show_the_same_places_used(login, facility_a, users_a):
    from django.urls import reverse

    today = timezone.localdate()
    leaving = _admit(facility_a, today - timedelta(days=3))
    _discharge(leaving, today)
    _admit(facility_a, today)
    client = login(users_a["manager"])
    board = client.get(reverse("admissions:board")).content.decode()
    index = client.get(reverse("admissions:index")).content.decode()
    assert f'<span data-testid="places">1 / {facility_a.capacity}</span>' in board
    assert f"<td>{facility_a.name}</td><td>1</td><td>{facility_a.capacity}</td>" in index
