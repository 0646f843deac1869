"""URLs of the admissions pathway."""

from django.urls import path

from admissions import views

app_name = "admissions"
urlpatterns = [
    path("", views.index, name="index"),
    path("board/", views.board, name="board"),
    path("waiting-list/", views.waiting_list, name="waiting_list"),
    path("families/", views.families, name="families"),
    path("families/new/", views.family_create, name="family_create"),
    path("families/<int:pk>/", views.family_detail, name="family_detail"),
    path("families/<int:pk>/children/new/", views.child_add, name="child_add"),
    path("families/<int:pk>/adults/new/", views.adult_add, name="adult_add"),
    path("families/<int:pk>/requests/new/", views.request_create, name="request_create"),
    path("children/<int:pk>/edit/", views.child_edit, name="child_edit"),
    path("adults/<int:pk>/edit/", views.adult_edit, name="adult_edit"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/eligibility/", views.request_eligibility, name="request_eligibility"),
    path("requests/<int:pk>/evaluate/", views.request_evaluate, name="request_evaluate"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("requests/<int:pk>/admit/", views.request_admit, name="request_admit"),
    path("stays/<int:pk>/", views.stay_detail, name="stay_detail"),
    path("stays/<int:pk>/edit/", views.stay_edit, name="stay_edit"),
    path("stays/<int:pk>/admission-date/", views.stay_admission_date, name="stay_admission_date"),
    path("stays/<int:pk>/presence/new/", views.presence_add, name="presence_add"),
    path("presence/<int:pk>/end/", views.presence_end, name="presence_end"),
    path("stays/<int:pk>/diagnoses/new/", views.diagnosis_add, name="diagnosis_add"),
    path("stays/<int:pk>/meetings/new/", views.meeting_add, name="meeting_add"),
    path("stays/<int:pk>/interventions/new/", views.intervention_add, name="intervention_add"),
    path("stays/<int:pk>/signalements/new/", views.signalement_add, name="signalement_add"),
    path("stays/<int:pk>/discharge/", views.stay_discharge, name="stay_discharge"),
    path("diagnosis-codes/", views.diagnosis_codes, name="diagnosis_codes"),
]
