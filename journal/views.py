"""Pages of the daily record: parse, call one service, respond."""

from __future__ import annotations

import csv
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from admissions import selectors as admission_selectors
from admissions.models import Stay
from documents import services as document_services
from documents.models import DocumentKind
from journal import chronology, forms, note_templates, pdf, selectors, services, summary
from unit import access, audit
from unit import views as unit_views
from unit.audit import EXPORT, READ, audited, not_audited
from unit.cells import safe_text
from unit.history import ConflictError

FORM_METHODS = ("GET", "HEAD", "POST")


def _attach(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _form_page(request: HttpRequest, form, *, context: dict, save: Callable[[dict], object], success: str,
               back: str, template: str = "journal/note_form.html") -> HttpResponse:
    """Validate `form`, call `save(cleaned_data)` (a service), redirect to `back`; errors keep every input."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ConflictError as error:
            _attach(form, error)
            form.data = form.data.copy()
            form.data["version"] = error.current.version
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, success)
            return redirect(back)
    return render(request, template, {**context, "form": form},
                  status=400 if request.method == "POST" else 200)


def _template_initial(request: HttpRequest, facility_id: int) -> tuple[list, dict]:
    """The facility's templates, and the initial values of the form when one is chosen (?template=)."""
    now = timezone.localtime()
    initial = {"written_on": now.date(), "written_time": now.time().replace(second=0, microsecond=0)}
    templates = selectors.templates_for(facility_id=facility_id)
    chosen = next((t for t in templates if t.key == request.GET.get("template")), None)
    if chosen is not None:
        initial |= {"kind": chosen.kind, "text": note_templates.body(chosen.headings)}
    return templates, initial | {"chosen": chosen}


# ---------------------------------------------------------------- a stay's journal


@audited(READ, "admissions.stay", pk_kwarg="pk")
def stay_journal(request: HttpRequest, pk: int) -> HttpResponse:
    stay = admission_selectors.stay_for_form(user=request.user, pk=pk, permission=access.VIEW_RECORDS)
    audit.known_facility(request, stay, stay.facility_id)
    return render(request, "journal/journal.html", {
        "stay": stay, "family": stay.child.family,
        "notes": selectors.notes_of_stay(user=request.user, stay_id=stay.pk),
        "can_write": access.has_permission(request.user, access.EDIT_CARE, stay.facility_id),
        "new_url": reverse("journal:stay_note_create", args=[stay.pk]),
        "csv_url": reverse("journal:stay_journal_csv", args=[stay.pk]),
    })


@audited(READ, "admissions.stay", pk_kwarg="pk", methods=FORM_METHODS)
def stay_note_create(request: HttpRequest, pk: int) -> HttpResponse:
    stay = admission_selectors.stay_for_form(user=request.user, pk=pk, permission=access.EDIT_CARE)
    templates, initial = _template_initial(request, stay.facility_id)
    form = forms.NoteForm(request.POST if request.method == "POST" else None, initial=initial)
    back = reverse("journal:stay_journal", args=[stay.pk])
    return _form_page(request, form, context={"stay": stay, "family": stay.child.family, "templates": templates,
                                              "chosen": initial["chosen"], "title": _("Nouvelle note")},
                      save=lambda d: services.note_write(
                          user=request.user, stay=stay, kind=d["kind"], written_at=form.written_at(),
                          text=d["text"], confidentiality=d["confidentiality"]),
                      success=_("Note enregistrée."), back=back)


@audited(EXPORT, "admissions.stay", pk_kwarg="pk")
def stay_journal_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The stay's journal as the user reads it (restricted notes only for their readers), one note a line."""
    stay = admission_selectors.stay_for_form(user=request.user, pk=pk, permission=access.VIEW_RECORDS)
    audit.known_facility(request, stay, stay.facility_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="journal-sejour-{stay.pk}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with its mark
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Date et heure"), _("Type de note"), _("Auteur"), _("Confidentialité"), _("Texte")])
    for note in selectors.notes_of_stay(user=request.user, stay_id=stay.pk):
        writer.writerow([timezone.localtime(note.written_at).strftime("%d/%m/%Y %H:%M"),
                         safe_text(note.get_kind_display()), safe_text(note.author.get_username()),
                         safe_text(note.get_confidentiality_display()), safe_text(note.text)])
    return response


# ---------------------------------------------------------------- a family's journal


@audited(READ, "admissions.family", pk_kwarg="pk")
def family_journal(request: HttpRequest, pk: int) -> HttpResponse:
    family = admission_selectors.family_detail(user=request.user, pk=pk)
    audit.known_facility(request, family, family.facility_id)
    can_write = bool(access.facilities_of(family) & access.facility_ids(request.user, access.EDIT_CARE))
    return render(request, "journal/journal.html", {
        "family": family, "notes": selectors.notes_of_family(user=request.user, family_id=family.pk),
        "can_write": can_write, "new_url": reverse("journal:family_note_create", args=[family.pk]),
    })


@audited(READ, "admissions.family", pk_kwarg="pk", methods=FORM_METHODS)
def family_note_create(request: HttpRequest, pk: int) -> HttpResponse:
    family = admission_selectors.family_detail(user=request.user, pk=pk)
    facilities = selectors.family_note_facilities(user=request.user, family=family)
    first = facilities.first()
    if first is None:
        raise PermissionDenied
    templates, initial = _template_initial(request, first.pk)
    form = forms.FamilyNoteForm(request.POST if request.method == "POST" else None, initial=initial,
                                facilities=facilities)
    back = reverse("journal:family_journal", args=[family.pk])
    return _form_page(request, form, context={"family": family, "templates": templates,
                                              "chosen": initial["chosen"], "title": _("Nouvelle note")},
                      save=lambda d: services.note_write(
                          user=request.user, family=family, facility=d["facility"], kind=d["kind"],
                          written_at=form.written_at(), text=d["text"], confidentiality=d["confidentiality"]),
                      success=_("Note enregistrée."), back=back)


# ---------------------------------------------------------------- correction, search


@audited(READ, "journal.note", pk_kwarg="pk", methods=FORM_METHODS)
def note_correct(request: HttpRequest, pk: int) -> HttpResponse:
    note = selectors.note_for_correction(user=request.user, pk=pk)
    audit.known_facility(request, note, note.facility_id)
    if note.author_id != request.user.pk or not access.has_permission(request.user, access.EDIT_CARE,
                                                                      note.facility_id):
        raise PermissionDenied  # only its author corrects a note; others read its history
    local = timezone.localtime(note.written_at)
    initial = {"kind": note.kind, "confidentiality": note.confidentiality, "text": note.text,
               "written_on": local.date(), "written_time": local.time().replace(second=0, microsecond=0),
               "version": note.version}
    form = forms.NoteCorrectionForm(request.POST if request.method == "POST" else None, initial=initial)
    back = (reverse("journal:stay_journal", args=[note.stay_id]) if note.stay_id
            else reverse("journal:family_journal", args=[note.family_id]))
    return _form_page(request, form, context={"stay": note.stay, "family": note.family, "note": note,
                                              "title": _("Corriger la note")},
                      save=lambda d: services.note_correct(
                          user=request.user, note=note, expected_version=d["version"], reason=d["reason"],
                          kind=d["kind"], written_at=form.written_at(), text=d["text"],
                          confidentiality=d["confidentiality"]),
                      success=_("Correction enregistrée ; la version précédente reste dans l'historique."),
                      back=back)


@audited(READ, "journal.note", search_params=("q", "kind", "since", "until", "facility"))
def search(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.VIEW_RECORDS)
    form = forms.NoteSearchForm(request.GET or None)
    notes = None
    if form.is_valid() and any(form.cleaned_data.values()):
        d = form.cleaned_data
        notes = selectors.note_search(user=request.user, text=d["q"], kind=d["kind"], since=d["since"],
                                      until=d["until"], facility_code=request.GET.get("facility", ""))
    return render(request, "journal/search.html", {"form": form, "notes": notes, "limit": selectors.SEARCH_LIMIT})


# ---------------------------------------------------------------- chronology


@audited(READ, "admissions.stay", pk_kwarg="pk")
def stay_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    """One timeline of the stay, filterable by kind (?kind=…, several allowed), printable."""
    stay, alerts, notes = selectors.chronology(user=request.user, stay_id=pk)
    audit.known_facility(request, stay, stay.facility_id)
    kinds = chronology.chosen_kinds(request.GET.getlist("kind"))
    events = [e for e in chronology.events_of_stay(stay, alerts=alerts, notes=notes) if e.kind in kinds]
    return render(request, "journal/chronology.html", {
        "stay": stay, "family": stay.child.family, "events": events, "kinds": chronology.KINDS.items(),
        "chosen": kinds, "printed_at": timezone.localtime()})


@audited(READ, "admissions.family", pk_kwarg="pk")
def family_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    """One timeline of the family across its stays (and its own notes and documents), filterable, printable."""
    data = selectors.family_chronology(user=request.user, family_id=pk)
    family = data["family"]
    audit.known_facility(request, family, family.facility_id)
    kinds = chronology.chosen_kinds(request.GET.getlist("kind"))
    events = [e for e in chronology.events_of_family(family, stays=data["stays"], requests=data["requests"],
                                                     alerts=data["alerts"], notes=data["notes"],
                                                     documents=data["documents"]) if e.kind in kinds]
    return render(request, "journal/family_chronology.html", {
        "family": family, "events": events, "kinds": chronology.KINDS.items(), "chosen": kinds,
        "stays": data["stays"], "printed_at": timezone.localtime()})


# ---------------------------------------------------------------- stay summary and discharge letter

CONFIDENTIALITY = gettext_lazy(
    "Document confidentiel — données de santé couvertes par le secret professionnel. "
    "Ne pas diffuser au-delà de ses destinataires.")
PDF_UNAVAILABLE = gettext_lazy(
    "La génération des PDF n'est pas installée sur ce serveur (WeasyPrint et les bibliothèques "
    "Pango du système). Un administrateur l'installe avec « make pdf-deps » puis « make install ». "
    "En attendant, la page de synthèse s'imprime depuis le navigateur.")


def _summary_context(request: HttpRequest, data: dict, *, letter: bool) -> dict:
    stay, today = data["stay"], timezone.localdate()
    if letter:
        sections = summary.letter_sections(stay, goals=data["goals"], code_labels=data["code_labels"], today=today)
    else:
        sections = summary.summary_sections(stay, goals=data["goals"], meetings=data["meetings"],
                                            code_labels=data["code_labels"], today=today)
    return {"stay": stay, "family": stay.child.family, "s": sections, "letter": letter,
            "title": _("Lettre de sortie") if letter else _("Synthèse du séjour"),
            "printed_at": timezone.localtime(), "confidentiality": CONFIDENTIALITY,
            "network_sharing": data["network_sharing"]}


def _letter_pdf(request: HttpRequest, data: dict, *, letter: bool) -> bytes:
    html = render_to_string("journal/summary/pdf.html", _summary_context(request, data, letter=letter),
                            request=request)
    return pdf.render(html)


@audited(READ, "admissions.stay", pk_kwarg="pk")
def stay_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The stay summary as a page (printable from the browser), with its PDF and the discharge letter."""
    data = selectors.stay_summary(user=request.user, stay_id=pk)
    stay = data["stay"]
    audit.known_facility(request, stay, stay.facility_id)
    return render(request, "journal/summary.html", {
        **_summary_context(request, data, letter=False), "pdf_available": pdf.available(),
        "pdf_unavailable": PDF_UNAVAILABLE,
        "can_file": access.has_permission(request.user, access.EDIT_CARE, stay.facility_id)})


def _pdf_response(request: HttpRequest, pk: int, *, letter: bool) -> HttpResponse:
    data = selectors.stay_summary(user=request.user, stay_id=pk)
    stay = data["stay"]
    audit.known_facility(request, stay, stay.facility_id)
    try:
        content = _letter_pdf(request, data, letter=letter)
    except pdf.PdfUnavailable:
        return render(request, "journal/pdf_unavailable.html", {"stay": stay, "message": PDF_UNAVAILABLE},
                      status=503)
    response = HttpResponse(content, content_type="application/pdf")
    name = "lettre-de-sortie" if letter else "synthese-sejour"
    response["Content-Disposition"] = f'attachment; filename="{name}-{stay.pk}.pdf"'
    return response


@audited(EXPORT, "admissions.stay", pk_kwarg="pk")
def stay_summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The stay summary as a PDF (WeasyPrint): header and confidentiality line on every page; audited."""
    return _pdf_response(request, pk, letter=False)


@audited(EXPORT, "admissions.stay", pk_kwarg="pk")
def discharge_letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The discharge letter, for the services that take over (fewer clinical details: journal/summary.py)."""
    return _pdf_response(request, pk, letter=True)


@audited(READ, "admissions.stay", pk_kwarg="pk", methods=("POST",))
def discharge_letter_file(request: HttpRequest, pk: int) -> HttpResponse:
    """File the discharge letter, as generated now, among the stay's documents (documents.services)."""
    stay = admission_selectors.stay_for_form(user=request.user, pk=pk, permission=access.EDIT_CARE)
    data = selectors.stay_summary(user=request.user, stay_id=stay.pk)
    back = reverse("journal:stay_summary", args=[stay.pk])
    try:
        content = _letter_pdf(request, data, letter=True)
        document_services.document_upload(
            user=request.user, facility=stay.facility, family=stay.child.family, stay=stay,
            kind=DocumentKind.DISCHARGE_LETTER, document_date=timezone.localdate(), content=content,
            title=_("Lettre de sortie — %(child)s") % {"child": f"{stay.child.first_name} {stay.child.last_name}"},
            reason=_("Lettre de sortie générée et classée"))
    except pdf.PdfUnavailable:
        messages.error(request, PDF_UNAVAILABLE)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("La lettre de sortie est classée dans les documents du séjour."))
    return redirect(back)


# ---------------------------------------------------------------- care plan


@audited(READ, "admissions.stay", pk_kwarg="pk")
def care_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The stay's care plan, printable: goals by domain with their reviews, meetings and the parents' part."""
    stay = admission_selectors.stay_for_form(user=request.user, pk=pk, permission=access.VIEW_RECORDS)
    audit.known_facility(request, stay, stay.facility_id)
    return render(request, "journal/care_plan.html", {
        "stay": stay, "family": stay.child.family, **selectors.care_plan(user=request.user, stay_id=stay.pk),
        "can_edit": access.has_permission(request.user, access.EDIT_CARE, stay.facility_id),
        "printed_at": timezone.localtime(),
    })


@audited(READ, "admissions.stay", pk_kwarg="pk", methods=FORM_METHODS)
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    stay = admission_selectors.stay_for_form(user=request.user, pk=pk, permission=access.EDIT_CARE)
    form = forms.GoalForm(request.POST if request.method == "POST" else None,
                          staff=selectors.care_staff(facility_id=stay.facility_id))
    return _form_page(request, form, context={"stay": stay, "family": stay.child.family,
                                              "title": _("Nouvel objectif du projet de soin")},
                      save=lambda d: services.goal_add(user=request.user, stay=stay, **d),
                      success=_("Objectif enregistré."), back=reverse("journal:care_plan", args=[stay.pk]))


@audited(READ, "journal.caregoal", pk_kwarg="pk", methods=FORM_METHODS)
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = selectors.goal_for_edit(user=request.user, pk=pk)
    initial = {name: getattr(goal, name) for name in services.GOAL_FIELDS} | {"version": goal.version}
    form = forms.GoalEditForm(request.POST if request.method == "POST" else None, initial=initial,
                              staff=selectors.care_staff(facility_id=goal.stay.facility_id))
    return _form_page(request, form, context={"stay": goal.stay, "family": goal.stay.child.family,
                                              "title": _("Modifier l'objectif")},
                      save=lambda d: services.goal_update(
                          user=request.user, goal=goal, expected_version=d["version"], reason=d["reason"],
                          **{name: d[name] for name in services.GOAL_FIELDS}),
                      success=_("Objectif modifié."), back=reverse("journal:care_plan", args=[goal.stay_id]))


@audited(READ, "admissions.synthesismeeting", pk_kwarg="pk", methods=FORM_METHODS)
def meeting_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A synthesis meeting reviews the open goals, records the parents' participation and sets new goals."""
    meeting = selectors.meeting_for_review(user=request.user, pk=pk)
    stay = meeting.stay
    form = forms.MeetingReviewForm(request.POST if request.method == "POST" else None,
                                   goals=selectors.goals_to_review(meeting=meeting),
                                   parents=selectors.meeting_parents(meeting=meeting),
                                   staff=selectors.care_staff(facility_id=stay.facility_id))
    return _form_page(request, form, template="journal/meeting_review.html",
                      context={"stay": stay, "family": stay.child.family, "meeting": meeting},
                      save=lambda d: services.meeting_review_goals(
                          user=request.user, meeting=meeting, reviews=form.reviews(), new_goals=form.new_goals(),
                          participation=form.participation()),
                      success=_("Revue du projet de soin enregistrée."),
                      back=reverse("journal:care_plan", args=[stay.pk]))


# ---------------------------------------------------------------- templates (administrators)


@not_audited("the note templates of the facilities the user administers: headings, no record")
def templates(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.ADMINISTER)
    facilities = access.facilities_for(request.user, access.ADMINISTER)
    form = forms.NoteTemplateForm(request.POST if request.method == "POST" else None, facilities=facilities)
    return _form_page(
        request, form, template="journal/templates.html",
        context={"rows": selectors.templates_administered(user=request.user),
                 "defaults": note_templates.DEFAULTS},
        save=lambda d: services.note_template_save(user=request.user, **d),
        success=_("Modèle enregistré."), back=reverse("journal:templates"))


@not_audited("a note template: headings, no record")
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, access.ADMINISTER)
    template = selectors.template_for_edit(user=request.user, pk=pk)
    facilities = access.facilities_for(request.user, access.ADMINISTER)
    initial = {"facility": template.facility, "kind": template.kind, "title": template.title,
               "sections": template.sections, "active": template.active}
    form = forms.NoteTemplateForm(request.POST if request.method == "POST" else None, initial=initial,
                                  facilities=facilities)
    return _form_page(
        request, form, template="journal/template_edit.html", context={"template": template},
        save=lambda d: services.note_template_save(user=request.user, template=template, **d),
        success=_("Modèle enregistré."), back=reverse("journal:templates"))


