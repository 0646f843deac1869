"""URL map of the product: public entry points, the three apps, administration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from unit import job_views, otp_views, subject_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/2fa/setup/", otp_views.otp_setup, name="otp_setup"),
    path("accounts/2fa/verify/", otp_views.otp_verify, name="otp_verify"),
    path("i18n/setlang/", views.set_language_view, name="set_language"),
    path("history/<str:app_label>/<str:model_name>/<int:pk>/", views.record_history, name="record_history"),
    path("audit/", subject_views.audit_list, name="audit_list"),
    path("subject-access/<str:kind>/<int:pk>/", subject_views.subject_access, name="subject_access"),
    path("records/<str:app_label>/<str:model_name>/<int:pk>/entered-in-error/", views.record_mark_in_error,
         name="record_mark_in_error"),
    path("jobs/<str:job_id>/", job_views.job_detail, name="job_detail"),
    path("jobs/<str:job_id>/status.json", job_views.job_status, name="job_status"),
    path("admissions/", include("admissions.urls")),
    path("assessments/", include("assessments.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Unité parents-bébé"
admin.site.site_title = "Administration"
