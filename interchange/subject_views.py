"""The right of access page for administrators (GDPR art. 15): what the unit holds on one person, and its export."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from interchange.subject_access import OTHERS_HOLD_RECORDS, SUBJECT_MODELS, subject_access_for, subject_access_workbook
from unit import access, audit
from unit.audit import READ, audited
from unit.selectors import record_by_pk

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _person_named_in_url(kwargs) -> str:
    return f"admissions.{kwargs['kind']}"


@audited(READ, _person_named_in_url, pk_kwarg="pk", methods=("GET", "HEAD", "POST"))
def subject_access(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    access.require(request.user, access.ADMINISTER)
    model = SUBJECT_MODELS.get(kind)
    if model is None:
        raise Http404
    person = record_by_pk(model=model, pk=pk)
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
    return render(request, "interchange/subject_access.html", {
        "person": person, "kind": kind, "sections": answer.sections, "facilities": answer.facilities,
        "others_hold_records": OTHERS_HOLD_RECORDS if answer.others_hold_records else ""})