# ---------------------------------------------------------------- the Today page (the home page)

# The order of the sections by what the user does: a therapist starts with alerts and assessments, an
# admitting clinician with arrivals and departures, a manager or an administrator with what runs late.
SECTIONS_BY_ROLE = {
    access.EDIT_ASSESSMENTS: ("alerts", "assessments", "notes", "meetings", "goals", "arrivals", "discharges",
                              "mandates"),
    access.EDIT_ADMISSIONS: ("arrivals", "discharges", "alerts", "mandates", "meetings", "goals", "assessments",
                             "notes"),
    access.VIEW_RECORDS: ("alerts", "meetings", "goals", "mandates", "arrivals", "discharges", "assessments",
                          "notes"),
}


@audited(READ)
def today(request: HttpRequest) -> HttpResponse:
    """The home page: for whoever reads records, what the day and the week hold in their facilities; for the
    others (reporting), their facilities and what they may open."""
    if not access.has_permission(request.user, access.VIEW_RECORDS):
        return unit_views.home(request)
    since = services.today_visit_record(user=request.user)
    held = access.permissions_anywhere(request.user)
    role = next(permission for permission in SECTIONS_BY_ROLE if permission in held)
    return render(request, "journal/today.html", {
        "today": selectors.today(user=request.user, since=since), "sections": SECTIONS_BY_ROLE[role],
        "facility_names": access.facility_names(request.user),
        "can_set": access.has_permission(request.user, access.ADMINISTER),
    })


