"""Keeping the summary tables (`competencies.models.summaries`) equal to the rules'
output.

HOW THEY ARE KEPT (docs/performance.md, "Summary tables"):
- In the same transaction as the change. Every service that changes an input calls
  `summaries_refresh_for_employees` (or one of the two halves) for the employees
  concerned: the assessment services (`competencies.services.assessments`) after a
  decision or a withdrawal, the record services (`competencies.services.records`) after
  an approval, a course record, a withdrawal or a restore. Same transaction rather
  than a task: a refresh is two to four small queries for one employee, and a report
  read right after the change (HR approves, then opens the heat-map) must already show
  it; a task would leave a window and need a broker to be right.
- The employee row is locked (`select_for_update`) before the rule runs, so two
  transactions changing the same employee's inputs refresh one after the other, each
  seeing the other's committed change: no lost update. LOCK ORDER (with
  `lms.services.certificates`): certificate → training record → employee → assessment.
  The record services lock the record, then the refresh takes the employee; the
  assessment services take the employee (`employee_lock`) before the assessment, so a
  revocation (record, then the course-completion assessments) and an HR decision on one
  of those assessments cannot wait on each other.
- The gap counts (`GapCount`, per unit × competency) also depend on where
  employees are and what their positions require: the current-level refreshes above
  refresh the units of the employees whose levels changed; the employee services
  (`competencies.services.employees`: create, edit of unit or position, deactivate,
  reactivate) refresh the old and the new unit; the position services and the position
  import refresh the units holding a position whose standard changed; the employee
  import refreshes every unit it added to, moved from or to. A unit's refresh locks the
  unit rows (after the employees: LOCK ORDER ... → employee → unit) and writes only the
  differences.
- By date: a current level changes without any write when an approved assessment's
  validity ends or a future-dated one starts. Each row carries that day (`refresh_on`);
  readers compute such a row afresh, and `current_levels_sweep` (Celery beat, daily)
  refreshes the employees whose day has come.
- From scratch: `summaries_rebuild` (`manage.py hr_summaries_rebuild`) in batches; it
  writes only what differs, so running it twice, or on a table already right, changes
  nothing.

Each refresh computes with the rules themselves (`current_level_rows`, `jp_by_employee`,
the bulk form of the JP rule that `jp_years_for_employee` gives each year of): what the
JP rule counts and how is decided there only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from competencies.models import (
    CurrentLevel,
    Employee,
    EmployeeJpYear,
    GapCount,
    OrgUnit,
    PositionRequirement,
    TrainingRecord,
)
from competencies.selectors.jp import jp_by_employee, jp_counted_records
from competencies.selectors.levels import current_level_rows

BATCH_SIZE = 1000
_JP_PLACES = Decimal("0.1")  # EmployeeJpYear.jp


@dataclass
class SummaryChanges:
    """How many rows a refresh inserted, updated and deleted."""

    created: int = 0
    updated: int = 0
    deleted: int = 0

    def __iadd__(self, other: SummaryChanges) -> SummaryChanges:
        self.created += other.created
        self.updated += other.updated
        self.deleted += other.deleted
        return self

    @property
    def total(self) -> int:
        return self.created + self.updated + self.deleted


def _lock(employee_ids: Iterable[int]) -> list[Employee]:
    """The employees, locked in key order (the order every refresh takes them in)."""
    return list(
        Employee.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(set(employee_ids)))
        .order_by("pk")
    )


def _write_differences(
    model: type[Model],
    *,
    rows: Iterable[Any],
    wanted: dict[Any, tuple],
    key_fields: tuple[str, ...],
    fields: tuple[str, ...],
    stamp: dict[str, Any] | None = None,
    update: Callable[[list[Any]], None] | None = None,
) -> SummaryChanges:
    """Makes a summary table's `rows` (the ones in question, read once, keyed by their
    `key_fields`) what `wanted` ({key: values of `fields`}) says, writing only the
    differences: deletes the rows no longer wanted, inserts the new ones and updates the rows
    whose values changed, setting `stamp` (the day computed) on each row written. At most
    three writes; `update` replaces the bulk update for a table that writes its changes
    another way. The one home of the write step of every summary sync."""
    stamp = stamp or {}
    existing = {tuple(getattr(row, name) for name in key_fields): row for row in rows}
    changes = SummaryChanges()
    gone = [row.pk for key, row in existing.items() if key not in wanted]
    if gone:
        changes.deleted = model._default_manager.filter(pk__in=gone).delete()[0]
    changed, new = [], []
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            parts = zip(key_fields, key, strict=True)
            new.append(model(**dict(parts), **dict(zip(fields, values, strict=True)), **stamp))
        elif tuple(getattr(row, name) for name in fields) != values:
            for name, value in [*zip(fields, values, strict=True), *stamp.items()]:
                setattr(row, name, value)
            changed.append(row)
    if changed:
        if update is not None:
            update(changed)
        else:
            model._default_manager.bulk_update(changed, [*fields, *stamp], batch_size=BATCH_SIZE)
    if new:
        model._default_manager.bulk_create(new, batch_size=BATCH_SIZE)
    changes.updated, changes.created = len(changed), len(new)
    return changes


def _current_levels_sync(employee_ids: list[int]) -> SummaryChanges:
    """Makes the current-level rows of these employees what the rule gives today,
    writing only the differences. Two reads and at most three writes."""
    today = timezone.localdate()
    wanted = current_level_rows(employee_ids=employee_ids, as_of=today)
    return _write_differences(
        CurrentLevel,
        rows=CurrentLevel.objects.filter(employee_id__in=employee_ids),
        wanted={key: (want.level, want.refresh_on) for key, want in wanted.items()},
        key_fields=("employee_id", "competency_id"),
        fields=("level", "refresh_on"),
        stamp={"computed_on": today},
    )


def _jp_years_sync(employees: list[Employee]) -> SummaryChanges:
    """Makes the JP rows of these employees what the JP rule gives, writing only the
    differences. Read together: the years they have counted records in (one query),
    then `jp_by_employee` for each of those years (one query each), so a batch of a
    thousand employees costs a handful of queries, not one per employee (a conversion
    change refreshes every employee with such a record: issue 18)."""
    ids = [employee.pk for employee in employees]
    years = sorted(
        {
            day.year
            for day in jp_counted_records(employee_ids=ids).order_by().dates("finished_on", "year")
        }
    )
    wanted: dict[tuple[int, int], Decimal] = {}
    for year in years:
        for employee_id, jp in jp_by_employee(year=year, employee_ids=ids).items():
            wanted[(employee_id, year)] = jp
    return _write_differences(
        EmployeeJpYear,
        rows=EmployeeJpYear.objects.filter(employee_id__in=ids),
        # Quantized as the column stores it, so an unchanged figure is not rewritten.
        wanted={key: (jp.quantize(_JP_PLACES),) for key, jp in wanted.items()},
        key_fields=("employee_id", "year"),
        fields=("jp",),
        update=_jp_update,
    )


def _jp_update(changed: list[EmployeeJpYear]) -> None:
    """One UPDATE per distinct new JP figure (tens in a batch of a thousand) rather than
    bulk_update's CASE over every row, which Django builds one expression per row for."""
    by_jp: dict[Decimal, list[int]] = defaultdict(list)
    for row in changed:
        by_jp[row.jp].append(row.pk)
    for jp, pks in by_jp.items():
        EmployeeJpYear.objects.filter(pk__in=pks).update(jp=jp)


