"""Admin for the assessments a facility expects (the due list); assessments themselves are entered in the app."""

from django import forms
from django.contrib import admin

from assessments import instruments
from assessments.models import ExpectedAssessment
from unit.admin import HistoryAdmin


@admin.register(ExpectedAssessment)
class ExpectedAssessmentAdmin(HistoryAdmin):
    list_display = ("facility", "instrument", "subject", "anchor", "window_days", "active")
    list_filter = ("facility", "instrument", "anchor", "active")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "instrument":
            choices = [(code, tool.name) for code, tool in instruments.registry().items()]
            return forms.ChoiceField(choices=choices, label=db_field.verbose_name)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
