"""Pages of the assessments app: entry forms per instrument, trajectories, alerts, what is due."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from admissions import selectors as admission_selectors
from admissions.models import Child, Stay
from assessments import charts, instruments, selectors, services
from assessments.forms import AcknowledgeForm, AssessmentForm, initial_scores
from assessments.models import Assessment
from assessments.presenters import describe, entry_exit_table
from unit import access
from unit.ages import age_parts, corrected_age_days, corrected_birth_date, is_preterm
from unit.audit import READ, audited, not_audited

# A form page: shown on GET, shown again with its errors on POST (both audited), nothing else.
FORM_METHODS = ("GET", "HEAD", "POST")


@audited(READ)
def index(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.VIEW_RECORDS)
    facility = request.GET.get("facility", "")
    return render(request, "assessments/index.html", {
        "due": selectors.due_for(user=request.user, facility_code=facility),
        "alerts": selectors.alerts_open(user=request.user)[:50],
        "recent": selectors.assessments_visible(user=request.user)[:30],
        "stays": admission_selectors.stays_current(user=request.user),
        "facility": facility, "facilities": access.facilities_for(request.user),
        "can_assess": access.has_permission(request.user, access.EDIT_ASSESSMENTS),
    })


def _stay_for_assessment(request, pk: int) -> Stay:
    return admission_selectors.stay_for_form(user=request.user, pk=pk, permission=access.EDIT_ASSESSMENTS)


@audited(READ, "admissions.stay", pk_kwarg="pk")
def choose_instrument(request: HttpRequest, pk: int) -> HttpResponse:
    stay = _stay_for_assessment(request, pk)
    return render(request, "assessments/choose.html", {"stay": stay, "instruments": instruments.registry().values()})


def _instrument(code: str):
    try:
        return instruments.get(code)
    except KeyError as error:
        raise Http404 from error


def _save_form(request, form, save, success_url_of, context, template="assessments/form.html"):
    if request.method == "POST" and form.is_valid():
        try:
            assessment = save(form)
        except ValidationError as error:
            errors = error.error_dict if hasattr(error, "error_dict") else {"__all__": error.error_list}
            for field, errs in errors.items():
                target = field if field in form.fields else form.score_field_name(field)
                for message in errs:
                    form.add_error(target, message)
        else:
            messages.success(request, _("Évaluation enregistrée."))
            for warning in assessment.warnings:
                messages.warning(request, warning)
            return redirect(success_url_of(assessment))
    note = context["instrument"].note(get_language() or "fr") if "instrument" in context else ""
    return render(request, template, {**context, "form": form, "note": note},
                  status=400 if request.method == "POST" else 200)


@audited(READ, "admissions.stay", pk_kwarg="pk", methods=FORM_METHODS)
def assessment_create(request: HttpRequest, pk: int, instrument: str) -> HttpResponse:
    stay = _stay_for_assessment(request, pk)
    tool = _instrument(instrument)
    adults = admission_selectors.family_adults(family_id=stay.child.family_id)
    form = AssessmentForm(request.POST if request.method == "POST" else None, instrument=tool, stay=stay, adults=adults,
                          initial={"assessed_on": timezone.localdate(), "assessor": request.user.pk})

    def save(form):
        d = form.cleaned_data
        return services.assessment_record(
            user=request.user, stay=stay, instrument_code=tool.code, assessed_on=d["assessed_on"],
            scores=form.scores(), child=stay.child if tool.subject == "child" else None, adult=d.get("adult"),
            assessor=d["assessor"], confirm_out_of_age_range=d["confirm_out_of_age_range"], notes=d["notes"])

    return _save_form(request, form, save, _detail_url, {
        "stay": stay, "instrument": tool,
        "ages": _ages_on(stay.child, _assessment_day(form, timezone.localdate()))})


def _detail_url(assessment: Assessment) -> str:
    return reverse("assessments:assessment_detail", args=[assessment.pk])


def _assessment_day(form, default: date) -> date:
    """The date of passation the form holds (typed, if it reads as a date), else `default`."""
    if form.is_bound:
        bound = form["assessed_on"]
        try:
            return bound.field.clean(bound.data) or default
        except ValidationError:
            return default
    return default


def _ages_today(child: Child) -> dict:
    return _ages_on(child, timezone.localdate())


def _ages_on(child: Child, day: date) -> dict:
    """The child's age on `day` (and the corrected age while it applies): the age the scores are read at."""
    months, days = age_parts(child.birth_date, day)
    result = {"months": months, "days": days, "corrected": None, "on": day}
    if is_preterm(child.gestational_weeks):
        if corrected_age_days(child.birth_date, day, child.gestational_weeks, child.gestational_days,
                              until_months=settings.CORRECTED_AGE_UNTIL_MONTHS) is not None:
            result["corrected"] = age_parts(corrected_birth_date(child.birth_date, child.gestational_weeks,
                                                                 child.gestational_days), day)
    return result


