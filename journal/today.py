"""The rules of the Today page, as pure functions over dates: when a stay's next synthesis meeting is due,
what "this week" is, when an unacknowledged alert is overdue, and since when notes are new."""

from __future__ import annotations

from datetime import date, datetime, timedelta

# "This week" on the Today page: today and the six days after it, so that on a Friday the next Monday's
# arrivals still show.
WEEK_DAYS = 7
# A visit of the Today page ends after this much time without opening it again: the notes written since the
# visit before are the new ones, and they stay new while the user comes back within the same visit.
VISIT_GAP = timedelta(minutes=30)
# A first visit shows the notes of the last days.
FIRST_VISIT_LOOKBACK = timedelta(days=7)

OVERDUE, DUE = "overdue", "due"


def week_end(today: date) -> date:
    return today + timedelta(days=WEEK_DAYS - 1)


def meeting_due_on(*, admitted_on: date, last_meeting_on: date | None, every_weeks: int) -> date:
    """A synthesis meeting is expected `every_weeks` weeks after the previous one, or after the admission."""
    return (last_meeting_on or admitted_on) + timedelta(weeks=every_weeks)


def due_status(due_on: date, *, today: date) -> str | None:
    """`overdue` before today, `due` from today to the end of the week, None later."""
    if due_on < today:
        return OVERDUE
    if due_on <= week_end(today):
        return DUE
    return None


def alert_overdue(*, raised_on: date, today: date, overdue_days: int) -> bool:
    """An alert is overdue when nobody acknowledged it within `overdue_days` days of being raised."""
    return (today - raised_on).days > overdue_days


def visit(*, previous_at: datetime | None, last_at: datetime | None, now: datetime
          ) -> tuple[datetime | None, datetime]:
    """The (previous visit, this visit) pair to store once the page is opened at `now`."""
    if last_at is None:
        return None, now
    if now - last_at > VISIT_GAP:
        return last_at, now
    return previous_at, now


def notes_since(*, previous_at: datetime | None, now: datetime) -> datetime:
    return previous_at if previous_at is not None else now - FIRST_VISIT_LOOKBACK
