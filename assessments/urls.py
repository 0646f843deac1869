"""URLs of the assessments app."""

from django.urls import path

from assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.index, name="index"),
    path("stays/<int:pk>/new/", views.choose_instrument, name="choose_instrument"),
    path("stays/<int:pk>/new/<slug:instrument>/", views.assessment_create, name="assessment_create"),
    path("<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("children/<int:pk>/", views.child_trajectory, name="child_trajectory"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
]
