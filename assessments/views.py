"""Pages of the assessments app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from admissions import selectors as admission_selectors
from unit import access


def index(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.VIEW_RECORDS)
    stays = admission_selectors.stays_current(request.user)
    return render(request, "assessments/index.html", {"stays": stays})
