"""The demo data: believable, within every rule, and the same for the same seed."""

from datetime import date

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from admissions.models import AdmissionRequest, Stay
from admissions.stay_dates import peak_occupancy
from assessments import instruments
from assessments.models import Alert, Assessment
from interchange.demo import DEMO_PASSWORD, DEMO_USERS, build_demo
from tests.digest import digest_of
from unit.models import Facility

TODAY = date(2026, 11, 20)


@pytest.mark.django_db
def test_same_seed_gives_the_same_data():
    digests = [digest_of(lambda: build_demo(families=6, today=TODAY)) for _ in range(2)]
    assert digests[0] == digests[1]
    assert digests[0]["stays"], "the demo has stays"
    assert digests[0]["assessments"], "the demo has assessments"


@pytest.mark.django_db
def test_demo_respects_capacity_dates_and_logins():
    counts = build_demo(families=12, today=TODAY)
    assert counts["Stay"] > 0 and counts["PresencePeriod"] > 0 and counts["Diagnosis"] > 0
    for facility in Facility.objects.filter(capacity__isnull=False):
        stays = Stay.objects.filter(facility=facility).values_list("admitted_on", "discharged_on")
        assert peak_occupancy(stays, date(2000, 1, 1), None) <= facility.capacity
    assert not Stay.objects.filter(admitted_on__gt=TODAY).exists()
    for stay in Stay.objects.select_related("child"):
        assert stay.admitted_on >= stay.child.birth_date
    for username, _role, _name in DEMO_USERS:
        # With a request: the login-throttling backend needs one to identify the client.
        assert authenticate(RequestFactory().post("/"), username=username, password=DEMO_PASSWORD) is not None, \
            username
    assert set(Facility.objects.values_list("country", flat=True)) == {"BE", "FR", "LU"}


@pytest.mark.django_db
def test_demo_assessments_are_inside_stays_and_ranges():
    counts = build_demo(families=12, today=TODAY)
    assessments = list(Assessment.objects.select_related("stay", "child", "adult"))
    assert counts["Assessment"] == len(assessments) > 0
    assert counts["Alert"] == Alert.objects.count()
    assert {a.instrument for a in assessments} >= {"bayley4", "epds", "pirgas"}
    for a in assessments:
        stay = a.stay
        assert stay.admitted_on <= a.assessed_on <= min(stay.discharged_on or TODAY, TODAY)
        assert not a.out_of_age_range_confirmed
        assert not instruments.get(a.instrument).validate(a.scores)
        if a.child is not None:
            assert a.child_id == stay.child_id and a.assessed_on >= a.child.birth_date
            instrument = instruments.get(a.instrument)
            corrected = a.corrected_age_days if instrument.corrects_for_prematurity else None
            norm_age = a.age_days if corrected is None else corrected
            assert instrument.in_age_range(norm_age)
        else:
            assert a.adult.role == "mother" and a.adult.family_id == stay.child.family_id
        if a.instrument == "bayley4":  # composites follow their scaled scores
            assert abs(a.scores["cog"] - (100 + 5 * (a.scores["cog_ss"] - 10))) <= 6


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="désactivées"):
        call_command("seed_demo", "--families", "1")


@pytest.mark.django_db
def test_demo_logins_prints_the_accounts_and_the_address_it_is_given(settings, capsys):
    settings.DEMO_MODE = True
    build_demo(families=1, today=TODAY)
    call_command("demo_logins", "--url", "http://127.0.0.1:8011/")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out and "http://127.0.0.1:8011/" in out
    assert all(username in out for username, _role, _name in DEMO_USERS)
    settings.DEMO_MODE = False  # a production profile never prints a password
    call_command("demo_logins")
    assert capsys.readouterr().out == ""


@pytest.mark.django_db
def test_demo_home_support_takes_every_pregnancy_and_maternal_centres_from_28_weeks():
    """DOMAIN.md: home support from pregnancy (any term); a maternal centre from the 7th month."""
    build_demo(families=30, today=TODAY)
    checked = {kind: [] for kind in ("home_support", "maternal_centre")}
    for request in AdmissionRequest.objects.filter(expected_due_date__isnull=False, facility__kind__in=checked,
                                                   planned_admission_on__isnull=False).select_related("facility"):
        why = request.eligibility_details["computed"]["pregnancy_or_child"]
        weeks = int(why.removeprefix("pregnancy_weeks:"))
        checked[request.facility.kind].append((weeks, request.eligibility_answers["pregnancy_or_child"]))
    assert any(weeks < 28 for weeks, _answer in checked["home_support"]), "the demo has early pregnancies"
    assert all(answer == "met" for _weeks, answer in checked["home_support"])
    assert checked["maternal_centre"], "the demo has prenatal requests at the maternal centre"
    assert all(answer == ("met" if weeks >= 28 else "not_met") for weeks, answer in checked["maternal_centre"])
