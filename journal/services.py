"""Every write of the daily record: atomic, validated, with history user and reason."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from admissions.models import Adult, Family, Stay, SynthesisMeeting
from journal import contacts as contact_codes
from journal import today as today_rules
from journal.models import (
    OPEN_STATUSES,
    CareGoal,
    Contact,
    GoalReview,
    GoalStatus,
    Note,
    NoteTemplate,
    ParentParticipation,
    TodaySettings,
    TodayVisit,
)
from unit import access
from unit.history import record_save
from unit.models import Facility

User = AbstractBaseUser

# A note may be written a few minutes "ahead" when clocks differ; beyond that it is a typing error.
FUTURE_TOLERANCE = timedelta(minutes=5)


def _not_in_future(written_at: datetime) -> None:
    if written_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"written_at": _("Une note ne peut pas être datée dans le futur.")})


def _within_stay(stay: Stay | None, written_at: datetime) -> None:
    if stay is None:
        return
    day = timezone.localtime(written_at).date() if timezone.is_aware(written_at) else written_at.date()
    if day < stay.admitted_on:
        raise ValidationError({"written_at": _("Une note du séjour ne peut précéder l'admission.")})


@transaction.atomic
def note_write(*, user: User, kind: str, written_at: datetime, text: str, confidentiality: str,
               stay: Stay | None = None, family: Family | None = None, facility: Facility | None = None,
               reason: str = "Note du journal") -> Note:
    """A new note about a stay (its family and facility follow) or about a family in one facility."""
    if stay is not None:
        family, facility = stay.child.family, stay.facility
    if family is None or facility is None:
        raise ValidationError(_("Une note concerne un séjour, ou une famille dans une structure."))
    _not_in_future(written_at)
    _within_stay(stay, written_at)
    note = Note(facility=facility, family=family, stay=stay, kind=kind, written_at=written_at, author=user,
                text=text.strip(), confidentiality=confidentiality)
    return record_save(note, user=user, reason=reason)


CORRECTABLE = ("kind", "written_at", "text", "confidentiality")


@transaction.atomic
def note_correct(*, user: User, note: Note, expected_version: int, reason: str, **changes: object) -> Note:
    """A correction is a new version, by the note's author, with its reason; the earlier text stays in the history."""
    if note.author_id != user.pk:
        raise PermissionDenied
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de la correction.")})
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValueError(f"Not correctable: {sorted(unknown)}")
    if "text" in changes:
        changes["text"] = str(changes["text"]).strip()
    changed = {name: value for name, value in changes.items() if getattr(note, name) != value}
    if not changed:
        raise ValidationError(_("Rien n'a changé : la note reste telle quelle."))
    if "written_at" in changed:
        _not_in_future(changed["written_at"])
        _within_stay(note.stay, changed["written_at"])
    for name, value in changed.items():
        setattr(note, name, value)
    return record_save(note, user=user, reason=_("Correction : %(reason)s") % {"reason": reason.strip()},
                       expected_version=expected_version)


@transaction.atomic
def note_template_save(*, user: User | None, facility: Facility, kind: str, title: str, sections: str,
                       active: bool = True, template: NoteTemplate | None = None,
                       reason: str = "Modèle de note") -> NoteTemplate:
    """An administrator of the facility chooses its templates (`administer` there)."""
    if user is not None and not access.has_permission(user, access.ADMINISTER, facility):
        raise PermissionDenied
    template = template or NoteTemplate(facility=facility)
    if template.pk and template.facility_id != facility.pk:
        raise PermissionDenied
    template.kind, template.title, template.active = kind, title.strip(), active
    template.sections = "\n".join(line.strip() for line in sections.splitlines() if line.strip())
    if not template.sections:
        raise ValidationError({"sections": _("Un modèle a au moins une rubrique.")})
    return record_save(template, user=user, reason=reason)


# ---------------------------------------------------------------- care plan


def _responsible_in_facility(responsible: User | None, stay: Stay) -> None:
    if responsible is not None and not access.has_permission(responsible, access.EDIT_CARE, stay.facility_id):
        raise ValidationError({"responsible": _("Le responsable est un professionnel de soin de la structure.")})


@transaction.atomic
def goal_add(*, user: User | None, stay: Stay, domain: str, title: str, actions: str = "",
             responsible: User | None = None, target_on: date | None = None,
             meeting: SynthesisMeeting | None = None, reason: str = "Objectif du projet de soin") -> CareGoal:
    """A goal of the stay's care plan, set at a synthesis meeting or on its own (at admission)."""
    if meeting is not None and meeting.stay_id != stay.pk:
        raise ValidationError(_("La réunion n'est pas celle de ce séjour."))
    _responsible_in_facility(responsible, stay)
    goal = CareGoal(stay=stay, domain=domain, title=title.strip(), actions=actions.strip(), responsible=responsible,
                    target_on=target_on, set_at=meeting)
    return record_save(goal, user=user, reason=reason)


GOAL_FIELDS = ("domain", "title", "actions", "responsible", "target_on")


@transaction.atomic
def goal_update(*, user: User | None, goal: CareGoal, expected_version: int, reason: str,
                **changes: object) -> CareGoal:
    """Correct what a goal says (not its status: a synthesis meeting reviews that)."""
    unknown = set(changes) - set(GOAL_FIELDS)
    if unknown:
        raise ValueError(f"Not correctable here: {sorted(unknown)}")
    if "responsible" in changes:
        _responsible_in_facility(changes["responsible"], goal.stay)
    for name, value in changes.items():
        setattr(goal, name, value)
    return record_save(goal, user=user, reason=reason, expected_version=expected_version)