@not_audited("the rhythm of the Today page per facility: no record")
def today_settings(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.ADMINISTER)
    facilities = access.facilities_for(request.user, access.ADMINISTER)
    form = forms.TodaySettingsForm(request.POST if request.method == "POST" else None, facilities=facilities)
    return _form_page(
        request, form, template="journal/today_settings.html",
        context={"rows": selectors.today_settings_administered(user=request.user)},
        save=lambda d: services.today_settings_save(user=request.user, **d),
        success=_("Réglages enregistrés."), back=reverse("journal:today_settings"))


# ---------------------------------------------------------------- contacts without a dossier


def _contacts_period(request: HttpRequest) -> tuple:
    """The period the contacts page shows: ?start= and ?end= (ISO dates), by default this calendar year."""
    today = timezone.localdate()
    form = forms.ContactPeriodForm(request.GET or None, initial={"start": today.replace(month=1, day=1),
                                                                 "end": today})
    if request.GET and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, today.replace(month=1, day=1), today


@not_audited("contacts without a dossier: codes and counts, no name is kept")
def contacts(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.LOG_CONTACTS)
    form, start, end = _contacts_period(request)
    facility_code = request.GET.get("facility", "")
    rows = selectors.contacts_logged(user=request.user, start=start, end=end, facility_code=facility_code)
    return render(request, "journal/contacts.html", {
        "period_form": form, "start": start, "end": end, "facility_code": facility_code,
        "facilities": access.facilities_for(request.user, access.LOG_CONTACTS),
        "counts": selectors.contact_counts(contacts_q=rows), "rows": rows[:selectors.CONTACTS_LIST_LIMIT],
        "limit": selectors.CONTACTS_LIST_LIMIT,
    })


