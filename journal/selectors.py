"""Reads of the daily record, scoped by the access module and by the confidentiality of each note."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from admissions import selectors as admission_selectors
from admissions.models import Adult, DiagnosisCode, SynthesisMeeting
from assessments import due as due_rules
from assessments import selectors as assessment_selectors
from assessments.models import Alert
from documents import selectors as document_selectors
from documents import services as document_services
from documents.models import ConsentScope
from journal import confidentiality, contacts, note_templates
from journal import today as today_rules
from journal.models import (
    OPEN_STATUSES,
    CareGoal,
    Contact,
    GoalDomain,
    GoalReview,
    Note,
    NoteTemplate,
    ParentParticipation,
    TodaySettings,
)
from unit import access
from unit.models import Membership

SEARCH_LIMIT = 200
# The Today page lists the latest new notes, not all of them: the journal search reads the rest.
TODAY_NOTES_LIMIT = 20
MANDATES_WITHIN_DAYS = 30


def notes_visible(*, user: AbstractBaseUser) -> QuerySet[Note]:
    """The notes the user may read: in the facilities where they read records, restricted ones only when
    they wrote them or are a therapist of the note's facility. Every page, search and export starts here."""
    notes = access.scope(Note.objects.filter(entered_in_error=False), user)
    readable = confidentiality.readable_q(
        user_id=user.pk if user.is_authenticated else None,
        restricted_facility_ids=access.facility_ids(user, access.READ_RESTRICTED))
    return notes.filter(readable).select_related("author", "facility")


def notes_of_stay(*, user: AbstractBaseUser, stay_id: int) -> QuerySet[Note]:
    return notes_visible(user=user).filter(stay_id=stay_id)


def notes_of_family(*, user: AbstractBaseUser, family_id: int) -> QuerySet[Note]:
    """The family's notes: those about the family as a whole and those of its stays."""
    return notes_visible(user=user).filter(family_id=family_id).select_related("stay", "stay__child")


def note_search(*, user: AbstractBaseUser, text: str = "", kind: str = "", facility_code: str = "",
                since: date | None = None, until: date | None = None) -> list[Note]:
    notes = notes_visible(user=user).select_related("family", "stay", "stay__child")
    if text.strip():
        notes = notes.filter(text__icontains=text.strip())
    if kind:
        notes = notes.filter(kind=kind)
    if facility_code:
        notes = notes.filter(facility__code=facility_code)
    if since:
        notes = notes.filter(written_at__date__gte=since)
    if until:
        notes = notes.filter(written_at__date__lte=until)
    return list(notes[:SEARCH_LIMIT])


def note_for_correction(*, user: AbstractBaseUser, pk: int) -> Note:
    """The note if the user may read it (404 otherwise); only its author corrects it (the service says so)."""
    note = notes_visible(user=user).select_related("stay", "stay__child", "family").filter(pk=pk).first()
    if note is None:
        raise Http404
    return note


def family_note_facilities(*, user: AbstractBaseUser, family) -> QuerySet:
    """Where the user may write a note about the family: the facilities following it where they write care."""
    writable = access.facilities_of(family) & access.facility_ids(user, access.EDIT_CARE)
    return access.facilities_for(user, access.EDIT_CARE).filter(pk__in=writable).order_by("name")


def templates_for(*, facility_id: int) -> list[note_templates.Template]:
    """The templates offered in a facility: those its administrator chose, else the product's defaults."""
    rows = list(NoteTemplate.objects.filter(facility_id=facility_id))
    if not rows:
        return list(note_templates.DEFAULTS)
    return [note_templates.Template(str(row.pk), row.kind, row.title, tuple(row.headings()))
            for row in rows if row.active]


def templates_administered(*, user: AbstractBaseUser) -> QuerySet[NoteTemplate]:
    return access.scope(NoteTemplate.objects.all(), user, access.ADMINISTER).select_related("facility")


def template_for_edit(*, user: AbstractBaseUser, pk: int) -> NoteTemplate:
    template = templates_administered(user=user).filter(pk=pk).first()
    if template is None:
        raise Http404
    return template


# ---------------------------------------------------------------- care plan


def care_plan(*, user: AbstractBaseUser, stay_id: int) -> dict:
    """The stay's care plan as the printable page shows it: goals by domain with their reviews, and the
    synthesis meetings with the parents' participation (a fixed number of queries)."""
    goals = list(access.scope(CareGoal.objects.filter(stay_id=stay_id, entered_in_error=False), user)
                 .select_related("responsible", "set_at")
                 .prefetch_related(Prefetch("reviews", queryset=GoalReview.objects.filter(
                     entered_in_error=False).select_related("meeting")))
                 .order_by("domain", "pk"))
    meetings = list(access.scope(SynthesisMeeting.objects.filter(stay_id=stay_id, entered_in_error=False), user)
                    .prefetch_related(Prefetch("parent_participations", queryset=ParentParticipation.objects.filter(
                        entered_in_error=False).select_related("adult")))
                    .annotate(reviewed=Count("goal_reviews"))
                    .order_by("held_on", "pk"))
    labels = dict(GoalDomain.choices)
    by_domain: dict[str, list[CareGoal]] = {}
    for goal in goals:
        by_domain.setdefault(goal.domain, []).append(goal)
    return {"domains": [(code, labels[code], by_domain[code]) for code in GoalDomain.values if code in by_domain],
            "goals": goals, "meetings": meetings}


