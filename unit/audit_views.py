"""The audit log page for administrators: who read, searched or exported which record, filtered."""

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from unit import access, audit, selectors
from unit.audit import not_audited
from unit.forms import SafeTextMixin
from unit.models import AuditEntry

PAGE_SIZE = 100


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
    codes = selectors.facility_codes(ids={e.facility_id for e in page})
    for entry in page:
        entry.facility_code = codes.get(entry.facility_id, "")
    return render(request, "unit/audit_list.html", {"form": form, "page": page},
                  status=400 if form.errors else 200)
