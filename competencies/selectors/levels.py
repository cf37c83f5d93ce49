"""Current competency levels: the latest approved, still valid assessment per employee
and competency."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Min, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from competencies.models import Assessment


def _today() -> datetime.date:
    return timezone.localdate()


def current_assessments(
    *, employee_ids: Iterable[int] | QuerySet, as_of: datetime.date | None = None
) -> QuerySet[Assessment]:
    """For each (employee, competency): the latest approved assessment that is valid on
    `as_of`. Drafts, submitted, rejected and expired assessments never count, so an
    unapproved self-assessment never becomes a current level."""
    as_of = as_of or _today()
    return (
        Assessment.objects.filter(
            employee_id__in=employee_ids,
            status=Assessment.Status.APPROVED,
            assessed_on__lte=as_of,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=as_of))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("employee_id"), F("competency_id")],
                order_by=[F("assessed_on").desc(), F("decided_at").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
    )


def current_levels(
    *, employee_ids: Iterable[int] | QuerySet, as_of: datetime.date | None = None
) -> dict[tuple[int, int], int]:
    """{(employee id, competency id): level} in one query."""
    rows = current_assessments(employee_ids=employee_ids, as_of=as_of).values_list(
        "employee_id", "competency_id", "level"
    )
    return {(e, c): level for e, c, level in rows}


@dataclass(frozen=True)
class CurrentLevelRow:
    """What the current-level summary stores for one (employee, competency): the level
    `current_assessments` gives on `as_of` (None: none yet) and the first later day it
    may change by the date alone (an approved assessment's validity starting or ending;
    None: never)."""

    level: int | None
    refresh_on: datetime.date | None


def current_level_rows(
    *, employee_ids: Iterable[int] | QuerySet, as_of: datetime.date | None = None
) -> dict[tuple[int, int], CurrentLevelRow]:
    """{(employee id, competency id): CurrentLevelRow} for every pair with an approved
    assessment that is current on `as_of` or becomes or stays current later. The level is
    `current_levels` (the rule above); the day comes from the approved assessments'
    dates. Two queries."""
    as_of = as_of or _today()
    levels = current_levels(employee_ids=employee_ids, as_of=as_of)
    starts = (
        Assessment.objects.filter(employee_id__in=employee_ids, status=Assessment.Status.APPROVED)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=as_of))
        .order_by()
        .values("employee_id", "competency_id")
        .annotate(
            next_start=Min("assessed_on", filter=Q(assessed_on__gt=as_of)),
            next_end=Min("valid_until"),
        )
        .values_list("employee_id", "competency_id", "next_start", "next_end")
    )
    rows: dict[tuple[int, int], CurrentLevelRow] = {}
    for employee_id, competency_id, next_start, next_end in starts:
        days = [d for d in (next_start, next_end + _DAY if next_end else None) if d]
        rows[(employee_id, competency_id)] = CurrentLevelRow(
            level=levels.get((employee_id, competency_id)), refresh_on=min(days, default=None)
        )
    return rows


_DAY = datetime.timedelta(days=1)