def care_staff(*, facility_id: int) -> QuerySet:
    """Who may carry a goal: the facility's care professionals (`edit_care` there)."""
    roles = [role for role, perms in access.ROLE_PERMISSIONS.items() if access.EDIT_CARE in perms]
    staff = Membership.objects.filter(facility_id=facility_id, role__in=roles, active=True).values("user_id")
    return get_user_model().objects.filter(pk__in=staff, is_active=True).order_by("username")


def meeting_for_review(*, user: AbstractBaseUser, pk: int) -> SynthesisMeeting:
    return access.object_for(user=user, pk=pk, permission=access.EDIT_CARE,
                             queryset_or_model=SynthesisMeeting.objects.select_related(
                                 "stay", "stay__facility", "stay__child", "stay__child__family"))


def goals_to_review(*, meeting: SynthesisMeeting) -> list[CareGoal]:
    """The open goals a meeting reviews: set before it (or outside any meeting), not closed."""
    return list(CareGoal.objects.filter(
        Q(set_at__isnull=True) | Q(set_at__held_on__lt=meeting.held_on), stay_id=meeting.stay_id,
        entered_in_error=False, status__in=OPEN_STATUSES).order_by("domain", "pk"))


def meeting_parents(*, meeting: SynthesisMeeting) -> QuerySet[Adult]:
    return Adult.objects.filter(family_id=meeting.stay.child.family_id, entered_in_error=False).order_by("role", "pk")


def goal_for_edit(*, user: AbstractBaseUser, pk: int) -> CareGoal:
    return access.object_for(user=user, pk=pk, permission=access.EDIT_CARE,
                             queryset_or_model=CareGoal.objects.select_related("stay", "stay__child",
                                                                                "stay__child__family"))


# ---------------------------------------------------------------- chronology


def chronology(*, user: AbstractBaseUser, stay_id: int) -> tuple:
    """The stay with every relation its timeline reads, its alerts and the notes the user may read
    (a fixed number of queries, whatever the length of the stay)."""
    stay = admission_selectors.stay_detail(user=user, pk=stay_id)
    alerts = list(access.scope(Alert.objects.filter(assessment__stay_id=stay.pk, assessment__entered_in_error=False),
                               user).select_related("assessment"))
    notes = list(notes_of_stay(user=user, stay_id=stay.pk))
    return stay, alerts, notes


# ---------------------------------------------------------------- stay summary and discharge letter


def diagnosis_code_labels(*, stay) -> dict[tuple[str, str], str]:
    """(classification, code) -> label of the codes the stay's diagnoses use (one query), for a diagnosis
    recorded with its code alone."""
    codes = {d.code for d in stay.diagnoses.all()}
    if not codes:
        return {}
    lang_en = (get_language() or "fr").lower().startswith("en")
    return {(c.classification, c.code): (c.label_en if lang_en else c.label_fr or c.label_en)
            for c in DiagnosisCode.objects.filter(code__in=codes)}


def stay_summary(*, user: AbstractBaseUser, stay_id: int) -> dict:
    """The stay with every relation its summary reads, its care plan and the labels of its diagnosis codes
    (a fixed number of queries, whatever the length of the stay). No journal note is loaded."""
    stay = admission_selectors.stay_detail(user=user, pk=stay_id)
    plan = care_plan(user=user, stay_id=stay.pk)
    return {"stay": stay, "goals": plan["goals"], "meetings": plan["meetings"],
            "code_labels": diagnosis_code_labels(stay=stay),
            "network_sharing": document_services.consent_holds(family=stay.child.family,
                                                               scope=ConsentScope.NETWORK_SHARING)}


def family_chronology(*, user: AbstractBaseUser, family_id: int) -> dict:
    """The family with its requests, every stay of it the user may read with what a timeline reads, and the
    alerts, notes (restricted ones only for their readers) and documents the user may read: a fixed number
    of queries, whatever the number of stays, notes or documents."""
    family = admission_selectors.family_detail(user=user, pk=family_id)
    stays = admission_selectors.family_stays_detailed(user=user, family_id=family.pk)
    alerts = list(access.scope(Alert.objects.filter(assessment__stay__child__family_id=family.pk,
                                                    assessment__entered_in_error=False), user)
                  .select_related("assessment"))
    return {"family": family, "stays": stays, "requests": list(family.requests.all()), "alerts": alerts,
            "notes": list(notes_of_family(user=user, family_id=family.pk)),
            "documents": list(document_selectors.documents_of_family(user=user, family_id=family.pk))}


