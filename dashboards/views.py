"""Dashboard pages, the JSON report and the CSV of each table: three renderings of one report."""

from __future__ import annotations

import csv
from dataclasses import replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from dashboards import charts, cohorts, engine, filters, selectors
from dashboards import tables as catalogue
from dashboards.published import suppress_tables
from dashboards.suppression import COMPLEMENT_MARK, primary_mark
from dashboards.tables import Table, build_tables
from unit import access, audit
from unit.audit import EXPORT, audited, not_audited
from unit.cells import safe_text


def _report(request: HttpRequest, *, compare: bool = True):
    """(report, choices, k): k > 1 when the user gets the published cells rather than the exact figures."""
    access.require(request.user, access.VIEW_DASHBOARDS)
    facilities, period, choices = filters.parse(request.user, request.GET)
    if not facilities:
        raise Http404
    # The audit entries of the JSON and CSV exports: one for each facility the report covers.
    audit.covered(request, [facility.pk for facility in facilities])
    k = filters.small_cell_threshold(request.user, facilities)
    # The published tables hold the previous period beside the period: masked, the JSON is those tables.
    return engine.build(facilities, period, compare=compare or k > 1), choices, k


def _published(tables: dict[str, Table], k: int) -> dict[str, Table]:
    """The tables as published for threshold k (the workbook's rule); exact for k = 1."""
    if k <= 1:
        return tables
    return {name: replace(rendered.table, rows=rendered.rows, note=rendered.note)
            for name, rendered in suppress_tables(tables, k).items()}


@not_audited("counts, not records; small cells are masked for roles without named access")
def index(request: HttpRequest) -> HttpResponse:
    try:
        report, choices, k = _report(request)
    except ValidationError as error:
        return render(request, "dashboards/index.html", {"error": " ".join(error.messages),
                                                         "all_facilities": _choices(request)}, status=400)
    exact = build_tables(report)
    published = _published(exact, k)
    # A chart of counts would draw the hidden counts: masked, only the charts of no count remain.
    figures = {name: figure for name, figure in charts.build_figures(report, exact).items()
               if k <= 1 or not exact[name].counts}
    sections = [{"key": section.key, "title": section.title, "items": [
        {"name": name, "table": published[name], "figure": figures.get(name), "figure_id": f"fig-{name}",
         "wide": _wide(published[name])}
        for name in names]} for section, names in catalogue.page_sections()]
    extra = [published[name] for name in catalogue.other_tables()]
    return render(request, "dashboards/index.html", {
        "report": report, "sections": sections, "extra_tables": extra, "choices": choices, "threshold": k,
        "query": request.GET.urlencode(), "all_facilities": _choices(request),
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 10, -1)),
    })


# A table this wide or this long takes the page's width, under its chart rather than beside it.
WIDE_FROM_COLUMNS, LONG_FROM_ROWS = 7, 10


def _wide(table: Table) -> bool:
    return len(table.headers) >= WIDE_FROM_COLUMNS or len(table.rows) >= LONG_FROM_ROWS


def _choices(request):
    return selectors.dashboard_facilities(user=request.user)


@audited(EXPORT, permission=access.VIEW_DASHBOARDS)
def report_json(request: HttpRequest) -> JsonResponse:
    try:
        report, _choices_, k = _report(request, compare=False)  # exact: the period's indicators only
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    if k > 1:
        return JsonResponse(_published_json(report, k), json_dumps_params={"ensure_ascii": False, "indent": 1})
    return JsonResponse(report.as_json(), json_dumps_params={"ensure_ascii": False, "indent": 1})


def _published_json(report, k: int) -> dict:
    """The JSON of a user without named access: the published tables, as on the page and in the workbook."""
    tables = _published(build_tables(report), k)
    return {
        "period": report.indicators["period"],
        "small_cells": {"threshold": k, "primary": primary_mark(k), "complement": COMPLEMENT_MARK},
        "tables": {name: {"title": str(t.title), "headers": [str(h) for h in t.headers], "rows": t.rows,
                          "note": str(t.note), "counts": t.counts} for name, t in tables.items()},
    }


