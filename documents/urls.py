"""URLs of documents and consents."""

from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("families/<int:pk>/upload/", views.upload, name="upload"),
    path("<int:pk>/download/", views.download, name="download"),
    path("families/<int:pk>/consents/new/", views.consent_add, name="consent_add"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("retention/", views.retention, name="retention"),
    path("families/<int:pk>/anonymise/", views.anonymise, name="anonymise"),
]
