"""Concurrent admissions into the last free place, and concurrent edits: no overbooking, no lost update."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from admissions import services
from admissions.models import Stay
from tests import factories
from unit.history import ConflictError

ROUNDS = 15
THREADS = 4


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


def _race(unit, contenders) -> list[str]:
    """Each contender admits its child at the same instant; returns what each got."""
    barrier = threading.Barrier(len(contenders))
    outcomes: list[str] = []

    def admit(child, req):
        try:
            barrier.wait()
            services.stay_admit(user=None, facility=unit, child=child, request=req,
                                admitted_on=date(2025, 10, 1), residence_before="hospital")
            outcomes.append("admitted")
        except services.CapacityError as error:
            outcomes.append("full" if "complète" in " ".join(error.messages) else f"bad message: {error}")
        except Exception as error:  # noqa: BLE001 - any other failure is a test failure
            outcomes.append(f"error: {error!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=admit, args=contender) for contender in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_threads_racing_for_the_last_place_never_overbook():
    if not _on_postgres():
        pytest.skip("the row lock is PostgreSQL's; SQLite serialises writers instead (run with DATABASE_URL)")
    overbooked = 0
    for round_number in range(ROUNDS):
        unit = factories.facility(code=f"race-{round_number}", capacity=2)
        factories.stay(facility=unit, admitted_on=date(2025, 9, 10))  # one place left
        contenders = []
        for _ in range(THREADS):
            fam = factories.family(facility=unit)
            child = factories.child(family=fam)
            contenders.append((child, factories.accepted_request(facility=unit, family=fam, children=[child])))
        outcomes = _race(unit, contenders)
        assert sorted(outcomes) == ["admitted"] + ["full"] * (THREADS - 1), outcomes
        present = Stay.objects.filter(facility=unit, discharged_on__isnull=True).count()
        overbooked += present > unit.capacity
    assert overbooked == 0


@pytest.mark.django_db(transaction=True)
def test_two_clinicians_editing_the_same_child_do_not_lose_an_update():
    unit = factories.facility(code="conflict")
    child = factories.child(family=factories.family(facility=unit))
    read_by_first = type(child).objects.get(pk=child.pk)
    read_by_second = type(child).objects.get(pk=child.pk)
    services.child_update(user=None, child=read_by_first, birth_weight_g=2400,
                           expected_version=read_by_first.version, reason="poids corrigé")
    with pytest.raises(ConflictError) as error:
        services.child_update(user=None, child=read_by_second, gestational_weeks=33,
                               expected_version=read_by_second.version, reason="âge gestationnel")
    assert error.value.current.birth_weight_g == 2400
    child.refresh_from_db()
    assert child.birth_weight_g == 2400 and child.gestational_weeks is None
