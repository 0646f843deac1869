"""Reads of documents and consents, scoped to the user through unit.access (the one door)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from admissions.models import AdmissionRequest, Family, Stay
from documents import anonymisation
from documents.models import Anonymisation, Consent, ConsentStatus, Document, DocumentKind
from unit import access
from unit.models import Facility


def documents_visible(*, user: AbstractBaseUser, permission: str = access.VIEW_RECORDS) -> QuerySet[Document]:
    """The live documents of the facilities where the user holds `permission` (a partner's papers are not
    among them, even for a dossier both facilities hold)."""
    return access.scope(Document.objects.live(), user, permission).select_related("uploaded_by", "facility")


def documents_of_family(*, user: AbstractBaseUser, family_id: int) -> QuerySet[Document]:
    return documents_visible(user=user).filter(family_id=family_id).select_related("stay", "request")


def documents_of_stay_prefetch() -> Prefetch:
    """The stay page's documents (its section and its timeline), prefetched with the stay (admissions/hooks.py).
    A stay's documents are its facility's, and the stay page is only shown in that facility."""
    return Prefetch("documents", queryset=Document.objects.live().select_related("uploaded_by"))


def consent_forms_of_family(*, user: AbstractBaseUser, family_id: int) -> QuerySet[Document]:
    return documents_of_family(user=user, family_id=family_id).filter(kind=DocumentKind.CONSENT_FORM)


def consents_of_family(*, user: AbstractBaseUser, family_id: int) -> QuerySet[Consent]:
    """The live consents of a family the user reaches, with the adult and the signed form."""
    return access.scope(Consent.objects.filter(entered_in_error=False, family_id=family_id,
                                               adult__entered_in_error=False), user).select_related(
        "adult", "form", "facility").order_by("scope", "adult__role", "adult_id")


def families_with_consent(*, scope: str, on: date | None = None) -> QuerySet[Family]:
    """The families whose consent for `scope` holds on `on` (today by default): at least one adult gave it,
    valid that day, and none refused or withdrew it (documents/consent_rules.py, the same rule in Python).

    Not scoped to a user: the research extract (outcomes) narrows it to its own facilities and period."""
    on = on or timezone.localdate()
    live = Consent.objects.filter(family=OuterRef("pk"), scope=scope, entered_in_error=False,
                                  adult__entered_in_error=False, decided_on__lte=on)
    given = live.filter(status=ConsentStatus.GIVEN).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    objection = live.filter(status__in=[ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN])
    return Family.objects.filter(Exists(given), ~Exists(objection), entered_in_error=False)


def mandates_ending(*, user: AbstractBaseUser, within_days: int = 30, today: date | None = None
                    ) -> QuerySet[Document]:
    """Court orders and mandates the user may read whose end falls within the next `within_days` days."""
    today = today or timezone.localdate()
    return documents_visible(user=user).filter(
        kind__in=[DocumentKind.COURT_ORDER, DocumentKind.MANDATE],
        valid_until__gte=today, valid_until__lte=today + timedelta(days=within_days),
    ).select_related("family").order_by("valid_until", "pk")


def facilities_for_upload(*, user: AbstractBaseUser, family: Family) -> QuerySet[Facility]:
    """Where the user may file a paper of this family: a facility following it where the user edits care."""
    ids = access.facility_ids(user, access.EDIT_CARE) & family.facility_ids()
    return Facility.objects.filter(pk__in=ids).order_by("name")


def stays_for_upload(*, user: AbstractBaseUser, family: Family) -> QuerySet[Stay]:
    return access.scope(Stay.objects.filter(entered_in_error=False, child__family=family), user,
                        access.EDIT_CARE).select_related("child", "facility").order_by("-admitted_on")


def requests_for_upload(*, user: AbstractBaseUser, family: Family) -> QuerySet[AdmissionRequest]:
    return access.scope(AdmissionRequest.objects.filter(entered_in_error=False, family=family), user,
                        access.EDIT_CARE).select_related("facility").order_by("-received_on")


def adults_of_family(*, family: Family) -> QuerySet:
    return family.adults.filter(entered_in_error=False).order_by("role", "pk")


def consent_for_change(*, user: AbstractBaseUser, pk: int) -> Consent:
    """A live consent the user may change (edit care in a facility following the family); 404 otherwise."""
    return access.object_for(user=user, queryset_or_model=Consent.objects.select_related("adult", "family"),
                             pk=pk, permission=access.EDIT_CARE)


def document_for_download(*, user: AbstractBaseUser, pk: int) -> Document:
    """A live document of a facility where the user reads records; 404 for any other (nothing leaks)."""
    return access.object_for(user=user, queryset_or_model=Document.objects.filter(content_erased=False), pk=pk)


def family_for(*, user: AbstractBaseUser, pk: int, permission: str = access.VIEW_RECORDS) -> Family:
    return access.object_for(user=user, queryset_or_model=Family, pk=pk, permission=permission)


def facilities_following(*, user: AbstractBaseUser, family: Family) -> QuerySet[Facility]:
    """Where the user may record what the family agreed to: a facility following it where the user edits care."""
    return facilities_for_upload(user=user, family=family)


def dossiers_past_retention(*, user: AbstractBaseUser, today: date | None = None) -> list[anonymisation.Clock]:
    """The dossiers opened by the facilities the user administers whose retention has ended (documents.anonymisation
    computes each clock), oldest last contact first."""
    clocks = anonymisation.dossiers_past_retention(facility_ids=access.facility_ids(user, access.ADMINISTER),
                                                   today=today or timezone.localdate())
    return sorted(clocks, key=lambda clock: (clock.last_contact, clock.family.pk))


def anonymisations_visible(*, user: AbstractBaseUser) -> QuerySet[Anonymisation]:
    """The decisions taken on dossiers opened by the facilities the user administers (the audit of decisions)."""
    return Anonymisation.objects.filter(family__facility_id__in=access.facility_ids(user, access.ADMINISTER)
                                        ).select_related("decided_by", "family").order_by("-decided_at")
