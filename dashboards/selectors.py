"""Reads of the dashboards app that pages need besides the report itself (which the engine loads)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from dashboards.models import ExportRecord, FunderProfile
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
