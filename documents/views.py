"""Pages of documents and consents: parse, call one service, respond."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from documents import anonymisation, forms, selectors, services, storage
from unit import access, audit
from unit.audit import EXPORT, READ, audited

FORM_METHODS = ("GET", "HEAD", "POST")


def _attach(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _form_page(request: HttpRequest, form, *, title: str, family, save: Callable, success: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, success)
            return redirect(reverse("admissions:family_detail", args=[family.pk]))
    return render(request, "admissions/form.html", {"title": title, "family": family, "form": form},
                  status=400 if request.method == "POST" else 200)


@audited(READ, "admissions.family", pk_kwarg="pk", methods=FORM_METHODS)
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    family = selectors.family_for(user=request.user, pk=pk, permission=access.EDIT_CARE)
    facilities = selectors.facilities_for_upload(user=request.user, family=family)
    initial = {"document_date": timezone.localdate(), "stay": request.GET.get("stay") or None,
               "facility": facilities.first()}
    form = forms.UploadForm(request.POST if request.method == "POST" else None,
                            request.FILES if request.method == "POST" else None, initial=initial,
                            facilities=facilities, stays=selectors.stays_for_upload(user=request.user, family=family),
                            requests=selectors.requests_for_upload(user=request.user, family=family))

    def save(d):
        return services.document_upload(
            user=request.user, facility=d["facility"], family=family, kind=d["kind"], title=d["title"],
            document_date=d["document_date"], valid_until=d["valid_until"], stay=d["stay"], request=d["request"],
            video=d["video"], content=d["file"].read())

    return _form_page(request, form, title=_("Déposer un document"), family=family, save=save,
                      success=_("Document déposé."))


@audited(EXPORT, "documents.document", pk_kwarg="pk")
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The one way to a document's content: access checked (its facility), one audit entry per download."""
    document = selectors.document_for_download(user=request.user, pk=pk)
    audit.known_facility(request, document, document.facility_id)
    return FileResponse(storage.open_stream(document.stored_name), as_attachment=True,
                        filename=document.download_name, content_type=document.content_type)


@audited(READ, "admissions.family", pk_kwarg="pk", methods=FORM_METHODS)
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    family = selectors.family_for(user=request.user, pk=pk, permission=access.EDIT_CARE)
    facilities = selectors.facilities_following(user=request.user, family=family)
    form = forms.ConsentForm(request.POST if request.method == "POST" else None,
                             initial={"decided_on": timezone.localdate(), "facility": facilities.first(),
                                      "scope": request.GET.get("scope") or None},
                             adults=selectors.adults_of_family(family=family), facilities=facilities,
                             forms_=selectors.consent_forms_of_family(user=request.user, family_id=family.pk))

    def save(d):
        return services.consent_record(user=request.user, facility=d["facility"], adult=d["adult"], scope=d["scope"],
                                       status=d["status"], decided_on=d["decided_on"], valid_until=d["valid_until"],
                                       form=d["form"], reason=d["reason"])

    return _form_page(request, form, title=_("Consentement"), family=family, save=save,
                      success=_("Consentement enregistré."))


@audited(READ, "documents.consent", pk_kwarg="pk", methods=FORM_METHODS)
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = selectors.consent_for_change(user=request.user, pk=pk)
    facilities = selectors.facilities_following(user=request.user, family=consent.family)
    form = forms.WithdrawForm(request.POST if request.method == "POST" else None, facilities=facilities,
                              initial={"withdrawn_on": timezone.localdate(), "facility": facilities.first()})

    def save(d):
        return services.consent_withdraw(user=request.user, facility=d["facility"], consent=consent,
                                         withdrawn_on=d["withdrawn_on"], reason=d["reason"])

    return _form_page(request, form, title=_("Retrait du consentement"), family=consent.family, save=save,
                      success=_("Retrait enregistré."))


@audited(READ, "documents.retention", permission=access.ADMINISTER)
def retention(request: HttpRequest) -> HttpResponse:
    """Dossiers past their retention, with the last contact that started the clock; and the decisions taken."""
    access.require(request.user, access.ADMINISTER)
    return render(request, "documents/retention.html", {
        "clocks": selectors.dossiers_past_retention(user=request.user),
        "decisions": selectors.anonymisations_visible(user=request.user)[:100],
    })


@audited(READ, "admissions.family", pk_kwarg="pk", methods=FORM_METHODS)
def anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    family = selectors.family_for(user=request.user, pk=pk, permission=access.ADMINISTER)
    form = forms.AnonymiseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            anonymisation.family_anonymise(user=request.user, family=family, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _attach(form, error)
        except PermissionDenied:
            form.add_error(None, _("Seul un administrateur de chaque structure qui détient ce dossier peut "
                                   "l'anonymiser."))
        else:
            messages.success(request, _("Dossier anonymisé."))
            return redirect(reverse("documents:retention"))
    return render(request, "admissions/form.html", {"title": _("Anonymiser le dossier"), "family": family,
                                                    "form": form}, status=400 if request.method == "POST" else 200)
