"""Pages of the dashboards app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from admissions import selectors as admission_selectors
from unit import access


def index(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.VIEW_DASHBOARDS)
    occupancy = admission_selectors.occupancy_by_facility(request.user, access.VIEW_DASHBOARDS)
    return render(request, "dashboards/index.html", {"occupancy": occupancy})
