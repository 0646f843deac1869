"""The volume generator: bulk rows within every rule, each with its history row, the same for the same seed."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from admissions.models import AdmissionRequest, Adult, Child, Diagnosis, Family, PresencePeriod, Stay
from admissions.stay_dates import peak_occupancy
from assessments import instruments
from assessments.models import Assessment
from interchange import volume, volume_rows
from tests.digest import digest_of
from unit import vocabularies
from unit.models import Facility

pytestmark = pytest.mark.django_db

UNTIL = date(2025, 12, 31)
# Scale S is one parent-baby unit for one year; two residential facilities over two years see units fill up.
SMALL = volume.Scale("test", facilities=2, years=2)


def test_scale_s_creates_rows_of_every_kind():
    counts = volume.seed_volume(scale=volume.SCALES["S"], seed=1, until=UNTIL)
    for model in ("Family", "Child", "Adult", "AdmissionRequest", "Stay", "PresencePeriod", "Diagnosis",
                  "Intervention", "SynthesisMeeting", "Assessment"):
        assert counts[model] > 0, model
    assert counts["Stay"] == Stay.objects.count()
    assert counts["Assessment"] == Assessment.objects.count()
    assert AdmissionRequest.children.through.objects.count() == counts["AdmissionRequest"]


def test_a_facility_starts_with_its_current_residents_only():
    volume.seed_volume(scale=volume.SCALES["S"], seed=1, until=UNTIL)
    first_day = date(2025, 1, 1)
    earlier = Stay.objects.filter(admitted_on__lt=first_day)
    assert earlier.exists()
    assert not earlier.filter(discharged_on__lt=first_day).exists()


def test_every_bulk_row_has_its_history_row():
    volume.seed_volume(scale=SMALL, seed=3, until=UNTIL)
    for model in (Family, Child, Adult, AdmissionRequest, Stay, PresencePeriod, Diagnosis, Assessment):
        rows = model.objects.count()
        history = model.history.filter(history_change_reason=volume_rows.HISTORY_REASON, history_type="+")
        assert rows > 0 and history.count() == rows, model.__name__
        assert set(history.values_list("history_user__username", flat=True)) == {volume.USERNAMES["admissions"]}


def test_no_residential_facility_is_over_capacity_on_any_day():
    volume.seed_volume(scale=volume.Scale("full", facilities=2, years=3), seed=5, until=UNTIL)
    residential = Facility.objects.filter(capacity__isnull=False)
    assert residential.count() == 2
    for facility in residential:
        # The capacity rule of the admission service (admissions.stay_dates).
        stays = Stay.objects.filter(facility=facility).values_list("admitted_on", "discharged_on")
        peak = peak_occupancy(stays, date(2000, 1, 1), None)
        assert 0 < peak <= facility.capacity, facility.code
    # Full units send accepted families to the waiting list rather than above capacity.
    assert AdmissionRequest.objects.filter(decision="waiting_list").exists()


def test_dates_presence_and_scores_follow_the_rules():
    volume.seed_volume(scale=SMALL, seed=7, until=UNTIL)
    for stay in Stay.objects.select_related("child", "request"):
        assert stay.child.birth_date <= stay.request.received_on <= stay.admitted_on <= UNTIL
        assert stay.request.decision == "accepted" and stay.request.decided_on <= stay.admitted_on
        assert stay.discharged_on is None or stay.admitted_on <= stay.discharged_on <= UNTIL
        assert stay.residence_before in vocabularies.codes("residence_before")
    for period in PresencePeriod.objects.select_related("stay", "adult"):
        stay = period.stay
        assert stay.admitted_on <= period.start <= (stay.discharged_on or UNTIL)
        if stay.discharged_on is not None:
            assert period.end is not None and period.start <= period.end <= stay.discharged_on
        assert period.adult.family_id == stay.child.family_id
    refused = AdmissionRequest.objects.filter(decision="refused")
    assert refused.exists() and not refused.filter(refusal_reason="").exists()
    for a in Assessment.objects.select_related("stay", "child"):
        assert a.stay.admitted_on <= a.assessed_on <= (a.stay.discharged_on or UNTIL)
        instrument = instruments.get(a.instrument)
        assert not instrument.validate(a.scores)
        if a.child is not None:
            corrected = a.corrected_age_days if instrument.corrects_for_prematurity else None
            assert instrument.in_age_range(a.age_days if corrected is None else corrected)


def test_the_same_seed_gives_the_same_rows_and_another_seed_others():
    digests = [digest_of(lambda seed=seed: volume.seed_volume(scale=volume.SCALES["S"], seed=seed, until=UNTIL))
               for seed in (11, 11, 12)]
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]
    assert digests[0]["stays"] and digests[0]["assessments"]


def test_command_refuses_a_second_volume_and_the_production_profile(settings):
    call_command("seed_volume", "--scale", "S", "--seed", "2")
    with pytest.raises(CommandError, match="déjà"):
        call_command("seed_volume", "--scale", "S")
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_volume", "--scale", "S")