@audited(READ, "assessments.assessment", pk_kwarg="pk")
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_for(user=request.user, pk=pk)
    tool = _instrument(assessment.instrument)
    return render(request, "assessments/detail.html", {
        "assessment": assessment, "instrument": tool, "view": describe(assessment, tool, get_language() or "fr"),
        "alerts": assessment.alerts.all(),
        "can_edit": access.has_permission(request.user, access.EDIT_ASSESSMENTS, assessment.stay.facility_id),
    })


@audited(READ, "assessments.assessment", pk_kwarg="pk", methods=FORM_METHODS)
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_for(user=request.user, pk=pk, permission=access.EDIT_ASSESSMENTS)
    tool = _instrument(assessment.instrument)
    stay = assessment.stay
    adults = admission_selectors.family_adults(family_id=stay.child.family_id)
    initial = {"assessed_on": assessment.assessed_on, "assessor": assessment.assessor_id, "notes": assessment.notes,
               "adult": assessment.adult_id, "version": assessment.version,
               "confirm_out_of_age_range": assessment.out_of_age_range_confirmed}
    initial.update(initial_scores(tool, assessment.scores))
    form = AssessmentForm(request.POST if request.method == "POST" else None, instrument=tool, stay=stay,
                          adults=adults, versioned=True,
                          initial=initial)

    def save(form):
        d = form.cleaned_data
        return services.assessment_update(
            user=request.user, assessment=assessment, assessed_on=d["assessed_on"], scores=form.scores(),
            expected_version=d["version"], confirm_out_of_age_range=d["confirm_out_of_age_range"],
            notes=d["notes"])

    return _save_form(request, form, save, _detail_url, {
        "stay": stay, "instrument": tool, "editing": assessment,
        "ages": _ages_on(stay.child, _assessment_day(form, assessment.assessed_on))})


@audited(READ, "admissions.child", pk_kwarg="pk")
def child_trajectory(request: HttpRequest, pk: int) -> HttpResponse:
    child = admission_selectors.child_with_family(user=request.user, pk=pk)
    assessments = selectors.child_assessments(user=request.user, child_id=child.pk)
    lang = get_language() or "fr"
    registry = instruments.registry()
    sections = []
    for code, tool in registry.items():
        rows = [a for a in assessments if a.instrument == code]
        if not rows or not tool.trajectory:
            continue
        points = [charts.Point(a.corrected_age_days if a.corrected_age_days is not None else (a.age_days or 0),
                               a.corrected_age_days is not None, {**a.scores, **a.derived}) for a in rows]
        sections.append({
            "instrument": tool, "figure": charts.trajectory_figure(tool, points, lang=lang),
            "figure_id": f"figure-{code}", "rows": [describe(a, tool, lang) for a in rows],
            "columns": [tool.score_label(score, lang) for score in tool.trajectory],
            "entry_exit": entry_exit_table(rows, tool, lang),
        })
    return render(request, "assessments/trajectory.html", {"child": child, "sections": sections,
                                                           "ages": _ages_today(child)})


@audited(READ)
def alerts(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.VIEW_RECORDS)
    show = request.GET.get("show", "open")
    qs = selectors.alerts_open(user=request.user) if show == "open" else selectors.alerts_all(user=request.user)
    return render(request, "assessments/alerts.html", {"alerts": qs[:200], "show": show, "form": AcknowledgeForm()})


@not_audited("a write that always answers with a redirect")
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_for(user=request.user, pk=pk, permission=access.EDIT_ASSESSMENTS)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.alert_acknowledge(user=request.user, alert=alert, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Alerte prise en compte."))
    else:
        messages.error(request, " ".join(form.errors["note"]))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "assessments:alerts"
    return redirect(target)