# GAP COUNTS ------------------------------------------------------------------------------

# A pair's gap test over the current-level table: what `_heatmap_cells_today` and
# `employee_gaps_counted` (competencies.selectors.gaps) compare, a missing level being 0.
_BELOW = "r.required_level > COALESCE(cl.level, 0)"


def _gap_count_rows(unit_ids: list[int] | None) -> dict[tuple[int, int], tuple]:
    """{(unit, competency): (required, below, gap total, ids of those below in order)} of
    these units' own active employees (every unit's with None), compared in the database.
    One query."""
    where = ""
    params: list[bool | int] = [True]
    if unit_ids is not None:
        if not unit_ids:
            return {}
        where = f" AND e.unit_id IN ({', '.join(['%s'] * len(unit_ids))})"
        params += unit_ids
    # PostgreSQL gives an array, SQLite a comma-separated text (or NULL for nobody).
    ids = (
        f"array_agg(e.id) FILTER (WHERE {_BELOW})"
        if connection.vendor == "postgresql"
        else f"group_concat(CASE WHEN {_BELOW} THEN e.id END)"
    )
    sql = (
        "SELECT e.unit_id, r.competency_id, COUNT(*),"  # noqa: S608  # nosec B608
        f" SUM(CASE WHEN {_BELOW} THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {_BELOW} THEN r.required_level - COALESCE(cl.level, 0) ELSE 0 END),"
        f" {ids}"
        f" FROM {Employee._meta.db_table} e"  # tables from _meta, values as parameters
        f" JOIN {PositionRequirement._meta.db_table} r ON r.position_id = e.position_id"
        f" LEFT JOIN {CurrentLevel._meta.db_table} cl"
        " ON cl.employee_id = e.id AND cl.competency_id = r.competency_id"
        f" WHERE e.is_active = %s AND e.unit_id IS NOT NULL{where}"
        " GROUP BY e.unit_id, r.competency_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            (unit, competency): (int(required), int(below), int(gap_total), _id_list(below_ids))
            for unit, competency, required, below, gap_total, below_ids in cursor.fetchall()
        }


def _id_list(ids: list[int] | str | None) -> list[int]:
    if not ids:
        return []
    return sorted(int(pk) for pk in (ids.split(",") if isinstance(ids, str) else ids))


