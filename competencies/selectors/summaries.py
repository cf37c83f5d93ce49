"""Reads of the summary tables (`competencies.models.summaries`): the current levels
and the yearly JP that HR's reports and the learner's dashboard show, one indexed read
instead of the rule's computation. The rules stay where they are
(`competencies.selectors.levels`, `competencies.selectors.jp`); the tables hold their
output, kept by `competencies.services.summaries`.

Scope: every read here takes the employees (ids or a queryset) it is about, from the
caller's scoped queryset (`competencies.selectors.hr_scope`); the tables know no unit."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import DecimalField, F, FilteredRelation, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from competencies.models import CurrentLevel, Employee, EmployeeJpYear
from competencies.selectors.levels import current_levels

_JP = DecimalField(max_digits=7, decimal_places=1)


def current_levels_summary(*, employee_ids: Iterable[int] | QuerySet) -> dict[tuple[int, int], int]:
    """{(employee id, competency id): level} today, as `current_levels` gives it, read
    from the current-level table. One query; a second one, limited to the employees
    concerned, only when a row's `refresh_on` day has come before the daily sweep
    refreshed it (an assessment expired or started today): those are computed afresh."""
    today = timezone.localdate()
    levels: dict[tuple[int, int], int] = {}
    stale: set[int] = set()
    rows = CurrentLevel.objects.filter(employee_id__in=employee_ids).values_list(
        "employee_id", "competency_id", "level", "refresh_on"
    )
    for employee_id, competency_id, level, refresh_on in rows:
        if refresh_on is not None and refresh_on <= today:
            stale.add(employee_id)
        elif level is not None:
            levels[(employee_id, competency_id)] = level
    if stale:
        levels = {key: level for key, level in levels.items() if key[0] not in stale}
        levels.update(current_levels(employee_ids=sorted(stale), as_of=today))
    return levels


def jp_by_employee_summary(
    *, year: int, employee_ids: Iterable[int] | QuerySet
) -> dict[int, Decimal]:
    """{employee id: JP} for a calendar year from the JP table (what
    `competencies.selectors.jp.jp_by_employee` computes); employees without counted
    records are absent. One query."""
    return dict(
        EmployeeJpYear.objects.filter(year=year, employee_id__in=employee_ids).values_list(
            "employee_id", "jp"
        )
    )


def jp_for_employee_year(*, employee: Employee, year: int) -> Decimal:
    """One employee's JP for a calendar year from the JP table (the dashboard's figure):
    what `jp_total_for_employee` computes. One query."""
    jp = (
        EmployeeJpYear.objects.filter(employee_id=employee.pk, year=year)
        .values_list("jp", flat=True)
        .first()
    )
    return jp if jp is not None else Decimal(0)


def employees_with_jp_summary(*, employees: QuerySet[Employee], year: int) -> QuerySet[Employee]:
    """Annotates `jp` (the year's JP from the JP table, 0 without a row), so the database
    filters, sorts and paginates on it: `employees_with_jp` read instead of summed. A
    LEFT JOIN on the year's row (one at most: unique per employee and year), which the
    database hashes once, rather than a lookup per employee for each use of `jp`."""
    return employees.annotate(
        jp_year=FilteredRelation("jp_years", condition=Q(jp_years__year=year))
    ).annotate(jp=Coalesce(F("jp_year__jp"), Value(Decimal(0)), output_field=_JP))
