"""Admin of funder profiles (history kept, secret never shown) and the read-only log of exports."""

from django.contrib import admin

from dashboards.models import ExportRecord, FunderProfile
from unit.admin import HistoryAdmin


@admin.register(FunderProfile)
class FunderProfileAdmin(HistoryAdmin):
    list_display = ("name", "small_cell_threshold", "sheets", "active")
    list_filter = ("active",)
    search_fields = ("name",)
    # The pseudonym secret is not a field of the form (editable=False): it is never displayed.
    fields = ("name", "sheets", "small_cell_threshold", "active")

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """The history list shows old and new values: never those of the secret."""
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(current, excluded_fields=["pseudonym_secret"],
                                              foreign_keys_are_objs=foreign_keys_are_objs)
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


@admin.register(ExportRecord)
class ExportRecordAdmin(admin.ModelAdmin):
    list_display = ("generated_at", "created_by", "profile_name", "facility_codes", "start", "end", "source",
                    "small_cell_threshold", "line_list_rows")
    list_filter = ("source", "profile_name")
    date_hierarchy = "generated_at"
    readonly_fields = [f.name for f in ExportRecord._meta.fields] + ["facilities"]

    def has_add_permission(self, request):
        return False  # an export is recorded by the export itself, never typed

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
