"""A supervisor's writes about their team: remind a report of an open assignment, propose
a training for one (HR decides the proposal, lms.services.assignments)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import NotificationKind
from accounts.services import notify
from competencies.models import Employee
from lms.models import AssignmentRecipient, CoursePage, TrainingProposal
from lms.selectors.team import team_employee_ids

if TYPE_CHECKING:
    from accounts.models import User


def assignment_nudge(*, actor: User, recipient: AssignmentRecipient) -> bool:
    """A supervisor (direct or indirect) reminds a report. Once per day per assignment
    (dedupe key with the date). Returns whether a reminder went out."""
    me = Employee.objects.filter(user=actor, is_active=True).first()
    if me is None or recipient.employee_id not in team_employee_ids(supervisor=me):
        raise PermissionDenied
    if recipient.status != AssignmentRecipient.Status.OPEN:
        raise ValidationError(_("This assignment is not open."))
    notice = notify(
        user=recipient.user,
        kind=NotificationKind.REMINDER,
        params={"course": recipient.assignment.course_title, "sender": me.display_name},
        url="/learning/",
        dedupe_key=f"assignment:{recipient.pk}:nudge:{timezone.localdate().isoformat()}",
    )
    return notice is not None


def training_proposal_create(
    *, actor: User, employee: Employee, course: CoursePage, reason: str = ""
) -> TrainingProposal:
    """A supervisor (direct or indirect) proposes a course for a report; HR decides
    (lms.services.assignments.training_proposal_decide)."""
    me = Employee.objects.filter(user=actor, is_active=True).first()
    if me is None or employee.pk not in team_employee_ids(supervisor=me):
        raise PermissionDenied
    proposal = TrainingProposal(employee=employee, course=course, reason=reason, proposed_by=actor)
    proposal.full_clean()
    proposal.save()
    return proposal
