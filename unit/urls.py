"""The foundation's pages (its home page, for a user who reads no record, is called by the Today page that
config/urls.py routes to `/`): sign-in, two-factor, language, history, audit log, records entered in error,
jobs (the right of access: interchange/urls.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from unit import audit_views, job_views, otp_views, views
from unit.audit import not_audited

# Django's own account pages show the user's own account only.
_account = not_audited("the user's own account")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", _account(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/password/", _account(auth_views.PasswordChangeView.as_view()), name="password_change"),
    path("accounts/password/done/", _account(auth_views.PasswordChangeDoneView.as_view()), name="password_change_done"),
    path("accounts/2fa/setup/", otp_views.otp_setup, name="otp_setup"),
    path("accounts/2fa/verify/", otp_views.otp_verify, name="otp_verify"),
    path("accounts/2fa/enrol/<str:token>/", otp_views.otp_enrol_link, name="otp_enrol_link"),
    path("i18n/setlang/", views.set_language_view, name="set_language"),
    path("history/<str:app_label>/<str:model_name>/<int:pk>/", views.record_history, name="record_history"),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("records/<str:app_label>/<str:model_name>/<int:pk>/entered-in-error/", views.record_mark_in_error,
         name="record_mark_in_error"),
    path("records/in-error/", views.records_in_error_list, name="records_in_error"),
    path("records/<str:app_label>/<str:model_name>/<int:pk>/restore/", views.record_restore, name="record_restore"),
    path("jobs/<str:job_id>/", job_views.job_detail, name="job_detail"),
    path("jobs/<str:job_id>/status.json", job_views.job_status, name="job_status"),
]
