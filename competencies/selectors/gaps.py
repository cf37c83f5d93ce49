"""Gap analysis: required vs current competency levels, per employee and aggregated per
unit, position or unit × competency.

The gap selectors run a fixed number of queries whatever the data size: they fetch the
employees in scope, their positions' requirements and their current levels in one query
each, and compute the gaps in Python. Today's current levels come from the current-level
summary table (`competencies.selectors.summaries`); passing `as_of` computes another
day's with the rule (`competencies.selectors.levels`)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.module_loading import import_string

from competencies.models import (
    Competency,
    CurrentLevel,
    Employee,
    GapCount,
    OrgUnit,
    Position,
    PositionRequirement,
    ProficiencyLevel,
)
from competencies.selectors.levels import current_assessments, current_levels
from competencies.selectors.summaries import current_levels_summary


@dataclass(frozen=True)
class CompetencyGap:
    competency: Competency
    required_level: int | None
    current_level: int | None

    @property
    def gap(self) -> int:
        return max((self.required_level or 0) - (self.current_level or 0), 0)

    @property
    def meets_standard(self) -> bool:
        return self.gap == 0

    @property
    def assessed(self) -> bool:
        return self.current_level is not None


def competency_gaps_for_employee(
    *, employee: Employee, as_of: datetime.date | None = None
) -> list[CompetencyGap]:
    """Required vs current level for every competency of the employee's position
    standard, then any other competency the employee has a current level in. Two queries."""
    requirements = list(
        PositionRequirement.objects.filter(position_id=employee.position_id)
        .select_related("competency")
        .order_by("competency__code")
        if employee.position_id
        else []
    )
    currents = {
        a.competency_id: a
        for a in current_assessments(employee_ids=[employee.pk], as_of=as_of).select_related(
            "competency"
        )
    }
    gaps = [
        CompetencyGap(
            competency=r.competency,
            required_level=r.required_level,
            current_level=currents[r.competency_id].level if r.competency_id in currents else None,
        )
        for r in requirements
    ]
    required_ids = {r.competency_id for r in requirements}
    extra = sorted(
        (a for cid, a in currents.items() if cid not in required_ids),
        key=lambda a: a.competency.code,
    )
    gaps += [
        CompetencyGap(competency=a.competency, required_level=None, current_level=a.level)
        for a in extra
    ]
    return gaps


@dataclass(frozen=True)
class RatingGuideRow:
    """What a rater needs beside the rating form: the levels and what each means."""

    gap: CompetencyGap
    levels: list[ProficiencyLevel]  # in level order


def rating_guide(*, employee: Employee) -> list[RatingGuideRow]:
    """The employee's position standard (and other assessed competencies) with their
    current and required level and the level descriptions. Three queries."""
    gaps = competency_gaps_for_employee(employee=employee)
    levels: dict[int, list[ProficiencyLevel]] = {}
    for level in ProficiencyLevel.objects.filter(
        competency_id__in=[g.competency.pk for g in gaps]
    ).order_by("competency_id", "level"):
        levels.setdefault(level.competency_id, []).append(level)
    return [RatingGuideRow(gap=g, levels=levels.get(g.competency.pk, [])) for g in gaps]


@dataclass
class GapCell:
    """One competency over a group of employees whose position requires it."""

    required: int = 0  # employees whose position requires the competency
    below: int = 0  # of those, how many are below the required level
    gap_total: int = 0

    @property
    def average_gap(self) -> float:
        return self.gap_total / self.required if self.required else 0.0

    @property
    def share_below(self) -> float:
        return self.below / self.required if self.required else 0.0

    @property
    def heat(self) -> int:
        """The heat-map's colour: 0 everyone meets the standard, 1 some below with an
        average gap under one level, 2 from one to two levels, 3 two levels or more."""
        if self.average_gap >= 2:
            return 3
        if self.average_gap >= 1:
            return 2
        return 1 if self.below else 0


@dataclass
class GapSummary:
    competencies: list[Competency]
    cells: dict[int, GapCell] = field(default_factory=dict)
    employees: int = 0


@dataclass
class HeatMap:
    units: list[OrgUnit]
    competencies: list[Competency]
    cells: dict[tuple[int, int], GapCell]

    def cell(self, unit_id: int, competency_id: int) -> GapCell | None:
        return self.cells.get((unit_id, competency_id))


def _gap_rows(
    employees: QuerySet[Employee], *, as_of: datetime.date | None
) -> tuple[
    list[tuple[int, int, str]], dict[int, list[tuple[int, int]]], dict, dict[int, Competency]
]:
    """Three queries: employees (id, position, unit path), requirements per position with
    their competencies, current levels: today's from the current-level table
    (`current_levels_summary`), or computed by the rule for another day `as_of`."""
    rows = list(
        employees.filter(is_active=True, position__isnull=False).values_list(
            "id", "position_id", "unit__path"
        )
    )
    position_ids = {position_id for _, position_id, _ in rows}
    requirements: dict[int, list[tuple[int, int]]] = defaultdict(list)
    competencies: dict[int, Competency] = {}
    for requirement in PositionRequirement.objects.filter(
        position_id__in=position_ids
    ).select_related("competency"):
        requirements[requirement.position_id].append(
            (requirement.competency_id, requirement.required_level)
        )
        competencies[requirement.competency_id] = requirement.competency
    active = employees.filter(is_active=True).values("id")
    levels = (
        current_levels_summary(employee_ids=active)
        if as_of is None
        else current_levels(employee_ids=active, as_of=as_of)
    )
    return rows, requirements, levels, competencies


def _requirement_pairs_sql(employees: QuerySet[Employee]) -> tuple[str, list]:
    """FROM and WHERE of one row per (active employee of `employees` holding a position,
    requirement of that position), aliases `e` (employee), `u` (its unit, may be NULL),
    `r` (the requirement), `cl` (today's row of the current-level table for that pair,
    may be NULL) and `st` (not NULL when the employee has a stale row, whose level must be
    computed afresh: `current_levels_summary`). Joined in the database, so the report
    reads its gaps (or their sums) instead of every level of every employee."""
    ids_sql, ids_params = (
        employees.filter(is_active=True, position__isnull=False)
        .order_by()
        .values("id")
        .query.sql_with_params()
    )
    sql = (
        f"FROM {Employee._meta.db_table} e"  # noqa: S608  # nosec B608 - tables from _meta
        f" JOIN {PositionRequirement._meta.db_table} r ON r.position_id = e.position_id"
        f" LEFT JOIN {OrgUnit._meta.db_table} u ON u.id = e.unit_id"
        f" LEFT JOIN {CurrentLevel._meta.db_table} cl"
        " ON cl.employee_id = e.id AND cl.competency_id = r.competency_id"
        f" LEFT JOIN (SELECT DISTINCT employee_id FROM {CurrentLevel._meta.db_table}"
        " WHERE refresh_on <= %s) st ON st.employee_id = e.id"
        f" WHERE e.id IN ({ids_sql})"
    )
    return sql, [timezone.localdate(), *ids_params]


def _stale_levels(employee_ids: set[int]) -> dict[tuple[int, int], int]:
    """Today's levels of employees with a stale current-level row, computed by the rule
    (as `current_levels_summary` does). One query, none without such employees."""
    if not employee_ids:
        return {}
    return current_levels(employee_ids=sorted(employee_ids), as_of=timezone.localdate())


# A pair's current level from the table, 0 without one (`current_level or 0`), and the
# gap test on it.
_CURRENT = "COALESCE(cl.level, 0)"
_BELOW = f"r.required_level > {_CURRENT}"


def _by_code(competencies: dict[int, Competency], ids: Iterable[int]) -> list[Competency]:
    return sorted((competencies[pk] for pk in set(ids)), key=lambda c: c.code)


def _accumulate(cell: GapCell, required_level: int, current_level: int | None) -> None:
    gap = max(required_level - (current_level or 0), 0)
    cell.required += 1
    cell.gap_total += gap
    if gap:
        cell.below += 1


def _summarise(employees: QuerySet[Employee], *, as_of: datetime.date | None) -> GapSummary:
    rows, requirements, levels, by_id = _gap_rows(employees, as_of=as_of)
    cells: dict[int, GapCell] = defaultdict(GapCell)
    for employee_id, position_id, _ in rows:
        for competency_id, required_level in requirements.get(position_id, []):
            _accumulate(
                cells[competency_id], required_level, levels.get((employee_id, competency_id))
            )
    competencies = _by_code(by_id, cells.keys())
    return GapSummary(competencies=competencies, cells=dict(cells), employees=len(rows))


def unit_gap_summary(
    *, unit: OrgUnit, include_subunits: bool = True, as_of: datetime.date | None = None
) -> GapSummary:
    """Per competency: employees of the unit (and sub-units) below their standard, and
    the average gap. Four queries."""
    if include_subunits:
        employees = Employee.objects.filter(unit__path__startswith=unit.path)
    else:
        employees = Employee.objects.filter(unit=unit)
    return _summarise(employees, as_of=as_of)


def position_gap_summary(
    *, position: Position, within: OrgUnit | None = None, as_of: datetime.date | None = None
) -> GapSummary:
    """The gaps of the position's holders; with `within`, only the holders in that unit
    subtree (an HR manager's scope: with one holder the summary is that person's gaps)."""
    employees = Employee.objects.filter(position=position)
    if within is not None:
        employees = employees.filter(unit__path__startswith=within.path)
    return _summarise(employees, as_of=as_of)


def gap_heatmap(
    *,
    root: OrgUnit | None = None,
    as_of: datetime.date | None = None,
    units: Sequence[OrgUnit] | None = None,
) -> HeatMap:
    """Units × competencies. Rows are the children of `root` (the perangkat daerah when
    root is None); each row aggregates its whole subtree. Four queries; three when the
    caller passes the `units` it has already read (every unit of `root`'s subtree, or of
    the organisation when root is None), from which the rows are taken."""
    if root is None:
        employees = Employee.objects.all()
        rows_of = [u for u in units if u.depth == 1] if units is not None else None
        units = rows_of if rows_of is not None else list(OrgUnit.get_root_nodes())
    else:
        employees = Employee.objects.filter(unit__path__startswith=root.path)
        if units is not None:
            children = [
                u for u in units if u.depth == root.depth + 1 and u.path.startswith(root.path)
            ]
        else:
            children = list(root.get_children())
        units = children or [root]
    units = sorted(units, key=lambda u: u.path)
    row_length = len(units[0].path) if units else 0
    unit_by_path = {u.path: u for u in units}
    if as_of is not None:
        rows, requirements, levels, by_id = _gap_rows(employees, as_of=as_of)
        cells: dict[tuple[int, int], GapCell] = defaultdict(GapCell)
        for employee_id, position_id, unit_path in rows:
            unit = unit_by_path.get((unit_path or "")[:row_length])
            if unit is None:
                continue
            for competency_id, required_level in requirements.get(position_id, []):
                _accumulate(
                    cells[(unit.pk, competency_id)],
                    required_level,
                    levels.get((employee_id, competency_id)),
                )
        competencies = _by_code(by_id, (competency_id for _, competency_id in cells))
        return HeatMap(units=units, competencies=competencies, cells=dict(cells))
    counted = _heatmap_cells_from_counts(root, unit_by_path=unit_by_path, row_length=row_length)
    today = (
        counted
        if counted is not None
        else _heatmap_cells_today(employees, unit_by_path=unit_by_path, row_length=row_length)
    )
    competencies = list(
        Competency.objects.filter(pk__in={competency_id for _, competency_id in today}).order_by(
            "code"
        )
    )
    return HeatMap(units=units, competencies=competencies, cells=today)


def _heatmap_cells_from_counts(
    root: OrgUnit | None, *, unit_by_path: dict[str, OrgUnit], row_length: int
) -> dict[tuple[int, int], GapCell] | None:
    """The heat-map's cells summed from the gap-count table (`GapCount`): one row per
    (unit, competency) of the subtree instead of one per (employee, requirement). None when an active employee of the subtree has a stale current-level
    row (its day came before the daily sweep): the table counted the old level, so the
    caller computes the cells afresh. One query."""
    stale = CurrentLevel.objects.filter(
        refresh_on__lte=timezone.localdate(), employee__is_active=True
    )
    counts = GapCount.objects.all()
    if root is not None:
        stale = stale.filter(employee__unit__path__startswith=root.path)
        counts = counts.filter(unit__path__startswith=root.path)
    # The stale-row test rides on every row (one round trip): no row, no cell either way.
    rows = list(
        counts.annotate(row=Substr("unit__path", 1, row_length), stale=Exists(stale))
        .values("row", "competency_id", "stale")
        .annotate(required_sum=Sum("required"), below_sum=Sum("below"), gap_sum=Sum("gap_total"))
        .order_by()
    )
    if any(row["stale"] for row in rows):
        return None
    cells: dict[tuple[int, int], GapCell] = {}
    for row in rows:
        unit = unit_by_path.get(row["row"])
        if unit is None:  # the root's own employees, above the rows
            continue
        cells[(unit.pk, row["competency_id"])] = GapCell(
            required=row["required_sum"], below=row["below_sum"], gap_total=row["gap_sum"]
        )
    return cells


def _heatmap_cells_today(
    employees: QuerySet[Employee], *, unit_by_path: dict[str, OrgUnit], row_length: int
) -> dict[tuple[int, int], GapCell]:
    """The heat-map's cells from today's levels, summed by the database per (row unit,
    competency); the pairs of employees with a stale level row come back one by one and
    are summed here with their levels computed afresh. One query, two with stale rows."""
    try:
        pairs, params = _requirement_pairs_sql(employees)
    except EmptyResultSet:  # an empty scope (`pk__in=[]`): no cell
        return {}
    below = _BELOW
    sql = (
        f"SELECT NULL, SUBSTR(u.path, 1, %s), r.competency_id, COUNT(*),"
        f" SUM(CASE WHEN {below} THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {below} THEN r.required_level - {_CURRENT} ELSE 0 END)"
        f" {pairs} AND st.employee_id IS NULL GROUP BY SUBSTR(u.path, 1, %s), r.competency_id"
        " UNION ALL"
        f" SELECT e.id, u.path, r.competency_id, r.required_level, 0, 0"
        f" {pairs} AND st.employee_id IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [row_length, *params, row_length, *params])
        result = cursor.fetchall()
    cells: dict[tuple[int, int], GapCell] = {}
    stale_pairs = []
    for employee_id, path, competency_id, required, below_count, gap_total in result:
        if employee_id is not None:
            stale_pairs.append((employee_id, path, competency_id, required))
            continue
        unit = unit_by_path.get(path or "")
        if unit is None:
            continue
        cell = cells.setdefault((unit.pk, competency_id), GapCell())
        cell.required += required
        cell.below += below_count
        cell.gap_total += gap_total
    levels = _stale_levels({employee_id for employee_id, *_ in stale_pairs})
    for employee_id, path, competency_id, required in stale_pairs:
        unit = unit_by_path.get((path or "")[:row_length])
        if unit is None:
            continue
        _accumulate(
            cells.setdefault((unit.pk, competency_id), GapCell()),
            required,
            levels.get((employee_id, competency_id)),
        )
    return cells


def employee_gaps(
    *, employees: QuerySet[Employee], as_of: datetime.date | None = None
) -> list[tuple[int, int, int, int]]:
    """(employee id, competency id, required level, current level) for every competency
    an active employee's position requires and the employee is below. Three queries
    whatever the number of employees (batch form of `competency_gaps_for_employee`); one
    for today's (`employee_gaps_counted`)."""
    if as_of is None:
        return employee_gaps_counted(employees=employees)[0]
    rows, requirements, levels, _competencies = _gap_rows(employees, as_of=as_of)
    gaps = []
    for employee_id, position_id, _path in rows:
        for competency_id, required_level in requirements.get(position_id, []):
            current = levels.get((employee_id, competency_id)) or 0
            if required_level > current:
                gaps.append((employee_id, competency_id, required_level, current))
    return gaps


