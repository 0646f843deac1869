"""URLs of interchange, at the paths they always had: the import under /admissions/import/, the right of
access under /subject-access/."""

from django.urls import path

from interchange import import_views, subject_views

app_name = "interchange"
urlpatterns = [
    path("admissions/import/", import_views.import_upload, name="import_upload"),
    path("admissions/import/confirm/", import_views.import_confirm, name="import_confirm"),
    path("admissions/import/result/<str:job_id>/", import_views.import_result, name="import_result"),
    path("admissions/import/template.xlsx", import_views.import_template, name="import_template"),
    path("subject-access/<str:kind>/<int:pk>/", subject_views.subject_access, name="subject_access"),
]
