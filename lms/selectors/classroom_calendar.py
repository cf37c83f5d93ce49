"""HR's batch calendar (docs/classroom.md, "Batch calendar"): one month of sessions in a
week-by-week grid and the batches running in it, within the HR manager's scope, filtered
by the organising OPD and the mode. A fixed number of queries, whatever the month holds."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from lms.models import Batch, Session
from lms.selectors.classroom import batch_list_for_hr

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from competencies.models import OrgUnit


@dataclass(frozen=True)
class CalendarDay:
    date: datetime.date
    in_month: bool
    is_today: bool
    sessions: list[Session]


@dataclass(frozen=True)
class CalendarMonth:
    first: datetime.date
    weeks: list[list[CalendarDay]]
    batches: list[Batch]
    session_count: int

    @property
    def previous(self) -> datetime.date:
        return (self.first - datetime.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> datetime.date:
        return (self.first + datetime.timedelta(days=32)).replace(day=1)


def month_parse(value: str | None) -> datetime.date:
    """`YYYY-MM` → its first day; anything else → this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def batch_calendar_month(
    *,
    user: User | AnonymousUser,
    first: datetime.date,
    unit: OrgUnit | None = None,
    mode: str = "",
) -> CalendarMonth:
    """The month starting at `first`: the sessions of the batches in the HR manager's
    scope (cancelled batches left out) by day, Monday first, and the batches that run in
    the month (every status, so a cancelled one can be seen as such). Two queries."""
    weeks_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    grid_start, grid_end = weeks_dates[0][0], weeks_dates[-1][-1]
    month_end = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    batches = batch_list_for_hr(user=user)
    if unit is not None:
        batches = batches.filter(unit__path__startswith=unit.path)
    if mode:
        batches = batches.filter(mode=mode)
    sessions = list(
        Session.objects.filter(
            batch__in=batches.exclude(status=Batch.Status.CANCELLED),
            date__gte=grid_start,
            date__lte=grid_end,
        )
        .select_related("batch__course")
        .order_by("date", "start_time", "pk")
    )
    by_day: dict[datetime.date, list[Session]] = {}
    for session in sessions:
        by_day.setdefault(session.date, []).append(session)
    today = timezone.localdate()
    weeks = [
        [CalendarDay(d, d.month == first.month, d == today, by_day.get(d, [])) for d in week]
        for week in weeks_dates
    ]
    in_month = list(
        batches.filter(starts_on__lte=month_end, ends_on__gte=first).order_by(
            "starts_on", "number", "pk"
        )
    )
    return CalendarMonth(
        first=first,
        weeks=weeks,
        batches=in_month,
        session_count=sum(1 for s in sessions if s.date.month == first.month),
    )
