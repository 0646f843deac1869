"""Every write on documents and consents: atomic, validated, with history user and reason."""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from admissions.models import AdmissionRequest, Adult, Family, Stay
from documents import consent_rules, scanning, sniffing, storage
from documents.models import KINDS_WITH_END, Consent, ConsentScope, ConsentStatus, Document, DocumentKind
from unit.history import record_save
from unit.models import Facility

User = AbstractBaseUser


def _today() -> date:
    return timezone.localdate()


# ---------------------------------------------------------------- consent, as the services read it


def family_statements(*, family: Family, scope: str) -> list[consent_rules.Statement]:
    """What each adult of the family last said for `scope` (adults and consents in error left out)."""
    rows = Consent.objects.filter(family=family, scope=scope, entered_in_error=False,
                                  adult__entered_in_error=False)
    return [consent_rules.Statement(status, decided_on, valid_until)
            for status, decided_on, valid_until in rows.values_list("status", "decided_on", "valid_until")]


def consent_holds(*, family: Family, scope: str, on: date | None = None) -> bool:
    return consent_rules.holds(family_statements(family=family, scope=scope), on or _today())


def require_consent(*, family: Family, scope: str, on: date | None = None, field: str | None = None) -> None:
    """Refuse (ValidationError) what needs the family's consent for `scope` when it does not hold."""
    if not consent_holds(family=family, scope=scope, on=on):
        message = _("Le dossier %(family)s n'a pas de consentement « %(scope)s » valable à cette date "
                    "(donné par un adulte, ni refusé ni retiré).") % {
            "family": family.reference, "scope": ConsentScope(scope).label}
        raise ValidationError({field: message} if field else message, code="consent_missing")


def sharing_problem(*, family: Family, facility: Facility, on: date) -> str | None:
    """The admissions check point `admissions.hooks.SHARING_CHECKS`: a dossier reaches another facility
    (a request or a stay there) only with the family's `network_sharing` consent."""
    if consent_holds(family=family, scope=ConsentScope.NETWORK_SHARING, on=on):
        return None
    return _("Partager le dossier %(family)s avec %(facility)s demande le consentement de la famille au "
             "partage avec le réseau (« network_sharing »), valable à cette date.") % {
        "family": family.reference, "facility": facility.name}


# ---------------------------------------------------------------- documents


def _check_attachment(*, facility: Facility, family: Family, request: AdmissionRequest | None,
                      stay: Stay | None) -> None:
    if request is not None and (request.family_id != family.pk or request.facility_id != facility.pk):
        raise ValidationError({"request": _("La demande doit être celle de la famille, dans cette structure.")})
    if stay is not None and (stay.child.family_id != family.pk or stay.facility_id != facility.pk):
        raise ValidationError({"stay": _("Le séjour doit être celui d'un enfant de la famille, dans cette "
                                         "structure.")})
    if facility.pk not in family.facility_ids():
        raise ValidationError(_("Cette structure ne suit pas ce dossier."))


def check_content(content: bytes) -> sniffing.Sniffed:
    """The upload's kind from its content, its size within DOCUMENT_MAX_BYTES, and the scan (when configured)."""
    limit = settings.DOCUMENT_MAX_BYTES
    if not content:
        raise ValidationError({"file": _("Le fichier est vide.")})
    if len(content) > limit:
        raise ValidationError({"file": _("Le fichier dépasse la taille permise (%(limit)s).") % {
            "limit": filesizeformat(limit)}})
    sniffed = sniffing.sniff(content)
    if sniffed is None:
        raise ValidationError({"file": _("Format refusé : seuls les PDF, images PNG ou JPEG, documents "
                                         "bureautiques (Word, Excel, OpenDocument) et vidéos sont acceptés. "
                                         "Le format est lu dans le contenu du fichier, pas dans son nom.")})
    try:
        found = scanning.scan(content)
    except scanning.ScanUnavailable as error:
        raise ValidationError({"file": _("L'analyse antivirus n'a pas pu être faite : réessayez plus tard.")}) \
            from error
    if found:
        raise ValidationError({"file": _("L'analyse antivirus a refusé ce fichier (%(found)s).") % {"found": found}})
    return sniffed


