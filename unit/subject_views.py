"""Pages of data protection for administrators: the audit of reads and the right of access export."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from unit import access, audit
from unit.audit import READ, audited, not_audited
from unit.forms import SafeTextMixin
from unit.models import AuditEntry, Facility
from unit.subject_access import OTHERS_HOLD_RECORDS, SUBJECT_MODELS, subject_access_for, subject_access_workbook

PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AuditFilterForm(SafeTextMixin, forms.Form):
    user = forms.CharField(label=_("Utilisateur"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", "—"), *AuditEntry.Action.choices])
    what = forms.CharField(label=_("Objet"), required=False, max_length=100,
                           help_text=_("ex. admissions.stay"))
    object_id = forms.CharField(label=_("Identifiant"), required=False, max_length=64)
    date_from = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


@not_audited("the audit trail: users, actions and record ids, no record's content")
def audit_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, access.ADMINISTER)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit.entries_filtered(
        request.user, username=filters.get("user", "").strip(), action=filters.get("action", ""),
        what=filters.get("what", "").strip(), object_id=filters.get("object_id", "").strip(),
        date_from=filters.get("date_from"), date_to=filters.get("date_to"))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    codes = dict(Facility.objects.filter(pk__in={e.facility_id for e in page}).values_list("pk", "code"))
    for entry in page:
        entry.facility_code = codes.get(entry.facility_id, "")
    return render(request, "unit/audit_list.html", {"form": form, "page": page},
                  status=400 if form.errors else 200)


def _person_named_in_url(kwargs) -> str:
    return f"admissions.{kwargs['kind']}"


@audited(READ, _person_named_in_url, pk_kwarg="pk", methods=("GET", "HEAD", "POST"))
def subject_access(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    access.require(request.user, access.ADMINISTER)
    model = SUBJECT_MODELS.get(kind)
    if model is None:
        raise Http404
    person = model._default_manager.select_related("family").filter(pk=pk).first()
    # Out of reach and missing answer the same, so nothing leaks about other facilities.
    if person is None or not access.can_reach(request.user, person, access.ADMINISTER):
        raise Http404
    # Each facility answers for its own records: those of the facilities this administrator administers.
    facility_ids = access.facility_ids(request.user, access.ADMINISTER)
    if request.method == "POST":
        content = subject_access_workbook(person, facility_ids)
        audit.record(request, action=audit.SUBJECT_ACCESS, what=person._meta.label_lower, object_id=person.pk,
                     facility_id=person.family.facility_id)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="acces-{kind}-{person.pk}.xlsx"'
        return response
    answer = subject_access_for(person, facility_ids)
    return render(request, "unit/subject_access.html", {
        "person": person, "kind": kind, "sections": answer.sections, "facilities": answer.facilities,
        "others_hold_records": OTHERS_HOLD_RECORDS if answer.others_hold_records else ""})
