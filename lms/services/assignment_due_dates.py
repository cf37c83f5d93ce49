"""What follows an assignment's due date: the reminders before and after it (the daily
task lms.tasks.assignment_reminders_send) and HR's extensions of one person's due date."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import NotificationKind
from accounts.services import notify, notify_many
from competencies.selectors.hr_scope import employee_in_hr_scope
from competencies.services import audit
from lms.models import AssignmentDueExtension, AssignmentRecipient, Enrolment

if TYPE_CHECKING:
    from accounts.models import User

ASSIGNMENT_EXTEND = "lms.assignment_extend"


# REMINDERS ----------------------------------------------------------------------------


def assignment_reminders_send(*, today: datetime.date | None = None) -> int:
    """Due in 7 days, due tomorrow, overdue, and the supervisor copied after 3 days
    overdue. Every notice has a key with the due date, so running twice sends nothing
    twice and an extended due date is reminded again. Returns how many notices."""
    today = today or timezone.localdate()
    open_rows = AssignmentRecipient.objects.filter(
        status=AssignmentRecipient.Status.OPEN, assignment__is_active=True
    ).select_related("assignment", "user")
    sent = 0
    for kind, label, rows in (
        (
            NotificationKind.ASSIGNMENT_DUE_7,
            "due7",
            open_rows.filter(due_on=today + datetime.timedelta(days=7)),
        ),
        (
            NotificationKind.ASSIGNMENT_DUE_1,
            "due1",
            open_rows.filter(due_on=today + datetime.timedelta(days=1)),
        ),
        (NotificationKind.ASSIGNMENT_OVERDUE, "overdue", open_rows.filter(due_on__lt=today)),
    ):
        groups: dict[tuple[int, int, datetime.date], list[AssignmentRecipient]] = defaultdict(list)
        for row in rows:
            groups[(row.assignment_id, row.cycle, row.due_on)].append(row)
        for (assignment_id, cycle, due_on), members in groups.items():
            sent += notify_many(
                users=[m.user for m in members],
                kind=kind,
                params={"course": members[0].assignment.course_title, "due": due_on.isoformat()},
                url="/learning/",
                dedupe_prefix=f"assignment:{assignment_id}:c{cycle}:{label}:{due_on.isoformat()}",
            )
    late = open_rows.filter(
        due_on__lte=today - datetime.timedelta(days=3),
        employee__supervisor__isnull=False,
        employee__supervisor__is_active=True,
    ).select_related("employee__supervisor__user")
    for row in late:
        supervisor = row.employee.supervisor
        if supervisor is None:
            continue
        if notify(
            user=supervisor.user,
            kind=NotificationKind.REPORT_OVERDUE,
            params={
                "employee": row.employee.display_name,
                "course": row.assignment.course_title,
                "due": row.due_on.isoformat(),
            },
            url="/learning/tim/",
            dedupe_key=f"assignment:{row.pk}:report:{row.due_on.isoformat()}",
        ):
            sent += 1
    return sent


# HR: EXTENSIONS --------------------------------------------------------------------------


def assignment_due_extend(
    *, actor: User, recipient: AssignmentRecipient, due_on: datetime.date, reason: str
) -> AssignmentRecipient:
    """Moves one person's due date; the reason is required and kept in the history."""
    if not employee_in_hr_scope(user=actor, employee=recipient.employee):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the extension.")})
    with transaction.atomic():
        recipient = AssignmentRecipient.objects.select_for_update().get(pk=recipient.pk)
        if recipient.status != AssignmentRecipient.Status.OPEN:
            raise ValidationError(_("Only an open assignment can be extended."))
        extension = AssignmentDueExtension(
            recipient=recipient,
            old_due_on=recipient.due_on,
            new_due_on=due_on,
            reason=reason.strip(),
            extended_by=actor,
        )
        extension.full_clean()
        extension.save()
        recipient.due_on = due_on
        recipient.save(update_fields=["due_on"])
        Enrolment.objects.filter(
            user_id=recipient.user_id, course_id=recipient.assignment.course_id, is_current=True
        ).update(due_on=due_on, updated_at=timezone.now())
        audit.audit_log(
            instance=recipient.assignment,
            action=ASSIGNMENT_EXTEND,
            user=actor,
            changes={"due_on": [str(extension.old_due_on), str(due_on)]},
            note=f"{recipient.employee}: {extension.reason}",
        )
    return recipient