@transaction.atomic
def document_upload(*, user: User | None, facility: Facility, family: Family, kind: str, title: str,
                    document_date: date, content: bytes, request: AdmissionRequest | None = None,
                    stay: Stay | None = None, valid_until: date | None = None, video: bool = False,
                    reason: str = "Dépôt d'un document") -> Document:
    """Keep a paper of the dossier: its content checked (kind read from the bytes, size, scan) and stored in
    the private storage; a video recording needs the family's `video_recording` consent on its date."""
    _check_attachment(facility=facility, family=family, request=request, stay=stay)
    if document_date > _today():
        raise ValidationError({"document_date": _("La date du document ne peut pas être dans le futur.")})
    if valid_until is not None and kind not in KINDS_WITH_END:
        raise ValidationError({"valid_until": _("Seuls une ordonnance ou un mandat ont une date de fin.")})
    sniffed = check_content(content)
    video = video or sniffed.video
    if video:
        require_consent(family=family, scope=ConsentScope.VIDEO_RECORDING, on=document_date, field="file")
    document = Document(
        facility=facility, family=family, request=request, stay=stay, kind=kind, title=title.strip(),
        document_date=document_date, valid_until=valid_until, video=video, content_type=sniffed.content_type,
        extension=sniffed.extension, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
    )
    document.full_clean(exclude=["stored_name"])
    document.stored_name = storage.store(content)
    # A refused save removes the content again (a rollback of an enclosing transaction may leave a content
    # no record names: it is never served, since only a record leads to a content).
    try:
        record_save(document, user=user, reason=reason)
    except Exception:
        storage.erase(document.stored_name)
        raise
    return document


@transaction.atomic
def document_update(*, user: User | None, document: Document, expected_version: int, reason: str,
                    kind: str, title: str, document_date: date, valid_until: date | None) -> Document:
    """Rectify what is said of a document (never its content): a reasoned new version."""
    if valid_until is not None and kind not in KINDS_WITH_END:
        raise ValidationError({"valid_until": _("Seuls une ordonnance ou un mandat ont une date de fin.")})
    if document_date > _today():
        raise ValidationError({"document_date": _("La date du document ne peut pas être dans le futur.")})
    document.kind, document.title = kind, title.strip()
    document.document_date, document.valid_until = document_date, valid_until
    return record_save(document, user=user, reason=reason, expected_version=expected_version)


# ---------------------------------------------------------------- consents


@transaction.atomic
def consent_record(*, user: User | None, facility: Facility, adult: Adult, scope: str, status: str,
                   decided_on: date, valid_until: date | None = None, form: Document | None = None,
                   reason: str = "") -> Consent:
    """Record what an adult says for a scope: the first time a new consent, afterwards a new version of it
    (a withdrawal or a renewal never erases what was said before: the history keeps every version)."""
    if scope not in ConsentScope.values:
        raise ValidationError({"scope": _("Portée inconnue.")})
    if status not in ConsentStatus.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    if decided_on > _today():
        raise ValidationError({"decided_on": _("La date ne peut pas être dans le futur.")})
    family = adult.family
    if facility.pk not in family.facility_ids():
        raise ValidationError(_("Cette structure ne suit pas ce dossier."))
    if form is not None and (form.family_id != family.pk or form.kind != DocumentKind.CONSENT_FORM
                             or form.entered_in_error):
        raise ValidationError({"form": _("Le formulaire signé doit être un formulaire de consentement de la "
                                         "famille.")})
    consent = Consent.objects.select_for_update().filter(adult=adult, scope=scope, entered_in_error=False).first()
    if consent is None:
        consent = Consent(family=family, adult=adult, scope=scope)
        default_reason = _("Consentement enregistré")
    else:
        default_reason = _("Nouvelle version du consentement")
    consent.status, consent.decided_on, consent.valid_until = status, decided_on, valid_until
    consent.form, consent.facility = form, facility
    return record_save(consent, user=user, reason=reason.strip() or default_reason)


def consent_withdraw(*, user: User | None, facility: Facility, consent: Consent, withdrawn_on: date,
                     reason: str, form: Document | None = None) -> Consent:
    """A withdrawal is a new version of the consent, never its erasure."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Indiquez le contexte du retrait.")})
    return consent_record(user=user, facility=facility, adult=consent.adult, scope=consent.scope,
                          status=ConsentStatus.WITHDRAWN, decided_on=withdrawn_on, form=form or consent.form,
                          reason=_("Retrait du consentement : %(reason)s") % {"reason": reason.strip()})
