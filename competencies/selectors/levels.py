"""Current competency levels: the latest approved, still valid assessment per employee
and competency."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import F, Q, QuerySet, Window
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
