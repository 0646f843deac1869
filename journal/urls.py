"""URLs of the daily record."""

from django.urls import path

from journal import views

app_name = "journal"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("stays/<int:pk>/", views.stay_journal, name="stay_journal"),
    path("stays/<int:pk>/new/", views.stay_note_create, name="stay_note_create"),
    path("stays/<int:pk>/csv/", views.stay_journal_csv, name="stay_journal_csv"),
    path("families/<int:pk>/", views.family_journal, name="family_journal"),
    path("families/<int:pk>/new/", views.family_note_create, name="family_note_create"),
    path("notes/<int:pk>/correct/", views.note_correct, name="note_correct"),
    path("stays/<int:pk>/chronology/", views.stay_chronology, name="stay_chronology"),
    path("families/<int:pk>/chronology/", views.family_chronology, name="family_chronology"),
    path("stays/<int:pk>/summary/", views.stay_summary, name="stay_summary"),
    path("stays/<int:pk>/summary.pdf", views.stay_summary_pdf, name="stay_summary_pdf"),
    path("stays/<int:pk>/discharge-letter.pdf", views.discharge_letter_pdf, name="discharge_letter_pdf"),
    path("stays/<int:pk>/discharge-letter/file/", views.discharge_letter_file, name="discharge_letter_file"),
    path("stays/<int:pk>/plan/", views.care_plan, name="care_plan"),
    path("stays/<int:pk>/plan/goals/new/", views.goal_add, name="goal_add"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("meetings/<int:pk>/review/", views.meeting_review, name="meeting_review"),
    path("templates/", views.templates, name="templates"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("today/settings/", views.today_settings, name="today_settings"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/new/", views.contact_create, name="contact_create"),
]
