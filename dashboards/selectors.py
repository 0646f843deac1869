"""Reads of the dashboards app that pages need besides the report itself (which the engine loads)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from dashboards import engine, extract
from dashboards import indicators as ind
from dashboards import outcomes as outcome_rules
from dashboards.models import ExportRecord, FunderProfile
from documents.selectors import families_with_consent
from unit import access
from unit.models import Facility


def funder_profiles_active() -> QuerySet[FunderProfile]:
    """The funder profiles an export may follow."""
    return FunderProfile.objects.filter(active=True)


def funder_profile_active(*, pk: int | None) -> FunderProfile | None:
    """The active funder profile `pk`, or None when there is none (unknown, retired or no number)."""
    return FunderProfile.objects.filter(pk=pk, active=True).first()


def export_facilities(*, record: ExportRecord) -> list[Facility]:
    """The facilities an export covered, by code."""
    return list(record.facilities.order_by("code"))


def dashboard_facilities(*, user: AbstractBaseUser) -> QuerySet[Facility]:
    """The facilities whose dashboards the user may read, by name (the filter's choices)."""
    return access.facilities_for(user, access.VIEW_DASHBOARDS).order_by("name")


def extract_facilities(*, user: AbstractBaseUser, facilities: list[Facility]) -> list[Facility]:
    """Of the facilities asked for, those whose data the user may export (the research extract)."""
    return [f for f in facilities if access.has_permission(user, access.EXPORT_REPORTS, f)]


def outcome_extract(*, facilities: list[Facility], period: engine.Period, secret_key: str) -> bytes:
    """The research extract of the stays of `facilities` discharged in `period` (dashboards.extract), the
    families without a valid research consent today left out."""
    data = engine.load(facilities, period.start, period.end)
    discharged = [s for s in data.stays if ind.is_discharged_in(s, period.start, period.end)]
    pairs = outcome_rules.pairs_frame(discharged, data.assessments, data.presence, data.adults)
    families = {s.family_id for s in discharged}
    consenting = families_with_consent(scope="research").filter(pk__in=families).values_list("pk", flat=True)
    rows = extract.build(pairs, key=extract.research_key(secret_key), facility_codes={f.pk: f.code for f in facilities},
                         consenting=consenting)
    about = (f"Extraction pseudonymisée de l'évolution — structures {', '.join(f.code for f in facilities)}, "
             f"séjours terminés du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y}.")
    return extract.archive(rows, about=about)
