"""URLs of the dashboards app."""

from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("report.json", views.report_json, name="report_json"),
    path("table.csv", views.table_csv, name="table_csv"),
]
