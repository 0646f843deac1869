"""The pseudonymised line list of a report's stays, streamed from the database chunk by chunk.

One row per stay active in the period (the engine's rule), without names or full birth dates:
the child is a pseudonym, HMAC-SHA256(funder's secret, child id) cut to 12 hex characters, so
the same child keeps the same pseudonym in every workbook of one funder and two funders cannot
link their lists. Memory stays flat whatever the volume: rows come from a server-side iterator,
one query in all, the primary diagnoses of each stay read by correlated subqueries in it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator, Sequence
from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from admissions import stay_dates
from admissions.models import Diagnosis, Stay
from dashboards.engine import Period
from unit.ages import age_in_months
from unit.models import Facility

HEADERS = [
    "Pseudonyme", "Structure", "Sexe", "Âge à l'admission (mois)", "Naissance (mois/année)", "Admission",
    "Sortie", "Durée de séjour (jours)", "Lieu de vie avant", "Lieu de vie après", "Mandat",
    "Diagnostic principal à l'entrée", "Diagnostic principal à la sortie",
]
CHUNK_SIZE = 2000
PSEUDONYM_LENGTH = 12


def pseudonym(secret: str, child_id: int) -> str:
    return hmac.new(secret.encode(), str(child_id).encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def stays_in(facilities: Sequence[Facility], period: Period) -> QuerySet:
    """The stays active in the period, as the engine counts them (entered-in-error left out)."""
    return Stay.objects.filter(facility_id__in=[f.pk for f in facilities], entered_in_error=False).active_in(
        period.start, period.end)


def _primary(timepoint: str) -> Subquery:
    """The code of the stay's primary diagnosis of the child at `timepoint` (the latest recorded wins)."""
    return Subquery(Diagnosis.objects.filter(
        stay=OuterRef("pk"), timepoint=timepoint, primary=True, child__isnull=False, entered_in_error=False,
    ).order_by("-pk").values("code")[:1])


def rows(facilities: Sequence[Facility], period: Period, secret: str, *, chunk_size: int = CHUNK_SIZE,
         progress: Callable[[int], None] | None = None, report_date: date | None = None) -> Iterator[list]:
    """Yield one list per stay (HEADERS order); `progress(rows_so_far)` after every chunk of rows.

    One query, read through a server-side cursor: the primary entry and exit diagnoses come with
    each stay (correlated subqueries on the diagnoses' stay index), never one query per row.
    """
    codes = {f.pk: f.code for f in facilities}
    stays = stays_in(facilities, period).order_by("admitted_on", "pk").annotate(
        entry_code=_primary("entry"), exit_code=_primary("exit"),
    ).values_list(
        "facility_id", "child_id", "child__sex", "child__birth_date", "admitted_on", "discharged_on",
        "residence_before", "residence_after", "mandate", "entry_code", "exit_code",
    ).iterator(chunk_size=chunk_size)
    end = period.end
    report_date = report_date or timezone.localdate()
    done = 0
    for (facility_id, child_id, sex, birth, admitted, discharged, before, after, mandate, entry,
         exit_) in stays:
        yield [
            pseudonym(secret, child_id), codes.get(facility_id, ""), sex, age_in_months(birth, admitted),
            f"{birth.month:02d}/{birth.year}", admitted, discharged,
            length_of_stay(admitted, discharged, end, report_date), before, after, mandate, entry or "", exit_ or "",
        ]
        done += 1
        if progress and done % chunk_size == 0:
            progress(done)
    if progress and done % chunk_size:
        progress(done)
    elif progress and done == 0:
        progress(0)


def length_of_stay(admitted: date, discharged: date | None, end: date, report_date: date | None = None) -> int:
    """Days from admission to discharge, or to the period end (the report date) while open then: the indicator's
    rule, `admissions.stay_dates.length_of_stay`."""
    return stay_dates.length_of_stay(admitted, discharged, end, report_date)