# ---------------------------------------------------------------- the Today page


def today_settings(*, facility_ids) -> dict[int, TodaySettings]:
    """Each facility's rhythm: its own row, else the defaults (an unsaved row)."""
    own = {row.facility_id: row for row in TodaySettings.objects.filter(facility_id__in=list(facility_ids))}
    return {fid: own.get(fid) or TodaySettings(facility_id=fid) for fid in facility_ids}


def today_settings_administered(*, user: AbstractBaseUser) -> list[TodaySettings]:
    facilities = list(access.facilities_for(user, access.ADMINISTER).order_by("name"))
    rows = today_settings(facility_ids={f.pk for f in facilities})
    for facility in facilities:
        rows[facility.pk].facility = facility
    return [rows[f.pk] for f in facilities]


def today(*, user: AbstractBaseUser, since: datetime, on: date | None = None) -> dict:
    """What the Today page shows the user, in the facilities where they read records (a fixed number of
    queries, whatever the number of residents, alerts and notes)."""
    on = on or timezone.localdate()
    end = today_rules.week_end(on)
    rhythm = today_settings(facility_ids=access.facility_ids(user))

    arrivals = list(admission_selectors.requests_visible(user=user, status="accepted")
                    .filter(planned_admission_on__range=(on, end))
                    .exclude(stays__entered_in_error=False)
                    .prefetch_related("children").order_by("planned_admission_on", "pk"))
    discharges = list(admission_selectors.stays_visible(user=user)
                      .filter(discharged_on__isnull=True, planned_end_on__lte=end)
                      .select_related("facility", "child", "child__family").order_by("planned_end_on", "pk"))

    alerts = []
    for alert in assessment_selectors.alerts_open(user=user).order_by("created_at", "pk"):
        overdue = today_rules.alert_overdue(
            raised_on=timezone.localdate(alert.created_at), today=on,
            overdue_days=rhythm[alert.assessment.stay.facility_id].alert_overdue_days)
        alerts.append({"alert": alert, "overdue": overdue})
    alerts.sort(key=lambda row: not row["overdue"])

    assessments_due = [row for row in assessment_selectors.due_for(user=user)
                       if row["item"].status in (due_rules.DUE, due_rules.OVERDUE)]

    meetings = []
    open_stays = (admission_selectors.stays_visible(user=user)
                  .filter(discharged_on__isnull=True, admitted_on__lte=on)
                  .annotate(last_meeting_on=Max("meetings__held_on", filter=Q(meetings__entered_in_error=False)))
                  .select_related("facility", "child", "child__family"))
    for stay in open_stays:
        due_on = today_rules.meeting_due_on(admitted_on=stay.admitted_on, last_meeting_on=stay.last_meeting_on,
                                            every_weeks=rhythm[stay.facility_id].meeting_every_weeks)
        status = today_rules.due_status(due_on, today=on)
        if status is not None:
            meetings.append({"stay": stay, "due_on": due_on, "status": status})
    meetings.sort(key=lambda row: (row["due_on"], row["stay"].pk))

    goals = []
    for goal in (access.scope(CareGoal.objects.filter(entered_in_error=False, status__in=OPEN_STATUSES,
                                                      target_on__lte=end, stay__discharged_on__isnull=True,
                                                      stay__entered_in_error=False), user)
                 .select_related("stay", "stay__child", "stay__child__family", "responsible")
                 .order_by("target_on", "pk")):
        goals.append({"goal": goal, "status": today_rules.due_status(goal.target_on, today=on)})

    return {
        "on": on, "week_end": end, "since": since,
        "arrivals": arrivals, "discharges": discharges, "alerts": alerts,
        "alerts_overdue": sum(row["overdue"] for row in alerts),
        "assessments_due": assessments_due, "meetings": meetings, "goals": goals,
        "mandates": list(document_selectors.mandates_ending(user=user, within_days=MANDATES_WITHIN_DAYS,
                                                            today=on)),
        "notes": list(notes_visible(user=user).filter(written_at__gt=since).exclude(author_id=user.pk)
                      .select_related("family", "stay", "stay__child")[:TODAY_NOTES_LIMIT]),
    }


# ---------------------------------------------------------------- contacts without a dossier

CONTACTS_LIST_LIMIT = 500


def contacts_logged(*, user: AbstractBaseUser, start: date, end: date, facility_code: str = "") -> QuerySet[Contact]:
    """The contacts of [start, end] in the facilities where the user logs contacts, latest first."""
    rows = access.scope(Contact.objects.filter(entered_in_error=False, contacted_on__range=(start, end)), user,
                        access.LOG_CONTACTS)
    if facility_code:
        rows = rows.filter(facility__code=facility_code)
    return rows.select_related("facility").order_by("-contacted_on", "-pk")


def contact_counts(*, contacts_q: QuerySet[Contact]) -> dict:
    """The count of the report's `contacts_without_file` for these contacts (1 query)."""
    return contacts.tally(contacts_q.order_by().values_list("caller", "outcome"))
