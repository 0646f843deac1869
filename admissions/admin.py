"""Admin for the organisation's lists of the admissions app (referrers, diagnosis codes)."""

from django.contrib import admin

from admissions.models import DiagnosisCode, ReferrerOrganisation
from unit.admin import HistoryAdmin


@admin.register(ReferrerOrganisation)
class ReferrerOrganisationAdmin(HistoryAdmin):
    list_display = ("name", "category", "city", "active")
    list_filter = ("category", "active")
    search_fields = ("name", "city")


@admin.register(DiagnosisCode)
class DiagnosisCodeAdmin(HistoryAdmin):
    list_display = ("classification", "code", "label_fr", "label_en", "active")
    list_filter = ("classification", "active")
    search_fields = ("code", "label_fr", "label_en")
