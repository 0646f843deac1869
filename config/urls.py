"""Root URL map: the foundation's pages, the three domain apps, interchange (import, subject access),
administration."""

from django.contrib import admin
from django.urls import include, path

from journal import views as journal_views

urlpatterns = [
    # The home page is the Today page of the daily record; it shows the foundation's own home page to a user
    # who reads no record (reporting).
    path("", journal_views.today, name="home"),
    path("", include("unit.urls")),
    path("", include("interchange.urls")),
    path("admissions/", include("admissions.urls")),
    path("assessments/", include("assessments.urls")),
    path("documents/", include("documents.urls")),
    path("journal/", include("journal.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("admin/", admin.site.urls),
]

# The 500 page with the navigation (templates/500.html); 400, 403 and 404 use Django's handlers and
# the templates of the same names, which receive the request already.
handler500 = "unit.errors.server_error"

admin.site.site_header = "Unité parents-bébé"
admin.site.site_title = "Administration"