def _gap_counts_sync(unit_ids: Iterable[int | None] | None) -> SummaryChanges:
    """Makes the gap-count rows of these units (every unit with None) what the
    comparison gives now, writing only the differences. The units' rows are locked first,
    in key order, so two transactions refreshing one unit run one after the other (LOCK
    ORDER: after the employees). Three reads and at most three writes."""
    ids = None if unit_ids is None else sorted({pk for pk in unit_ids if pk is not None})
    units = OrgUnit.objects.select_for_update().order_by("pk")
    locked = list((units if ids is None else units.filter(pk__in=ids)).values_list("pk", flat=True))
    wanted = _gap_count_rows(None if ids is None else locked)
    return _write_differences(
        GapCount,
        rows=GapCount.objects.all() if ids is None else GapCount.objects.filter(unit_id__in=locked),
        wanted=wanted,
        key_fields=("unit_id", "competency_id"),
        fields=("required", "below", "gap_total", "below_ids"),
    )


def gap_counts_refresh(*, unit_ids: Iterable[int | None]) -> SummaryChanges:
    """Refreshes the gap counts of these units: after an employee joined, left, moved
    or changed position (both units), or their current levels changed. No query
    without a unit (None stands for an employee without one)."""
    ids = [pk for pk in unit_ids if pk is not None]
    if not ids:
        return SummaryChanges()
    with transaction.atomic():
        return _gap_counts_sync(ids)


@transaction.atomic
def gap_counts_refresh_for_positions(*, position_ids: Iterable[int]) -> SummaryChanges:
    """Refreshes the gap counts of every unit with an active holder of these positions:
    after their competency standard (the required levels) changed."""
    units = Employee.objects.filter(
        position_id__in=list(position_ids), is_active=True, unit__isnull=False
    ).values_list("unit_id", flat=True)
    return _gap_counts_sync(set(units))


@transaction.atomic
def gap_counts_rebuild() -> SummaryChanges:
    """Every unit's gap counts (an import of positions or employees, the rebuild)."""
    return _gap_counts_sync(None)


@transaction.atomic
def employee_lock(*, employee_id: int) -> None:
    """Locks the employee row, for a service that must take it before other rows (the
    assessment services lock the employee before the assessment; see the lock order
    above)."""
    _lock([employee_id])


@transaction.atomic
def current_levels_refresh(*, employee_ids: Iterable[int]) -> SummaryChanges:
    """Refreshes the current levels of these employees (after an assessment changed)."""
    employees = _lock(employee_ids)
    changes = _current_levels_sync([e.pk for e in employees])
    if changes.total:
        _gap_counts_sync({e.unit_id for e in employees})
    return changes


@transaction.atomic
def jp_years_refresh(*, employee_ids: Iterable[int]) -> SummaryChanges:
    """Refreshes the yearly JP of these employees (after a training record changed)."""
    return _jp_years_sync(_lock(employee_ids))


@transaction.atomic
def summaries_refresh_for_employees(
    *, employee_ids: Iterable[int], gap_counts: bool = True
) -> SummaryChanges:
    """Both tables for these employees, and the gap counts of their units when their
    levels changed (`gap_counts=False`: the caller refreshes those itself)."""
    employees = _lock(employee_ids)
    levels = _current_levels_sync([e.pk for e in employees])
    if levels.total and gap_counts:
        _gap_counts_sync({e.unit_id for e in employees})
    levels += _jp_years_sync(employees)
    return levels


def jp_years_refresh_for_activity(*, activity: str) -> int:
    """Refreshes the yearly JP of every employee with a record of this conversion-table
    activity, batch by batch: a version of the table with a yearly cap changes what the
    JP rule gives them (competencies.services.jp_conversion). Idempotent; returns how
    many employees. Run by `competencies.tasks.jp_years_refresh_for_activity`."""
    ids = sorted(
        set(TrainingRecord.objects.filter(activity=activity).values_list("employee_id", flat=True))
    )
    for start in range(0, len(ids), BATCH_SIZE):
        jp_years_refresh(employee_ids=ids[start : start + BATCH_SIZE])
    return len(ids)


def current_levels_sweep() -> int:
    """Refreshes the employees with a current level whose `refresh_on` day has come (an
    assessment's validity ended or started). Idempotent; returns how many employees.
    Run daily by Celery beat (`competencies.tasks.current_levels_sweep`)."""
    today = timezone.localdate()
    due = sorted(
        set(
            CurrentLevel.objects.filter(refresh_on__lte=today).values_list("employee_id", flat=True)
        )
    )
    for start in range(0, len(due), BATCH_SIZE):
        current_levels_refresh(employee_ids=due[start : start + BATCH_SIZE])
    return len(due)


def summaries_rebuild(*, batch_size: int = BATCH_SIZE) -> SummaryChanges:
    """Both tables for every employee, from the rules, batch by batch (one transaction
    per batch), then every unit's gap counts from them. Writes only what differs:
    idempotent. Rows of deleted employees go with them (the foreign keys cascade)."""
    changes = SummaryChanges()
    ids = list(Employee.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        changes += summaries_refresh_for_employees(
            employee_ids=ids[start : start + batch_size], gap_counts=False
        )
    changes += gap_counts_rebuild()
    return changes