def _gaps_query_parts(employees: QuerySet[Employee]) -> tuple[str, list, str, list] | None:
    """What both gap queries below are made of: the FROM and WHERE of the requirement
    pairs (`_requirement_pairs_sql`) with its parameters, and a scalar subquery counting
    the active employees of `employees` (with or without a position) with its own, so
    the count rides on every row. None for an empty scope (`pk__in=[]`): nobody, no gap."""
    try:
        pairs, params = _requirement_pairs_sql(employees)
        count_sql, count_params = (
            employees.filter(is_active=True).order_by().values("id").query.sql_with_params()
        )
    except EmptyResultSet:
        return None
    # SQL of querysets and tables from _meta; the values go as parameters.
    count = f"(SELECT COUNT(*) FROM ({count_sql}) active)"  # noqa: S608  # nosec B608
    return pairs, list(params), count, list(count_params)


def employee_gaps_counted(
    *, employees: QuerySet[Employee]
) -> tuple[list[tuple[int, int, int, int]], int]:
    """(`employee_gaps` today, the number of active employees in `employees`, with or
    without a position). The database joins the requirements to today's levels and
    returns only the gaps (and every pair of an employee with a stale level row, whose
    levels are then computed afresh), with the count on each row. One query; two with
    stale rows; a count query when there is no gap at all."""
    parts = _gaps_query_parts(employees)
    if parts is None:
        return [], 0
    pairs, params, count, count_params = parts
    sql = (
        f"SELECT e.id, r.competency_id, r.required_level, {_CURRENT},"
        f" CASE WHEN st.employee_id IS NULL THEN 0 ELSE 1 END, {count}"
        f" {pairs} AND (st.employee_id IS NOT NULL OR {_BELOW})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*count_params, *params])
        result = cursor.fetchall()
    if not result:
        return [], employees.filter(is_active=True).count()
    levels = _stale_levels({row[0] for row in result if row[4]})
    gaps = []
    for employee_id, competency_id, required, current, stale, _count in result:
        if stale:
            current = levels.get((employee_id, competency_id)) or 0
        if required > current:
            gaps.append((employee_id, competency_id, required, current))
    return gaps, result[0][5]


def employee_gap_groups(
    *, employees: QuerySet[Employee], competency_ids: Iterable[int] | None = None
) -> tuple[dict[int, dict[int, set[int]]], int]:
    """({competency id: {required level: ids of the employees below it}}, the number of
    active employees in `employees`): `employee_gaps_counted` grouped by the database, for
    readers that want sets of employees rather than one row per gap (the training-needs
    report: ~70,000 gaps at city scale become ~50 rows). `competency_ids` limits it to
    those competencies. Employees with a stale level row come back pair by pair and are
    compared here with their levels computed afresh, as there. One query; two with
    stale rows; a count query when there is no gap at all."""
    groups: dict[int, dict[int, set[int]]] = {}
    wanted = None if competency_ids is None else sorted(set(competency_ids))
    parts = _gaps_query_parts(employees)
    if parts is None:
        return groups, 0
    pairs, params, count, count_params = parts
    if wanted is not None:
        if not wanted:
            return groups, employees.filter(is_active=True).count()
        pairs += f" AND r.competency_id IN ({', '.join(['%s'] * len(wanted))})"
        params = [*params, *wanted]
    # PostgreSQL gives an array, SQLite a comma-separated text.
    ids = "array_agg(e.id)" if connection.vendor == "postgresql" else "group_concat(e.id)"
    sql = (
        f"SELECT r.competency_id, r.required_level, {ids}, NULL, {count}"
        f" {pairs} AND st.employee_id IS NULL AND {_BELOW}"
        " GROUP BY r.competency_id, r.required_level"
        " UNION ALL"
        f" SELECT r.competency_id, r.required_level, NULL, e.id, {count}"
        f" {pairs} AND st.employee_id IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*count_params, *params, *count_params, *params])
        result = cursor.fetchall()
    if not result:
        return groups, employees.filter(is_active=True).count()
    stale = [row for row in result if row[3] is not None]
    levels = _stale_levels({row[3] for row in stale})
    for competency_id, required, members, _employee, _count in result:
        if members is None:
            continue
        if isinstance(members, str):
            members = members.split(",")
        groups.setdefault(competency_id, {}).setdefault(required, set()).update(map(int, members))
    for competency_id, required, _members, employee_id, _count in stale:
        if required > (levels.get((employee_id, competency_id)) or 0):
            groups.setdefault(competency_id, {}).setdefault(required, set()).add(employee_id)
    return groups, result[0][4]


def employees_below_standard(*, competency_ids: Iterable[int]) -> dict[int, set[int]]:
    """{competency id: ids of the active employees whose position requires it at a level
    they are below today} for these competencies: the plan report's gaps. Read from the
    gap-count table (`GapCount.below_ids`, kept by competencies.services.summaries), with
    the employees without a unit (whom it does not count) compared afresh; when an active
    employee's current-level row is stale, everything is compared afresh
    (`employee_gap_groups`), as the heat-map does. Two queries; three or four when stale."""
    wanted = sorted(set(competency_ids))
    if not wanted:
        return {}
    stale = CurrentLevel.objects.filter(
        refresh_on__lte=timezone.localdate(), employee__is_active=True
    )
    # The stale-row test rides on every row (one round trip), as in the heat-map.
    rows = list(
        GapCount.objects.filter(competency_id__in=wanted, below__gt=0)
        .annotate(stale=Exists(stale))
        .values_list("competency_id", "below_ids", "stale")
    )
    if any(is_stale for _c, _ids, is_stale in rows):
        groups, _count = employee_gap_groups(
            employees=Employee.objects.all(), competency_ids=wanted
        )
        return {pk: set().union(*by_level.values()) for pk, by_level in groups.items()}
    below: dict[int, set[int]] = defaultdict(set)
    for competency_id, ids, _stale in rows:
        below[competency_id].update(ids)
    unplaced, _count = employee_gap_groups(
        employees=Employee.objects.filter(unit__isnull=True), competency_ids=wanted
    )
    for competency_id, by_level in unplaced.items():
        below[competency_id].update(*by_level.values())
    return dict(below)


def gap_counts_for_employees(*, employee_ids: Iterable[int]) -> dict[int, int]:
    """{employee id: number of competencies below the position's standard}. Three
    queries whatever the number of employees (the supervisors' team page)."""
    counts: dict[int, int] = dict.fromkeys(employee_ids, 0)
    for employee_id, _c, _r, _l in employee_gaps(
        employees=Employee.objects.filter(pk__in=list(counts))
    ):
        counts[employee_id] += 1
    return counts


def courses_closing_gaps(*, gaps: list[CompetencyGap]) -> dict[int, list[Any]]:
    """Courses that close each gap, from the selector named by
    settings.COMPETENCY_GAP_COURSE_SELECTOR (the lms provides it: competencies may not
    import lms). {competency id: [course, ...]}; empty when no selector is configured."""
    path = getattr(settings, "COMPETENCY_GAP_COURSE_SELECTOR", "")
    wanted = {g.competency.pk: g.required_level for g in gaps if g.gap and g.required_level}
    if not path or not wanted:
        return {}
    selector = import_string(path)
    return selector(gaps=wanted)
