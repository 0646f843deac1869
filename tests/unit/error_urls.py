"""The product's URLs plus one view that fails, to see the 500 page as a user would (tests only)."""

from django.urls import path

from config import urls as product_urls
from unit.audit import not_audited

handler500 = product_urls.handler500


@not_audited("a test view that always fails")
def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom, name="boom"), *product_urls.urlpatterns]
