"""The assignment side of a completion (course-completed notice, assignment row
completed) must happen eventually: when the after-commit task is lost (broker down,
worker lost, retries exhausted), lms.tasks.assignment_enrolment_completed_sweep finds
the completion without its notice and runs the hook, once."""

from __future__ import annotations

import datetime

from django.utils import timezone

import pytest

from accounts.models import Notification, NotificationKind
from lms.models import Assignment, AssignmentRecipient, Enrolment
from lms.services.assignments import assignment_create
from lms.services.enrolments import enrolment_completion_check
from lms.tasks import assignment_enrolment_completed_sweep
from tests.factories.competencies import EmployeeFactory

pytestmark = pytest.mark.django_db


def _complete_losing_the_hooks(employee, course, capture, *, ago: datetime.timedelta):
    enrolment = Enrolment.objects.get(user=employee.user, course=course)
    with capture():  # the after-commit hooks never run
        enrolment_completion_check(enrolment=enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=timezone.now() - ago)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    return enrolment


def _assigned(hr, course, employees):
    assignment = assignment_create(
        actor=hr,
        course=course,
        target_type=Assignment.Target.EMPLOYEES,
        employees=employees,
        due_days=10,
    )
    AssignmentRecipient.objects.filter(assignment=assignment).update(
        assigned_at=timezone.now() - datetime.timedelta(days=1)
    )
    return assignment


def test_the_sweep_completes_the_assignment_of_a_lost_hook_once_when_run_twice(
    hr, course, unit, django_capture_on_commit_callbacks
):
    lost, fresh = EmployeeFactory(unit=unit), EmployeeFactory(unit=unit)
    assignment = _assigned(hr, course, [lost, fresh])
    _complete_losing_the_hooks(
        lost, course, django_capture_on_commit_callbacks, ago=datetime.timedelta(minutes=2)
    )
    # Completed seconds ago: its after-commit task gets its minute first.
    _complete_losing_the_hooks(
        fresh, course, django_capture_on_commit_callbacks, ago=datetime.timedelta(seconds=5)
    )

    assert assignment_enrolment_completed_sweep() == 1
    assert assignment_enrolment_completed_sweep() == 0

    rows = {r.employee_id: r.status for r in assignment.recipients.all()}
    assert rows == {
        lost.pk: AssignmentRecipient.Status.COMPLETED,
        fresh.pk: AssignmentRecipient.Status.OPEN,
    }
    notices = Notification.objects.filter(kind=NotificationKind.COURSE_COMPLETED)
    assert list(notices.values_list("user_id", flat=True)) == [lost.user_id]


def test_the_sweep_finds_nothing_once_the_hook_ran(
    hr, course, unit, django_capture_on_commit_callbacks
):
    employee = EmployeeFactory(unit=unit)
    _assigned(hr, course, [employee])
    enrolment = Enrolment.objects.get(user=employee.user, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_completion_check(enrolment=enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        completed_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    assert assignment_enrolment_completed_sweep() == 0
    assert Notification.objects.filter(kind=NotificationKind.COURSE_COMPLETED).count() == 1


def test_every_sweep_runs_every_minute(settings):
    """A fault must not leave certificates (or anything else owed) 8-10 minutes late:
    every sweep runs each minute, so work catches up within a minute of recovery."""
    schedule = settings.CELERY_BEAT_SCHEDULE
    sweeps = {
        "lms.tasks.certificate_issue_sweep",
        "lms.tasks.enrolment_competency_evidence_sweep",
        "lms.tasks.assignment_enrolment_completed_sweep",
        "accounts.tasks.user_invitations_sweep",
        "accounts.tasks.notification_emails_send_pending",
    }
    every_minute = {entry["task"] for entry in schedule.values() if entry["schedule"] == 60}
    assert sweeps <= every_minute