@dataclass(frozen=True)
class Review:
    status: str
    evaluation: str = ""


@dataclass(frozen=True)
class Participation:
    adult: Adult
    present: bool
    agreed: bool
    comments: str = ""


@transaction.atomic
def meeting_review_goals(*, user: User | None, meeting: SynthesisMeeting, reviews: Mapping[int, Review],
                         new_goals: Iterable[Mapping[str, object]] = (),
                         participation: Iterable[Participation] = ()) -> list[GoalReview]:
    """A synthesis meeting reviews every open goal of the stay (a status and an evaluation each), may set new
    goals and records the parents' participation; the plan's history then reads as the story of the stay."""
    stay = meeting.stay
    if meeting.entered_in_error:
        raise ValidationError(_("Cette réunion est marquée « saisie par erreur »."))
    if GoalReview.objects.filter(meeting=meeting).exists():
        raise ValidationError(_("Cette réunion a déjà revu le projet de soin."))
    # Open goals set before this meeting (or outside any meeting): those set at a later one are not its to review.
    open_goals = {goal.pk: goal for goal in CareGoal.objects.select_for_update(of=("self",)).filter(
        Q(set_at__isnull=True) | Q(set_at__held_on__lt=meeting.held_on),
        stay=stay, entered_in_error=False, status__in=OPEN_STATUSES)}
    missing = sorted(set(open_goals) - set(reviews))
    foreign = sorted(set(reviews) - set(open_goals))
    if foreign:
        raise ValidationError(_("Seuls les objectifs ouverts de ce séjour sont revus."))
    if missing:
        raise ValidationError(_("Chaque objectif ouvert est revu : %(titles)s.") % {
            "titles": ", ".join(open_goals[pk].title for pk in missing)})
    why = _("Revue en réunion de synthèse du %(day)s") % {"day": meeting.held_on.strftime("%d/%m/%Y")}
    done = []
    for pk, review in reviews.items():
        if review.status not in GoalStatus.values:
            raise ValidationError(_("Statut inconnu : « %(value)s ».") % {"value": review.status})
        goal = open_goals[pk]
        done.append(record_save(GoalReview(goal=goal, meeting=meeting, status=review.status,
                                           evaluation=review.evaluation.strip()), user=user, reason=why))
        goal.status, goal.evaluation = review.status, review.evaluation.strip()
        record_save(goal, user=user, reason=why)
    for new in new_goals:
        goal_add(user=user, stay=stay, meeting=meeting, reason=_("Fixé en réunion de synthèse du %(day)s") % {
            "day": meeting.held_on.strftime("%d/%m/%Y")}, **new)
    for part in participation:
        if part.adult.family_id != stay.child.family_id:
            raise ValidationError(_("Seuls les parents de la famille participent au projet."))
        record_save(ParentParticipation(meeting=meeting, adult=part.adult, present=part.present, agreed=part.agreed,
                                        comments=part.comments.strip()), user=user, reason=why)
    return done


# ---------------------------------------------------------------- the Today page


def today_settings_save(*, user: User | None, facility: Facility, meeting_every_weeks: int,
                        alert_overdue_days: int, reason: str = "Réglages de la page Aujourd'hui") -> TodaySettings:
    """An administrator of the facility sets its rhythm of synthesis meetings and its alert delay."""
    if user is not None and not access.has_permission(user, access.ADMINISTER, facility):
        raise PermissionDenied
    row = TodaySettings.objects.filter(facility=facility).first() or TodaySettings(facility=facility)
    row.meeting_every_weeks, row.alert_overdue_days = meeting_every_weeks, alert_overdue_days
    return record_save(row, user=user, reason=reason)


def today_visit_record(*, user: User, now: datetime | None = None) -> datetime:
    """Note that the user opens the Today page now; returns since when its notes are new (a visit, not a
    clinical record: no history)."""
    now = now or timezone.now()
    row = TodayVisit.objects.filter(user=user).first()
    previous_at, last_at = today_rules.visit(previous_at=row.previous_at if row else None,
                                             last_at=row.last_at if row else None, now=now)
    if row is None:
        TodayVisit.objects.create(user=user, previous_at=previous_at, last_at=last_at)
    else:
        TodayVisit.objects.filter(pk=row.pk).update(previous_at=previous_at, last_at=last_at)
    return today_rules.notes_since(previous_at=previous_at, now=now)


# ---------------------------------------------------------------- contacts without a dossier


def contact_record(*, user: User | None, facility: Facility, contacted_on: date, caller: str, topic: str,
                   duration_min: int, outcome: str, referrer_category: str = "",
                   reason: str = "Contact sans dossier") -> Contact:
    """Log a call answered without opening a dossier (`log_contacts` in the facility): codes only, no name."""
    if user is not None and not access.has_permission(user, access.LOG_CONTACTS, facility):
        raise PermissionDenied
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": _("Un contact ne peut pas être daté dans le futur.")})
    if caller == contact_codes.PROFESSIONAL and not referrer_category:
        raise ValidationError({"referrer_category": _("Indiquez la catégorie du professionnel qui appelle.")})
    if caller != contact_codes.PROFESSIONAL and referrer_category:
        raise ValidationError({"referrer_category": _("La catégorie ne se donne que pour un professionnel du "
                                                      "réseau.")})
    return record_save(Contact(facility=facility, contacted_on=contacted_on, caller=caller,
                               referrer_category=referrer_category, topic=topic, duration_min=duration_min,
                               outcome=outcome), user=user, reason=reason)