@audited(EXPORT, permission=access.VIEW_DASHBOARDS)
def table_csv(request: HttpRequest) -> HttpResponse:
    try:
        report, choices, k = _report(request)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain; charset=utf-8")
    tables = _published(build_tables(report), k)
    table = tables.get(request.GET.get("table", ""))
    if table is None:
        raise Http404
    return _csv(table, f"{table.name}_{'-'.join(choices['codes'])}_{choices['start']}_{choices['end']}.csv")


def _csv(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow([safe_text(header) for header in table.headers])
    for row in table.rows:
        writer.writerow(["" if cell is None else safe_text(cell) for cell in row])
    return response


# ---------------------------------------------------------------- cohort comparison of the outcomes


def _cohorts(request: HttpRequest):
    """(choices, tables published for the user's threshold, chart, k) of the comparison the request asks."""
    access.require(request.user, access.VIEW_DASHBOARDS)
    mode = request.GET.get("mode", cohorts.FACILITIES)
    params = request.GET.copy()
    params.setdefault("year", str(timezone.localdate().year - 1))  # the last complete year
    params["period"] = "year"
    facilities, period, choices = filters.parse(request.user, params)
    if not facilities:
        raise Http404
    start, end = cohorts.span(mode, facilities, period.start.year)  # ValidationError: a French message
    audit.covered(request, [facility.pk for facility in facilities])
    data = engine.load(facilities, start, end)
    chosen = cohorts.discharge_years(data, end.year) if mode == cohorts.YEARS else \
        cohorts.facilities_side_by_side(data, facilities, end.year)
    results = cohorts.compare(data, chosen, timezone.localdate())
    k = filters.small_cell_threshold(request.user, facilities)
    tables = _published({t.name: t for t in (cohorts.measures_table(results), cohorts.disposition_table(results))}, k)
    choices.update(mode=mode, first_year=chosen.start.year)
    return choices, tables, k


@not_audited("counts, not records; small cells are masked for roles without named access")
def cohort_comparison(request: HttpRequest) -> HttpResponse:
    context = {"all_facilities": _choices(request), "years": list(range(timezone.localdate().year,
                                                                        timezone.localdate().year - 10, -1))}
    try:
        choices, tables, k = _cohorts(request)
    except ValidationError as error:
        context.update(error=" ".join(error.messages), choices={"mode": request.GET.get("mode", "")})
        return render(request, "dashboards/cohorts.html", context, status=400)
    measures = tables["cohort_measures"]
    return render(request, "dashboards/cohorts.html", {
        **context, "choices": choices, "tables": list(tables.values()), "threshold": k,
        "figure": charts.forest(None, cohorts.forest_rows(measures)), "query": request.GET.urlencode(),
    })


@audited(EXPORT, permission=access.VIEW_DASHBOARDS)
def cohort_csv(request: HttpRequest) -> HttpResponse:
    try:
        choices, tables, _k = _cohorts(request)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain; charset=utf-8")
    table = tables.get(request.GET.get("table", ""))
    if table is None:
        raise Http404
    return _csv(table, f"{table.name}_{choices['mode']}_{'-'.join(choices['codes'])}_{choices['year']}.csv")


@audited(EXPORT, permission=access.EXPORT_REPORTS)
def outcome_extract(request: HttpRequest) -> HttpResponse:
    """The pseudonymised outcome extract (ZIP: rows, data dictionary, note), for the roles that may export."""
    access.require(request.user, access.EXPORT_REPORTS)
    try:
        facilities, period, choices = filters.parse(request.user, request.GET)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain; charset=utf-8")
    facilities = selectors.extract_facilities(user=request.user, facilities=facilities)
    if not facilities:
        raise Http404
    audit.covered(request, [facility.pk for facility in facilities])
    content = selectors.outcome_extract(facilities=facilities, period=period, secret_key=settings.SECRET_KEY)
    response = HttpResponse(content, content_type="application/zip")
    name = f"evolution_recherche_{'-'.join(f.code for f in facilities)}_{choices['start']}_{choices['end']}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
