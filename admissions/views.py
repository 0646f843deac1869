"""Pages of the admissions pathway: parse, call one service, respond."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from admissions import eligibility, forms, hooks, selectors, services
from admissions.models import (
    AdmissionRequest,
    Adult,
    Child,
    Family,
    Stay,
)
from admissions.rules import Period, admission_mode
from unit import access, audit
from unit.audit import READ, audited, not_audited
from unit.history import ConflictError
from unit.registry import registry


def _attach(form, error: ValidationError) -> None:
    """Show a service's refusal on the form, on the field it names when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _form_page(request: HttpRequest, form, *, template: str, context: dict, save: Callable, success: str,
               redirect_to: Callable) -> HttpResponse:
    """Validate `form`, call `save(cleaned_data)` (a service), redirect; errors keep every input."""
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ConflictError as error:
            conflict = error.current
            _attach(form, error)
            # The next save is made knowingly over the version now shown.
            form.data = form.data.copy()
            form.data["version"] = conflict.version
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, success)
            return redirect(redirect_to(result))
    conflict_rows = [(bound.label, _display(conflict, bound.name), _posted(bound))
                     for bound in form.visible_fields()] if conflict else []
    return render(request, template, {**context, "form": form, "conflict": conflict,
                                      "conflict_rows": conflict_rows},
                  status=400 if request.method == "POST" else 200)


def _posted(bound) -> str:
    """What the user typed, written as the stored value beside it is: dd/mm/yyyy, a code by its label."""
    value = bound.value()
    if value in (None, "", []):
        return ""
    if isinstance(bound.field, django_forms.DateField):
        try:
            return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if isinstance(bound.field, django_forms.ChoiceField):
        labels = {}
        for key, label in bound.field.choices:
            if isinstance(label, list | tuple):  # a group of choices
                labels.update({str(k): str(v) for k, v in label})
            else:
                labels[str(key)] = str(label)
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if isinstance(bound.field, django_forms.BooleanField):
        return _("oui") if value else _("non")
    return str(value)


def _display(obj, name: str) -> str:
    display = getattr(obj, f"get_{name}_display", None)
    value = display() if display else getattr(obj, name, "")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


# A form page: shown on GET, shown again with its errors on POST (both audited), nothing else.
FORM_METHODS = ("GET", "HEAD", "POST")

# ---------------------------------------------------------------- lists


@audited(READ)
def index(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.VIEW_RECORDS)
    status = request.GET.get("status", "")
    facility = request.GET.get("facility", "")
    context = {
        "requests": selectors.requests_visible(user=request.user, status=status, facility_code=facility)[:200],
        "occupancy": selectors.occupancy_by_facility(user=request.user),
        "status": status,
        "facility": facility,
        "facilities": access.facilities_for(request.user),
        "can_edit": access.has_permission(request.user, access.EDIT_ADMISSIONS),
    }
    return render(request, "admissions/index.html", context)


@audited(READ)
def waiting_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.VIEW_RECORDS)
    facility = request.GET.get("facility", "")
    today = timezone.localdate()
    rows = [{"request": r, "wait_days": (today - r.received_on).days}
            for r in selectors.waiting_list(user=request.user, facility_code=facility)]
    return render(request, "admissions/waiting_list.html", {
        "rows": rows, "facility": facility, "facilities": access.facilities_for(request.user)})


@audited(READ)
def board(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.VIEW_RECORDS)
    return render(request, "admissions/board.html", {
        "board": selectors.board(user=request.user, facility_code=request.GET.get("facility", ""))})


@audited(READ, "admissions.family", search_params=("q",))
def families(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.VIEW_RECORDS)
    query = request.GET.get("q", "").strip()
    qs = selectors.families_visible(user=request.user, query=query)
    return render(request, "admissions/families.html", {"families": qs[:200], "q": query,
                                                        "can_edit": access.has_permission(request.user,
                                                                                          access.EDIT_ADMISSIONS)})


# ---------------------------------------------------------------- family, children, adults


