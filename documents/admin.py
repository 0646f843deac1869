"""The administrator edits each facility's retention rule here (the country's default applies without one);
documents and consents are written through their pages and services only."""

from django.contrib import admin

from documents.models import RetentionRule
from unit.admin import HistoryAdmin


@admin.register(RetentionRule)
class RetentionRuleAdmin(HistoryAdmin):
    list_display = ("facility", "years_after_last_contact", "until_child_age", "at_most_years")
