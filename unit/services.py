"""Writes on facilities, profiles, memberships and reference lists (administration)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from unit import labels, vocabularies
from unit.eligibility_defaults import DEFAULT_PROFILES
from unit.history import record_save
from unit.models import EligibilityCriterion, Facility, Membership, Organisation, ReferenceItem


@transaction.atomic
def organisation_create(*, user: AbstractBaseUser | None, name: str) -> Organisation:
    return record_save(Organisation(name=name), user=user, reason="Création de l'organisation")


@transaction.atomic
def facility_create(*, user: AbstractBaseUser | None, organisation: Organisation, code: str, name: str, kind: str,
                    country: str, region: str = "", capacity: int | None = None) -> Facility:
    """Create a facility with the default eligibility profile of its kind."""
    facility = record_save(
        Facility(organisation=organisation, code=code, name=name, kind=kind, country=country, region=region,
                 capacity=capacity),
        user=user, reason="Création de la structure",
    )
    facility_reset_profile(user=user, facility=facility)
    return facility


@transaction.atomic
def facility_reset_profile(*, user: AbstractBaseUser | None, facility: Facility) -> list[EligibilityCriterion]:
    """(Re)apply the kind's default criteria; existing ones are updated, extra ones deactivated."""
    defaults = DEFAULT_PROFILES[facility.kind]
    existing = {c.code: c for c in facility.criteria.all()}
    kept = []
    for position, spec in enumerate(defaults):
        criterion = existing.pop(spec["code"], None) or EligibilityCriterion(facility=facility, code=spec["code"])
        for field in ("role", "rule", "params", "label_fr", "label_en"):
            setattr(criterion, field, spec[field])
        criterion.position = position
        criterion.active = True
        kept.append(record_save(criterion, user=user, reason="Profil d'éligibilité par défaut"))
    for extra in existing.values():
        if extra.active:
            extra.active = False
            record_save(extra, user=user, reason="Profil d'éligibilité par défaut")
    return kept


@transaction.atomic
def membership_grant(*, user: AbstractBaseUser | None, member: AbstractBaseUser, facility: Facility,
                     role: str) -> Membership:
    membership = Membership.objects.filter(user=member, facility=facility, role=role).first()
    if membership is None:
        membership = Membership(user=member, facility=facility, role=role)
    elif membership.active:
        return membership
    membership.active = True
    return record_save(membership, user=user, reason="Attribution d'un rôle")


@transaction.atomic
def reference_sync(*, user: AbstractBaseUser | None = None) -> int:
    """Create the reference items of DOMAIN.md that are missing; labels edited by admins are kept."""
    present = set(ReferenceItem.objects.values_list("vocabulary", "code"))
    missing = [
        ReferenceItem(vocabulary=name, code=term.code, label_fr=term.fr, label_en=term.en, group=term.group,
                      position=position)
        for name, terms in vocabularies.VOCABULARIES.items()
        for position, term in enumerate(terms)
        if (name, term.code) not in present
    ]
    # In bulk, each with its history row: this runs after every migrate.
    bulk_create_with_history(missing, ReferenceItem, default_user=user,
                             default_change_reason="Liste de référence de DOMAIN.md")
    labels.forget()
    return len(missing)