@not_audited("an empty form; on an error it shows back what the user typed")
def family_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.EDIT_ADMISSIONS)
    facilities = access.facilities_for(request.user, access.EDIT_ADMISSIONS)
    form = forms.FamilyForm(request.POST if request.method == "POST" else None, facilities=facilities,
                            reference_taken=lambda reference: selectors.family_reference_taken(user=request.user,
                                                                                               reference=reference))
    return _redirecting_form(
        request, form, "admissions/form.html", {"title": _("Nouveau dossier famille")},
        lambda d: services.family_create(user=request.user, facility=d["facility"], reference=d["reference"],
                                         notes=d["notes"]),
        _("Dossier créé."), "admissions:family_detail")


def _redirecting_form(request, form, template, context, save, success, url_name, pk_of=lambda obj: obj.pk):
    return _form_page(request, form, template=template, context=context, save=save, success=success,
                      redirect_to=lambda obj: _url(url_name, pk_of(obj)))


def _url(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


@audited(READ, "admissions.family", pk_kwarg="pk")
def family_detail(request: HttpRequest, pk: int) -> HttpResponse:
    family = selectors.family_detail(user=request.user, pk=pk)
    audit.known_facility(request, family, family.facility_id)
    return render(request, "admissions/family_detail.html", {
        "family": family, "alerts": selectors.open_alerts(user=request.user, family_id=family.pk),
        "sections": [section(request, family=family) for section in registry.contributions(hooks.FAMILY_SECTIONS)],
        "links": selectors.family_links(user=request.user, family=family),
        "can_edit": bool(access.facilities_of(family) & access.facility_ids(request.user, access.EDIT_ADMISSIONS)),
    })


@audited(READ, "admissions.family", pk_kwarg="pk", methods=FORM_METHODS)
def child_add(request: HttpRequest, pk: int) -> HttpResponse:
    family = access.object_for(user=request.user, queryset_or_model=Family, pk=pk, permission=access.EDIT_ADMISSIONS)
    form = forms.ChildForm(request.POST if request.method == "POST" else None)
    return _redirecting_form(
        request, form, "admissions/form.html", {"title": _("Ajouter un enfant"), "family": family},
        lambda d: services.child_add(user=request.user, family=family, **d),
        _("Enfant ajouté."), "admissions:family_detail", pk_of=lambda child: family.pk)


@audited(READ, "admissions.family", pk_kwarg="pk", methods=FORM_METHODS)
def adult_add(request: HttpRequest, pk: int) -> HttpResponse:
    family = access.object_for(user=request.user, queryset_or_model=Family, pk=pk, permission=access.EDIT_ADMISSIONS)
    form = forms.AdultForm(request.POST if request.method == "POST" else None)
    return _redirecting_form(
        request, form, "admissions/form.html", {"title": _("Ajouter un adulte"), "family": family},
        lambda d: services.adult_add(user=request.user, family=family, **d),
        _("Adulte ajouté."), "admissions:family_detail", pk_of=lambda adult: family.pk)


def _edit(request, obj, form_class, fields, title, url_name, back_pk, *, update: Callable):
    """A correction page: `update` is the record's `<entity>_update` service, bound to the record."""
    initial = {field: getattr(obj, field) for field in fields}
    initial["version"] = obj.version
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    notice = ""
    if not services.identity_editable(request.user, obj):
        # A partner facility sees who the person is but corrects it through the facility that opened the dossier.
        form.freeze(obj.IDENTITY_FIELDS)
        notice = services.identity_refusal(obj.family)
    return _redirecting_form(
        request, form, "admissions/form.html", {"title": title, "object": obj, "notice": notice},
        lambda d: update(user=request.user, expected_version=d["version"], reason=_("Correction du dossier"),
                         **{f: d[f] for f in fields}),
        _("Modifications enregistrées."), url_name, pk_of=lambda _obj: back_pk)


CHILD_FIELDS = ["first_name", "last_name", "sex", "birth_date", "gestational_weeks", "gestational_days",
                "birth_weight_g"]
ADULT_FIELDS = ["role", "first_name", "last_name", "birth_date", "nationality", "region"]


@audited(READ, "admissions.child", pk_kwarg="pk", methods=FORM_METHODS)
def child_edit(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.object_for(user=request.user, queryset_or_model=Child, pk=pk, permission=access.EDIT_ADMISSIONS)
    return _edit(request, child, forms.ChildEditForm, CHILD_FIELDS, _("Modifier l'enfant"),
                 "admissions:family_detail", child.family_id, update=partial(services.child_update, child=child))


@audited(READ, "admissions.adult", pk_kwarg="pk", methods=FORM_METHODS)
def adult_edit(request: HttpRequest, pk: int) -> HttpResponse:
    adult = access.object_for(user=request.user, queryset_or_model=Adult, pk=pk, permission=access.EDIT_ADMISSIONS)
    return _edit(request, adult, forms.AdultEditForm, ADULT_FIELDS, _("Modifier l'adulte"),
                 "admissions:family_detail", adult.family_id, update=partial(services.adult_update, adult=adult))


# ---------------------------------------------------------------- requests


@audited(READ, "admissions.family", pk_kwarg="pk", methods=FORM_METHODS)
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    family = access.object_for(user=request.user, queryset_or_model=Family, pk=pk, permission=access.EDIT_ADMISSIONS)
    facilities = access.facilities_for(request.user, access.EDIT_ADMISSIONS)
    form = forms.RequestForm(request.POST if request.method == "POST" else None, facilities=facilities, family=family,
                             initial={"received_on": timezone.localdate(), "facility": family.facility_id})

    def save(d):
        return services.request_create(
            user=request.user, facility=d["facility"], family=family, received_on=d["received_on"],
            requester=d["requester"], referrer_category=d["referrer_category"],
            referrer_organisation=form.referrer(request.user), referrer_contact=d["referrer_contact"],
            reason=d["reason"], mandate=d["mandate"], children=d["children"],
            expected_due_date=d["expected_due_date"], planned_admission_on=d["planned_admission_on"])

    referrers = selectors.referrer_organisation_names()
    return _redirecting_form(request, form, "admissions/form.html",
                             {"title": _("Nouvelle demande d'admission"), "family": family, "referrers": referrers},
                             save, _("Demande enregistrée."), "admissions:request_detail")


def _full_warning(req) -> str:
    """What to say before a decision when the unit has no free place on the planned admission day (or today)."""
    full = selectors.unit_full_for(request=req, today=timezone.localdate())
    if full is None:
        return ""
    day, taken, places = full
    return _("L'unité est complète le %(date)s (places occupées : %(taken)s / %(places)s).") % {
        "date": day.strftime("%d/%m/%Y"), "taken": taken, "places": places}


def _request_forms(request: HttpRequest, req, data=None, which: str = ""):
    rows = list(selectors.criteria_of(facility_id=req.facility_id))
    initial = {f"c_{code}": answer for code, answer in (req.eligibility_answers or {}).items()}
    initial.update(version=req.version, planned_admission_on=req.planned_admission_on)
    eligibility_form = forms.EligibilityForm(data if which == "eligibility" else None, criteria=rows,
                                             initial=initial)
    decision_form = forms.DecisionForm(data if which == "decision" else None, full=_full_warning(req),
                                       initial={"version": req.version, "decided_on": timezone.localdate(),
                                                "decision": req.decision})
    children = selectors.admissible_children(admission_request=req)
    # Every child of the request not admitted from it yet is ticked.
    admitted = {stay.child_id for stay in selectors.request_stays(admission_request=req)}
    admit_form = forms.AdmitForm(data if which == "admit" else None, children=children,
                                 adults=selectors.family_adults(family_id=req.family_id),
                                 initial={"admitted_on": timezone.localdate(), "mandate": req.mandate,
                                          "children": [c.pk for c in children if c.pk not in admitted]})
    return rows, eligibility_form, decision_form, admit_form


@audited(READ, "admissions.admissionrequest", pk_kwarg="pk")
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_detail(user=request.user, pk=pk)
    can_edit = access.has_permission(request.user, access.EDIT_ADMISSIONS, req.facility_id)
    return _render_request(request, req, can_edit=can_edit)


def _render_request(request, req, *, can_edit: bool, which: str = "", bound_form=None, full: bool = False):
    rows, eligibility_form, decision_form, admit_form = _request_forms(request, req)
    context_forms = {"eligibility_form": eligibility_form, "decision_form": decision_form, "admit_form": admit_form}
    if bound_form is not None:
        context_forms[f"{which}_form"] = bound_form
    details = req.eligibility_details or {}
    answers, computed = req.eligibility_answers or {}, details.get("computed", {})
    computed_rows = [{"criterion": c, "answer": answers.get(c.code, "unknown"),
                      "why": eligibility.explain(computed.get(c.code))} for c in rows if c.rule != "manual"]
    return render(request, "admissions/request_detail.html", {
        "req": req, "criteria": rows, "details": details, "computed_rows": computed_rows,
        "answers": req.eligibility_answers or {}, **context_forms, "can_edit": can_edit,
        "stays": selectors.request_stays(admission_request=req),
        "full": full, "open": which,
    }, status=400 if bound_form is not None else 200)


def _post_on_request(request: HttpRequest, pk: int, which: str, act: Callable) -> HttpResponse:
    req = selectors.request_detail(user=request.user, pk=pk, permission=access.EDIT_ADMISSIONS)
    _rows, eligibility_form, decision_form, admit_form = _request_forms(request, req, request.POST,
                                                                                    which)
    form = {"eligibility": eligibility_form, "decision": decision_form, "admit": admit_form}[which]
    full = False
    if form.is_valid():
        try:
            message = act(req, form)
        except services.CapacityError as error:
            full = True
            _attach(form, error)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, message)
            return redirect("admissions:request_detail", pk=req.pk)
    # Re-render with the bound form so that nothing typed is lost.
    req.refresh_from_db()
    return _render_request(request, req, can_edit=True, which=which, bound_form=form, full=full)


@audited(READ, "admissions.admissionrequest", pk_kwarg="pk", methods=("POST",))
def request_eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    def act(req, form):
        verdict = services.request_check_eligibility(
            user=request.user, request=req, answers=form.answers(),
            planned_admission_on=form.cleaned_data["planned_admission_on"],
            expected_version=form.cleaned_data["version"])
        return _("Vérification enregistrée : %(verdict)s.") % {"verdict": _verdict_label(verdict.verdict)}

    return _post_on_request(request, pk, "eligibility", act)


@not_audited("the verdict that typed answers would give: criteria labels, no record's data")
@require_POST
def request_evaluate(request: HttpRequest, pk: int) -> JsonResponse:
    """The verdict the current answers would give, for the live display; writes nothing."""
    req = selectors.request_detail(user=request.user, pk=pk, permission=access.EDIT_ADMISSIONS)
    answers = {key[2:]: value for key, value in request.POST.items() if key.startswith("c_")}
    planned = forms.DATE_WIDGET.value_from_datadict(request.POST, {}, "planned_admission_on")
    try:
        planned_on = date.fromisoformat(planned) if planned else None
    except ValueError:
        planned_on = None
    verdict = services.request_evaluate(req, answers, planned_on)
    labels = {c.code: c.label for c in services.request_criteria(req)}
    return JsonResponse({
        "verdict": verdict.verdict, "label": _verdict_label(verdict.verdict),
        "failing": [labels.get(code, code) for code in verdict.failing],
        "missing": [labels.get(code, code) for code in verdict.missing],
    })


def _verdict_label(code: str) -> str:
    return str(dict(AdmissionRequest.Verdict.choices).get(code, code))


@audited(READ, "admissions.admissionrequest", pk_kwarg="pk", methods=("POST",))
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    def act(req, form):
        d = form.cleaned_data
        services.request_decide(user=request.user, request=req, decision=d["decision"], decided_on=d["decided_on"],
                                refusal_reason=d["refusal_reason"], note=d["note"],
                                override_reason=d["override_reason"], expected_version=d["version"])
        return _("Décision enregistrée.")

    return _post_on_request(request, pk, "decision", act)


@audited(READ, "admissions.admissionrequest", pk_kwarg="pk", methods=("POST",))
def request_admit(request: HttpRequest, pk: int) -> HttpResponse:
    def act(req, form):
        d = form.cleaned_data
        stays = services.stays_admit(user=request.user, facility=req.facility, children=list(d["children"]),
                                     request=req, admitted_on=d["admitted_on"], planned_end_on=d["planned_end_on"],
                                     residence_before=d["residence_before"], mandate=d["mandate"],
                                     override_reason=d["override_reason"], adults=list(d["parents"]))
        return _("%(children)s admis(e)(s) le %(date)s.") % {
            "children": ", ".join(str(stay.child) for stay in stays),
            "date": stays[0].admitted_on.strftime("%d/%m/%Y")}

    return _post_on_request(request, pk, "admit", act)


# ---------------------------------------------------------------- stays


@audited(READ, "admissions.stay", pk_kwarg="pk")
def stay_detail(request: HttpRequest, pk: int) -> HttpResponse:
    stay = selectors.stay_detail(user=request.user, pk=pk)
    audit.known_facility(request, stay, stay.facility_id)
    until = stay.discharged_on or timezone.localdate()
    periods = [p for p in stay.presence_periods.all()]
    mode = admission_mode([Period(p.adult.role, p.start, p.end) for p in periods], stay.admitted_on, until)
    can_admissions = access.has_permission(request.user, access.EDIT_ADMISSIONS, stay.facility_id)
    can_care = access.has_permission(request.user, access.EDIT_CARE, stay.facility_id)
    return render(request, "admissions/stay_detail.html", {
        "stay": stay, "mode": mode, "timeline": selectors.stay_timeline(stay=stay),
        "alerts": selectors.open_alerts(user=request.user, stay_id=stay.pk),
        "links": selectors.stay_links(user=request.user, stay=stay),
        "can_assess": access.has_permission(request.user, access.EDIT_ASSESSMENTS, stay.facility_id),
        "can_admissions": can_admissions, "can_care": can_care,
        "days": (until - stay.admitted_on).days,
        "sections": [section(request, stay=stay) for section in registry.contributions(hooks.STAY_SECTIONS)],
    })


def _stay_form(request, pk, permission, form_class, title, success, save, extra_context=None, **form_kwargs):
    stay = selectors.stay_for_form(user=request.user, pk=pk, permission=permission)
    data = request.POST if request.method == "POST" else None
    form = form_class(data, **{k: (stay if v is Stay else v) for k, v in form_kwargs.items()})
    return _redirecting_form(request, form, "admissions/form.html",
                             {"title": title, "stay": stay, **(extra_context or {})},
                             lambda d: save(stay, form, d), success, "admissions:stay_detail",
                             pk_of=lambda _obj: stay.pk)


@audited(READ, "admissions.stay", pk_kwarg="pk", methods=FORM_METHODS)
def stay_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stay = access.object_for(user=request.user, queryset_or_model=Stay, pk=pk, permission=access.EDIT_ADMISSIONS)
    fields = ["planned_end_on", "residence_before", "mandate"]
    return _edit(request, stay, forms.StayEditForm, fields, _("Modifier le séjour"), "admissions:stay_detail",
                 stay.pk, update=partial(services.stay_update, stay=stay))


@audited(READ, "admissions.stay", pk_kwarg="pk", methods=FORM_METHODS)
def stay_admission_date(request: HttpRequest, pk: int) -> HttpResponse:
    stay = access.object_for(user=request.user, queryset_or_model=Stay, pk=pk, permission=access.EDIT_ADMISSIONS)
    form = forms.AdmissionDateForm(request.POST if request.method == "POST" else None,
                                   initial={"admitted_on": stay.admitted_on, "version": stay.version})
    return _redirecting_form(
        request, form, "admissions/form.html", {"title": _("Corriger la date d'admission"), "object": stay},
        lambda d: services.stay_admission_correct(user=request.user, stay=stay, admitted_on=d["admitted_on"],
                                                  reason=d["reason"], expected_version=d["version"]),
        _("Date d'admission corrigée."), "admissions:stay_detail")


@audited(READ, "admissions.stay", pk_kwarg="pk", methods=FORM_METHODS)
def presence_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _stay_form(request, pk, access.EDIT_ADMISSIONS, forms.PresenceForm, _("Présence d'un parent"),
                      _("Présence enregistrée."),
                      lambda stay, form, d: services.presence_add(user=request.user, stay=stay, adult=d["adult"],
                                                                  start=d["start"], end=d["end"]),
                      stay=Stay)


@audited(READ, "admissions.presenceperiod", pk_kwarg="pk", methods=FORM_METHODS)
def presence_end(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.presence_for_form(user=request.user, pk=pk, permission=access.EDIT_ADMISSIONS)
    form = forms.PresenceEndForm(request.POST if request.method == "POST" else None,
                                 initial={"end": timezone.localdate()})
    return _redirecting_form(request, form, "admissions/form.html", {"title": _("Fin de présence")},
                             lambda d: services.presence_end(user=request.user, period=period, end=d["end"]),
                             _("Présence close."), "admissions:stay_detail", pk_of=lambda p: p.stay_id)


@audited(READ, "admissions.stay", pk_kwarg="pk", methods=FORM_METHODS)
def diagnosis_add(request: HttpRequest, pk: int) -> HttpResponse:
    def save(stay, form, d):
        return services.diagnosis_add(user=request.user, stay=stay, timepoint=d["timepoint"],
                                      classification=d["classification"], code=d["code"], label=d["label"],
                                      primary=d["primary"], made_on=d["made_on"], **form.subject_kwargs())

    codes = selectors.diagnosis_codes_active()
    return _stay_form(request, pk, access.EDIT_CARE, forms.DiagnosisForm, _("Diagnostic"),
                      _("Diagnostic enregistré."), save, extra_context={"diagnosis_codes": codes}, stay=Stay)


@audited(READ, "admissions.stay", pk_kwarg="pk", methods=FORM_METHODS)
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _stay_form(request, pk, access.EDIT_CARE, forms.MeetingForm, _("Réunion de synthèse"),
                      _("Réunion enregistrée."),
                      lambda stay, form, d: services.meeting_add(user=request.user, stay=stay, **d))


@audited(READ, "admissions.stay", pk_kwarg="pk", methods=FORM_METHODS)
def intervention_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _stay_form(request, pk, access.EDIT_CARE, forms.InterventionForm, _("Intervention"),
                      _("Intervention enregistrée."),
                      lambda stay, form, d: services.intervention_add(
                          user=request.user, facility=stay.facility, family=stay.child.family, stay=stay,
                          professional=request.user, **d))


@audited(READ, "admissions.stay", pk_kwarg="pk", methods=FORM_METHODS)
def signalement_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _stay_form(request, pk, access.EDIT_CARE, forms.SignalementForm, _("Signalement"),
                      _("Signalement enregistré."),
                      lambda stay, form, d: services.signalement_add(
                          user=request.user, facility=stay.facility, family=stay.child.family, stay=stay, **d))


@audited(READ, "admissions.stay", pk_kwarg="pk", methods=FORM_METHODS)
def stay_discharge(request: HttpRequest, pk: int) -> HttpResponse:
    stay = access.object_for(user=request.user, queryset_or_model=Stay, pk=pk, permission=access.EDIT_ADMISSIONS)
    form = forms.DischargeForm(request.POST if request.method == "POST" else None, stay=stay,
                               initial={"version": stay.version, "discharged_on": timezone.localdate()})
    return _redirecting_form(
        request, form, "admissions/form.html", {"title": _("Sortie"), "stay": stay},
        lambda d: services.stay_discharge(user=request.user, stay=stay, discharged_on=d["discharged_on"],
                                          discharge_kind=d["discharge_kind"], residence_after=d["residence_after"],
                                          expected_version=d["version"]),
        _("Sortie enregistrée."), "admissions:stay_detail", pk_of=lambda s: s.pk)


@not_audited("the list of diagnosis codes: no record")
def diagnosis_codes(request: HttpRequest) -> JsonResponse:
    """Codes matching `q` for the picker (ICD-11 shipped, other lists loaded by the organisation)."""
    access.require(request.user, access.EDIT_CARE)
    codes = selectors.diagnosis_codes_matching(classification=request.GET.get("classification", ""),
                                               query=request.GET.get("q", "").strip())
    rows = [{"classification": c.classification, "code": c.code, "label": c.label_fr or c.label_en}
            for c in codes]
    return JsonResponse({"results": rows})
