"""URLs of the dashboards app."""

from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("report.json", views.report_json, name="report_json"),
    path("table.csv", views.table_csv, name="table_csv"),
    path("cohorts/", views.cohort_comparison, name="cohorts"),
    path("cohorts.csv", views.cohort_csv, name="cohort_csv"),
    path("outcomes-extract.zip", views.outcome_extract, name="outcome_extract"),
]

from dashboards import export_views  # noqa: E402

urlpatterns += [
    path("exports/", export_views.export_list, name="exports"),
    path("exports/download/", export_views.export_download, name="export_download"),
    path("exports/<int:pk>/file/", export_views.export_file, name="export_file"),
    path("exports/<int:pk>/changes/", export_views.export_changes, name="export_changes"),
]
