"""Writes of assessments: scores validated by their instrument, ages computed, alerts raised; all with history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from admissions.models import Adult, Child, Stay
from admissions.rules import assessment_date_problem
from assessments import instruments
from assessments.instruments.base import ADULT, CHILD
from assessments.models import Alert, Assessment
from unit.ages import corrected_age_days
from unit.history import record_save

User = AbstractBaseUser


def _ages(child: Child | None, on: date) -> tuple[int | None, int | None]:
    if child is None:
        return None, None
    return (on - child.birth_date).days, corrected_age_days(
        child.birth_date, on, child.gestational_weeks, child.gestational_days,
        until_months=settings.CORRECTED_AGE_UNTIL_MONTHS,
    )


def _check(*, stay: Stay, instrument_code: str, assessed_on: date, scores: Mapping, child: Child | None,
           adult: Adult | None, confirm_out_of_age_range: bool):
    try:
        instrument = instruments.get(instrument_code)
    except KeyError as error:
        raise ValidationError({"instrument": _("Instrument inconnu.")}) from error
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("La date de passation ne peut pas être dans le futur.")})
    problem = assessment_date_problem(assessed_on, stay.admitted_on, stay.discharged_on)
    if problem:
        raise ValidationError({"assessed_on": problem})
    if instrument.subject == CHILD and (child is None or child.pk != stay.child_id):
        raise ValidationError({"subject": _("Cet instrument évalue l'enfant du séjour.")})
    if instrument.subject == ADULT and (adult is None or adult.family_id != stay.child.family_id):
        raise ValidationError({"subject": _("Cet instrument évalue un parent de la famille de l'enfant.")})
    errors = instrument.validate(scores)
    if errors:
        raise ValidationError({code: message for code, message in errors.items()})
    age_days, corrected_days = _ages(child, assessed_on)
    norm_age = corrected_days if (instrument.corrects_for_prematurity and corrected_days is not None) else age_days
    if norm_age is not None and not instrument.in_age_range(norm_age) and not confirm_out_of_age_range:
        raise ValidationError({"confirm_out_of_age_range": _(
            "L'âge de l'enfant (%(days)s jours) est hors de la tranche d'âge de l'instrument : "
            "cochez la confirmation pour enregistrer quand même."
        ) % {"days": norm_age}}, code="age_range")
    return instrument, age_days, corrected_days


def _apply(assessment: Assessment, instrument, scores: Mapping) -> list[str]:
    result = instrument.score(scores)
    assessment.scores = {k: (float(v) if not isinstance(v, int) else v) for k, v in scores.items()
                         if v is not None}
    assessment.derived = {k: (float(v) if not isinstance(v, int) else v) for k, v in result.derived.items()}
    assessment.bands = dict(result.bands)
    assessment.flags = [flag.code for flag in result.flags]
    assessment.warnings = list(result.warnings)
    return [flag.code for flag in result.flags if flag.alert]


def _raise_alerts(assessment: Assessment, codes: list[str], user: User | None) -> None:
    existing = set(assessment.alerts.values_list("code", flat=True))
    for code in codes:
        if code not in existing:
            record_save(Alert(assessment=assessment, code=code), user=user, reason=_("Alerte levée par le score"))


@transaction.atomic
def assessment_record(*, user: User, stay: Stay, instrument_code: str, assessed_on: date, scores: Mapping,
                      child: Child | None = None, adult: Adult | None = None, assessor: User | None = None,
                      confirm_out_of_age_range: bool = False, notes: str = "",
                      reason: str = "Saisie d'une évaluation") -> Assessment:
    instrument, age_days, corrected_days = _check(
        stay=stay, instrument_code=instrument_code, assessed_on=assessed_on, scores=scores, child=child,
        adult=adult, confirm_out_of_age_range=confirm_out_of_age_range)
    assessment = Assessment(stay=stay, child=child, adult=adult, instrument=instrument.code, assessed_on=assessed_on,
                            assessor=assessor or user, age_days=age_days, corrected_age_days=corrected_days,
                            out_of_age_range_confirmed=confirm_out_of_age_range, notes=notes)
    alerts = _apply(assessment, instrument, scores)
    record_save(assessment, user=user, reason=reason)
    _raise_alerts(assessment, alerts, user)
    return assessment


@transaction.atomic
def assessment_update(*, user: User, assessment: Assessment, assessed_on: date, scores: Mapping,
                      expected_version: int, confirm_out_of_age_range: bool = False, notes: str = "",
                      reason: str = "Correction d'une évaluation") -> Assessment:
    """Correct the scores; alerts already raised stay until acknowledged, new ones are raised."""
    instrument, age_days, corrected_days = _check(
        stay=assessment.stay, instrument_code=assessment.instrument, assessed_on=assessed_on, scores=scores,
        child=assessment.child, adult=assessment.adult, confirm_out_of_age_range=confirm_out_of_age_range)
    assessment.assessed_on = assessed_on
    assessment.age_days, assessment.corrected_age_days = age_days, corrected_days
    assessment.out_of_age_range_confirmed = confirm_out_of_age_range
    assessment.notes = notes
    alerts = _apply(assessment, instrument, scores)
    record_save(assessment, user=user, reason=reason, expected_version=expected_version)
    _raise_alerts(assessment, alerts, user)
    return assessment


@transaction.atomic
def alert_acknowledge(*, user: User, alert: Alert, note: str) -> Alert:
    if not note.strip():
        raise ValidationError({"note": _("Écrivez ce qui a été fait (note obligatoire).")})
    if alert.acknowledged_at is not None:
        raise ValidationError({"note": _("Cette alerte a déjà été prise en compte.")})
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = user
    alert.acknowledgement_note = note.strip()
    return record_save(alert, user=user, reason=_("Alerte prise en compte : %(note)s") % {"note": note.strip()})
