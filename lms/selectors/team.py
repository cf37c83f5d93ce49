"""A supervisor's team: the active direct and indirect reports, and their assignments."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from competencies.models import Employee
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

    @property
    def overdue(self) -> int:
        return sum(1 for a in self.assignments if a.is_overdue)


def team_for_supervisor(*, supervisor: Employee) -> list[TeamMember]:
    """The supervisor's reports with their assignments and progress. One query per
    level of the tree, plus three."""
    levels = team_levels(supervisor=supervisor)
    employees = Employee.objects.filter(pk__in=list(levels)).select_related(
        "user", "unit", "position", "supervisor"
    )
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
    members = {e.pk: TeamMember(employee=e, depth=levels[e.pk]) for e in employees}
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
