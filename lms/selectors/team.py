"""A supervisor's team: the active direct and indirect reports, and their assignments."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from competencies.models import Employee
from competencies.selectors.idp import idp_status_subquery
from lms.models import AssignmentRecipient, Enrolment

# Reporting lines deeper than this are not followed (and a cycle cannot loop forever).
TEAM_MAX_DEPTH = 10


def team_levels(*, supervisor: Employee) -> dict[int, int]:
    """{employee id: depth} of the active direct (1) and indirect (2+) reports of
    `supervisor`, breadth first: one query per level of the reporting tree."""
    seen: dict[int, int] = {}
    frontier = [supervisor.pk]
    for depth in range(1, TEAM_MAX_DEPTH + 1):
        ids = [
            pk
            for pk in Employee.objects.filter(
                supervisor_id__in=frontier, is_active=True
            ).values_list("pk", flat=True)
            if pk not in seen and pk != supervisor.pk
        ]
        if not ids:
            break
        for pk in ids:
            seen[pk] = depth
        frontier = ids
    return seen


def team_employee_ids(*, supervisor: Employee) -> set[int]:
    return set(team_levels(supervisor=supervisor))


@dataclass
class TeamAssignment:
    row: AssignmentRecipient
    progress: int
    is_overdue: bool


@dataclass
class TeamMember:
    employee: Employee
    depth: int
    assignments: list[TeamAssignment] = field(default_factory=list)
    # The status of this year's development plan (docs/idp.md), None without one.
    idp_status: str | None = None

    @property
    def overdue(self) -> int:
        return sum(1 for a in self.assignments if a.is_overdue)


def _team_employees(*, supervisor: Employee, idp_year: int | None) -> list[tuple[Employee, int]]:
    """The reports with their depth, as `team_levels` walks them, loaded whole on the way
    (one query per level of the tree), each with the status of its `idp_year` plan."""
    found: dict[int, tuple[Employee, int]] = {}
    employees = Employee.objects.filter(is_active=True).select_related(
        "user", "unit", "position", "supervisor"
    )
    if idp_year is not None:
        employees = employees.annotate(idp_status=idp_status_subquery(year=idp_year))
    frontier = [supervisor.pk]
    for depth in range(1, TEAM_MAX_DEPTH + 1):
        level = [
            e
            for e in employees.filter(supervisor_id__in=frontier)
            if e.pk not in found and e.pk != supervisor.pk
        ]
        if not level:
            break
        for employee in level:
            found[employee.pk] = (employee, depth)
        frontier = [e.pk for e in level]
    return list(found.values())


def team_for_supervisor(*, supervisor: Employee, idp_year: int | None = None) -> list[TeamMember]:
    """The supervisor's reports with their assignments and progress, and with
    `idp_year` the status of each one's development plan. One query per level of the
    tree, plus two."""
    team = _team_employees(supervisor=supervisor, idp_year=idp_year)
    levels = {e.pk: depth for e, depth in team}
    rows = list(
        AssignmentRecipient.objects.filter(employee_id__in=list(levels))
        .exclude(status=AssignmentRecipient.Status.WITHDRAWN)
        .select_related("assignment")
        .order_by("due_on")
    )
    progress = {
        (e.user_id, e.course_id): e.progress_percent
        for e in Enrolment.objects.filter(
            user_id__in=[r.user_id for r in rows],
            course_id__in={r.assignment.course_id for r in rows},
            is_current=True,
        ).only("user_id", "course_id", "progress_percent")
    }
    today = timezone.localdate()
    members = {
        e.pk: TeamMember(employee=e, depth=depth, idp_status=getattr(e, "idp_status", None))
        for e, depth in team
    }
    for r in rows:
        done = r.status == AssignmentRecipient.Status.COMPLETED
        members[r.employee_id].assignments.append(
            TeamAssignment(
                row=r,
                progress=100 if done else progress.get((r.user_id, r.assignment.course_id), 0),
                is_overdue=r.status == AssignmentRecipient.Status.OPEN and r.due_on < today,
            )
        )
    return sorted(members.values(), key=lambda m: (m.depth, m.employee.full_name))