@not_audited("an empty form of codes; no name is kept")
def contact_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.LOG_CONTACTS)
    facilities = access.facilities_for(request.user, access.LOG_CONTACTS)
    initial = {"contacted_on": timezone.localdate()}
    if len(facilities) == 1:
        initial["facility"] = facilities[0]
    form = forms.ContactForm(request.POST if request.method == "POST" else None, initial=initial,
                             facilities=facilities)
    return _form_page(
        request, form, template="journal/contact_form.html", context={},
        save=lambda d: services.contact_record(user=request.user, **d),
        success=_("Contact enregistré."), back=reverse("journal:contacts"))


def stay_link(*, user, stay: Stay) -> list[tuple[str, str]]:
    """The stay page's links to its journal and care plan (admissions.hooks.STAY_LINKS)."""
    return [(_("Journal du séjour"), reverse("journal:stay_journal", args=[stay.pk])),
            (_("Chronologie"), reverse("journal:stay_chronology", args=[stay.pk])),
            (_("Projet de soin"), reverse("journal:care_plan", args=[stay.pk])),
            (_("Synthèse et lettre de sortie"), reverse("journal:stay_summary", args=[stay.pk]))]


def family_link(*, user, family) -> list[tuple[str, str]]:
    """The family page's links to its journal and chronology (admissions.hooks.FAMILY_LINKS)."""
    return [(_("Journal de la famille"), reverse("journal:family_journal", args=[family.pk])),
            (_("Chronologie de la famille"), reverse("journal:family_chronology", args=[family.pk]))]
