"""Course assignments and training needs: whom an assignment or a saved rule covers, the
saved rules HR may use, progress counts, the compliance summary per unit, the completion
sweep, and the training-needs analysis (courses that close the most gaps)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from accounts.models import Notification
from competencies.models import Employee, OrgUnit
from competencies.selectors.hr_scope import hr_scope_unit
from lms.models import (
    Assignment,
    AssignmentRecipient,
    AssignmentRule,
    CourseCompetency,
    CoursePage,
    Enrolment,
)

if TYPE_CHECKING:
    from accounts.models import User
    from competencies.models import Competency


def _unit_q(units: list[OrgUnit], *, subtree: bool, prefix: str = "unit") -> Q:
    q = Q(pk__in=[])
    for unit in units:
        q |= (
            Q(**{f"{prefix}__path__startswith": unit.path})
            if subtree
            else Q(**{f"{prefix}_id": unit.pk})
        )
    return q


def assignment_target_employees(*, assignment: Assignment) -> QuerySet[Employee]:
    """The active employees the assignment covers now (within its scope subtree)."""
    return target_employees(
        target_type=assignment.target_type,
        employees=assignment.employees.values("pk"),
        units=list(assignment.units.all()),
        include_subunits=assignment.include_subunits,
        positions=assignment.positions.values("pk"),
        position_kinds=list(assignment.position_kinds),
        rule=assignment.rule,
        scope_unit=assignment.scope_unit,
    )


def target_employees(
    *,
    target_type: str,
    employees: Any = (),
    units: list[OrgUnit] | None = None,
    include_subunits: bool = True,
    positions: Any = (),
    position_kinds: list[str] | None = None,
    rule: AssignmentRule | None = None,
    scope_unit: OrgUnit | None = None,
) -> QuerySet[Employee]:
    """Active employees matching a target (also the HR screen's preview count)."""
    qs = Employee.objects.filter(is_active=True)
    if target_type == Assignment.Target.EMPLOYEES:
        qs = qs.filter(pk__in=employees)
    elif target_type == Assignment.Target.UNITS:
        qs = qs.filter(_unit_q(list(units or []), subtree=include_subunits))
    elif target_type == Assignment.Target.POSITIONS:
        qs = qs.filter(position_id__in=positions)
    elif target_type == Assignment.Target.POSITION_KINDS:
        qs = qs.filter(position__kind__in=list(position_kinds or []))
    elif target_type == Assignment.Target.RULE:
        if rule is None:
            return qs.none()
        qs = rule_employees(rule=rule, employees=qs)
    else:
        return qs.none()
    if scope_unit is not None:
        qs = qs.filter(unit__path__startswith=scope_unit.path)
    return qs


def rule_employees(*, rule: AssignmentRule, employees: QuerySet[Employee]) -> QuerySet[Employee]:
    """`employees` narrowed to those a saved rule covers."""
    if rule.unit is not None:
        employees = employees.filter(_unit_q([rule.unit], subtree=rule.include_subunits))
    if rule.position_kind:
        employees = employees.filter(position__kind=rule.position_kind)
    if rule.golongan:
        employees = employees.filter(golongan=rule.golongan)
    if rule.employment_type:
        employees = employees.filter(employment_type=rule.employment_type)
    return employees


def assignment_rule_list_for_hr(*, user: User) -> QuerySet[AssignmentRule]:
    """The saved rules an HR manager may see and use: all of them, or, for a manager
    limited to a unit subtree, the rules whose unit lies inside it."""
    if not user.has_perm("portal.access_hr"):
        raise PermissionDenied
    rules = AssignmentRule.objects.select_related("unit")
    scope = hr_scope_unit(user=user)
    if scope is not None:
        rules = rules.filter(unit__path__startswith=scope.path)
    return rules


def assignment_completion_sweep_enrolment_ids(
    *, older_than_seconds: int = 60, within_days: int = 7
) -> QuerySet[Enrolment]:
    """Completed enrolments whose completion hook never ran: the "course completed"
    notice (written in the same transaction as the assignment rows it completes) is
    missing. Completed more than `older_than_seconds` ago (the after-commit task goes
    first) and at most `within_days` ago (the completed_at index bounds the scan, and
    deploying this does not notify years of old completions). Oldest first."""
    now = timezone.now()
    notice = Notification.objects.filter(
        dedupe_key=Concat(
            Value("enrolment:"), Cast(OuterRef("pk"), CharField()), Value(":completed")
        )
    )
    return (
        Enrolment.objects.filter(
            status=Enrolment.Status.COMPLETED,
            completed_at__lt=now - datetime.timedelta(seconds=older_than_seconds),
            completed_at__gte=now - datetime.timedelta(days=within_days),
        )
        .exclude(Exists(notice))
        .order_by("completed_at", "pk")
    )


def assignment_progress(*, assignment: Assignment) -> dict[str, int]:
    """Counts per status for one assignment (plus overdue). One query."""
    today = timezone.localdate()
    open_ = AssignmentRecipient.Status.OPEN
    return AssignmentRecipient.objects.filter(assignment=assignment).aggregate(
        total=Count("pk", filter=~Q(status=AssignmentRecipient.Status.WITHDRAWN)),
        completed=Count("pk", filter=Q(status=AssignmentRecipient.Status.COMPLETED)),
        open=Count("pk", filter=Q(status=open_)),
        overdue=Count("pk", filter=Q(status=open_, due_on__lt=today)),
    )


def assignment_progress_many(*, assignment_ids: list[int]) -> dict[int, dict[str, int]]:
    """`assignment_progress` for a page of assignments: {assignment id: counts}. One
    grouped query whatever the number of assignments."""
    today = timezone.localdate()
    open_ = AssignmentRecipient.Status.OPEN
    empty = {"total": 0, "completed": 0, "open": 0, "overdue": 0}
    result = {pk: dict(empty) for pk in assignment_ids}
    rows = (
        AssignmentRecipient.objects.filter(assignment_id__in=assignment_ids)
        .values("assignment_id")
        .annotate(
            total=Count("pk", filter=~Q(status=AssignmentRecipient.Status.WITHDRAWN)),
            completed=Count("pk", filter=Q(status=AssignmentRecipient.Status.COMPLETED)),
            open=Count("pk", filter=Q(status=open_)),
            overdue=Count("pk", filter=Q(status=open_, due_on__lt=today)),
        )
        .order_by()
    )
    for row in rows:
        result[row["assignment_id"]] = {
            "total": row["total"],
            "completed": row["completed"],
            "open": row["open"],
            "overdue": row["overdue"],
        }
    return result


def assignment_unit_summary(
    *, units: list[OrgUnit], employees: QuerySet[Employee]
) -> dict[str, tuple]:
    """For the compliance report (settings.COMPETENCIES_ASSIGNMENT_SUMMARY_SELECTOR):
    {unit path: (assigned, completed, overdue)} over each unit's subtree, counting the
    non-withdrawn assignment rows of the given employees. One query."""
    if not units:
        return {}
    length = len(units[0].path)
    today = timezone.localdate()
    open_ = AssignmentRecipient.Status.OPEN
    rows = (
        AssignmentRecipient.objects.filter(employee__in=employees.values("pk"))
        .exclude(status=AssignmentRecipient.Status.WITHDRAWN)
        .values("employee__unit__path")
        .annotate(
            assigned=Count("pk"),
            completed=Count("pk", filter=Q(status=AssignmentRecipient.Status.COMPLETED)),
            overdue=Count("pk", filter=Q(status=open_, due_on__lt=today)),
        )
        .order_by()
    )
    wanted = {u.path for u in units}
    totals: dict[str, list[int]] = {}
    for row in rows:
        path = (row["employee__unit__path"] or "")[:length]
        if path not in wanted:
            continue
        bucket = totals.setdefault(path, [0, 0, 0])
        bucket[0] += row["assigned"]
        bucket[1] += row["completed"]
        bucket[2] += row["overdue"]
    return {path: tuple(v) for path, v in totals.items()}


@dataclass
class TrainingNeedCompetency:
    competency: Competency
    target_level: int
    employee_ids: list[int]

    @property
    def employees(self) -> int:
        return len(self.employee_ids)


@dataclass
class TrainingNeed:
    """One course of the training-needs report: whom it would bring up to standard."""

    course: CoursePage
    competencies: list[TrainingNeedCompetency]
    employee_ids: list[int]
    # Employees with the gap left out because they already take or took the course (a
    # current active or completed enrolment) or have an open assignment of it.
    already_ids: list[int] = field(default_factory=list)

    @property
    def employees(self) -> int:
        return len(self.employee_ids)

    @property
    def already(self) -> int:
        return len(self.already_ids)

    @property
    def gaps_closed(self) -> int:
        return sum(c.employees for c in self.competencies)


def training_needs(*, employees: QuerySet, course_id: int | None = None) -> list[TrainingNeed]:
    """Analisis kebutuhan diklat: live courses ranked by how many of `employees` have a
    competency gap (required level of the position above the current level) that the
    course closes (it develops the competency up to at least the required level), with
    the employees per competency. Employees already in the course (current active or
    completed enrolment) or with an open assignment of it are neither counted nor
    assigned again (`TrainingNeed.already_ids`). Three queries whatever the number of
    employees or courses: the gaps (`employee_gaps_counted`), the course links, and the
    employees already in those courses."""
    return training_needs_counted(employees=employees, course_id=course_id)[0]


def training_needs_counted(
    *, employees: QuerySet, course_id: int | None = None
) -> tuple[list[TrainingNeed], int]:
    """(`training_needs`, the number of active employees in `employees`): the count
    comes with the gaps, in the same query. The live courses' links are read first, so
    the gaps are read, grouped, for their competencies only."""
    from competencies.selectors.gaps import employee_gap_groups

    links = CourseCompetency.objects.filter(course__live=True).select_related(
        "course", "competency"
    )
    if course_id is not None:
        links = links.filter(course_id=course_id)
    link_rows = list(links.order_by("course_id", "competency__code"))
    by_level, employee_count = employee_gap_groups(
        employees=employees, competency_ids={link.competency_id for link in link_rows}
    )
    return _training_needs(by_level, link_rows, employees=employees), employee_count


def _training_needs(
    by_level: dict[int, dict[int, set[int]]],
    link_rows: list[CourseCompetency],
    *,
    employees: QuerySet,
) -> list[TrainingNeed]:
    # by_level: {competency id: {required level: employees with that gap}}; a link closes
    # the gaps whose required level is at most its target level, a union of a few sets
    # (C code) instead of a Python test per employee and link.
    link_rows = [link for link in link_rows if link.competency_id in by_level]
    if not link_rows:
        return []
    taken = _training_need_taken(
        employees=employees, course_ids=sorted({link.course_id for link in link_rows})
    )
    already: dict[int, set[int]] = {}
    needs: dict[int, TrainingNeed] = {}
    for link in link_rows:
        with_gap: set[int] = set().union(
            *(
                ids
                for required, ids in by_level[link.competency_id].items()
                if link.target_level >= required
            )
        )
        in_course = with_gap & taken.get(link.course_id, set())
        if in_course:
            already.setdefault(link.course_id, set()).update(in_course)
        closed = sorted(with_gap - in_course)
        if not closed:
            continue
        need = needs.setdefault(
            link.course_id, TrainingNeed(course=link.course, competencies=[], employee_ids=[])
        )
        need.competencies.append(
            TrainingNeedCompetency(
                competency=link.competency, target_level=link.target_level, employee_ids=closed
            )
        )
    for need in needs.values():
        need.employee_ids = sorted(set().union(*(c.employee_ids for c in need.competencies)))
        need.already_ids = sorted(already.get(need.course.pk, ()))
        need.competencies.sort(key=lambda c: (-c.employees, c.competency.code))
    return sorted(
        needs.values(), key=lambda n: (-n.employees, -n.gaps_closed, n.course.title.lower())
    )


def _training_need_taken(*, employees: QuerySet, course_ids: list[int]) -> dict[int, set[int]]:
    """{course id: ids of `employees` already in it}: a current active or completed
    enrolment, or an open assignment row. One query (a UNION) for all the courses."""
    if not course_ids:
        return {}
    employee_ids = employees.order_by().values("pk")
    enrolled = (
        Enrolment.objects.filter(
            course_id__in=course_ids,
            is_current=True,
            status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED],
            user__employee__in=employee_ids,
        )
        .order_by()
        .values_list("course_id", "user__employee__id")
    )
    assigned = (
        AssignmentRecipient.objects.filter(
            status=AssignmentRecipient.Status.OPEN,
            assignment__course_id__in=course_ids,
            employee__in=employee_ids,
        )
        .order_by()
        .values_list("assignment__course_id", "employee_id")
    )
    taken: dict[int, set[int]] = {}
    for course, employee in enrolled.union(assigned):
        taken.setdefault(course, set()).add(employee)
    return taken
