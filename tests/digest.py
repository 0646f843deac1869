"""What generated data amounts to, by natural keys: ids and timestamps differ between builds, the data must not."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.db import transaction

from admissions.models import AdmissionRequest, Diagnosis, PresencePeriod, Stay
from assessments.models import Assessment


def digest() -> dict[str, list]:
    return {
        "stays": sorted(Stay.objects.values_list(
            "child__family__reference", "facility__code", "admitted_on", "discharged_on", "discharge_kind",
            "residence_before", "residence_after")),
        "requests": sorted(AdmissionRequest.objects.values_list(
            "family__reference", "received_on", "decision", "refusal_reason", "referrer_category",
            "eligibility_verdict")),
        "diagnoses": sorted(Diagnosis.objects.values_list("stay__child__family__reference", "timepoint", "code",
                                                          "primary")),
        "presence": sorted(PresencePeriod.objects.values_list("stay__child__family__reference", "adult__role",
                                                              "start", "end")),
        "assessments": sorted((ref, instrument, on, json.dumps(scores, sort_keys=True)) for ref, instrument, on, scores
                              in Assessment.objects.values_list("stay__child__family__reference", "instrument",
                                                                "assessed_on", "scores")),
    }


class _Rollback(Exception):
    pass


def digest_of(build: Callable[[], object]) -> dict[str, list]:
    """The digest of what `build()` writes, the writes then rolled back (to build again from the same state)."""
    found: dict[str, list] = {}
    try:
        with transaction.atomic():
            build()
            found = digest()
            raise _Rollback
    except _Rollback:
        return found
