"""What documents adds to the admissions pages (admissions/hooks.py): the family's papers and consents, the
stay's papers and their place in its timeline. Scoped to the user; a constant number of queries each."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from admissions.models import Family, Stay
from documents import selectors
from documents.models import ConsentScope
from unit import access


def family_section(request: HttpRequest, *, family: Family) -> SafeString:
    user = request.user
    consents = list(selectors.consents_of_family(user=user, family_id=family.pk))
    can_edit = bool(access.facility_ids(user, access.EDIT_CARE) & family.facility_ids())
    by_scope = [{"scope": scope, "label": label, "consents": [c for c in consents if c.scope == scope]}
                for scope, label in ConsentScope.choices]
    return render_to_string("documents/_family_section.html", {
        "family": family, "documents": selectors.documents_of_family(user=user, family_id=family.pk),
        "by_scope": by_scope, "can_edit": can_edit,
    }, request=request)


def stay_section(request: HttpRequest, *, stay: Stay) -> SafeString:
    # The stay's documents were prefetched with it (selectors.documents_of_stay_prefetch).
    return render_to_string("documents/_stay_section.html", {
        "stay": stay, "documents": stay.documents.all(),
        "can_edit": access.has_permission(request.user, access.EDIT_CARE, stay.facility_id),
    }, request=request)


def stay_events(stay: Stay) -> list[dict]:
    return [{"date": document.document_date, "kind": "document",
             "label": _("Document : %(kind)s — %(title)s") % {"kind": document.get_kind_display(),
                                                              "title": document.title},
             "url": reverse("documents:download", args=[document.pk])}
            for document in stay.documents.all()]
