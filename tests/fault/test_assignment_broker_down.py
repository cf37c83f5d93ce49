"""The broker goes down while assigned learners finish their course: no assignment may stay
"open" for a learner who has finished. The completions are saved, the after-commit hook logs
the broker error, and once Redis is back the sweep
(lms.tasks.assignment_enrolment_completed_sweep) completes each assignment row and sends
each "course completed" notice exactly once."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.models import Notification, NotificationKind
from accounts.roles import Role
from lms.models import Assignment, AssignmentRecipient, Enrolment
from lms.services.assignments import assignment_create
from lms.services.enrolments import lesson_progress_open
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory, OrgUnitFactory
from tests.fault.conftest import wait_for
from tests.lms.completion_hooks import completion_hooks_only

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("_database_as_migrated"),
]

LEARNERS = 3


def test_assignments_of_completions_during_a_broker_outage_are_completed_once(
    own_redis, workers, certificate_course, settings, caplog, monkeypatch
):
    from lms import tasks

    completion_hooks_only(monkeypatch, "assignment_enrolment_completed_hook")
    course, lesson = certificate_course
    unit = OrgUnitFactory()
    employees = [
        EmployeeFactory(unit=unit, user=UserFactory(roles=[Role.PESERTA])) for _ in range(LEARNERS)
    ]
    # A superuser: the flush between transactional tests can take the roles' permissions.
    hr = UserFactory(is_superuser=True, is_staff=True)
    workers.start()
    own_redis.stop()  # from here on nothing can be queued
    assignment = assignment_create(
        actor=hr,
        course=course,
        target_type=Assignment.Target.EMPLOYEES,
        employees=employees,
        due_days=30,
    )
    rows = AssignmentRecipient.objects.filter(assignment=assignment)
    rows.update(assigned_at=timezone.now() - datetime.timedelta(days=1))

    for employee in employees:
        lesson_progress_open(user=employee.user, lesson=lesson)  # the page records the visit
        client = Client()
        client.force_login(employee.user)
        # A lesson counts only after the learner opened it (the page records the visit).
        lesson_progress_open(user=employee.user, lesson=lesson)
        response = client.post(reverse("lms:lesson_complete", args=[lesson.pk]))
        assert response.status_code == 302, response.content[:500]

    enrolments = Enrolment.objects.filter(course=course)
    assert enrolments.filter(status=Enrolment.Status.COMPLETED).count() == LEARNERS
    assert rows.filter(status=AssignmentRecipient.Status.OPEN).count() == LEARNERS
    assert "the sweep will" in caplog.text  # logged, not raised

    own_redis.start()
    # The sweep leaves the last minute's completions to their after-commit task.
    enrolments.update(completed_at=timezone.now() - datetime.timedelta(minutes=2))
    tasks.assignment_enrolment_completed_sweep.delay()

    wait_for(
        lambda: rows.filter(status=AssignmentRecipient.Status.COMPLETED).count() == LEARNERS,
        timeout=120,
        what=f"{LEARNERS} assignments completed",
        logs=workers.logs,
    )
    assert tasks.assignment_enrolment_completed_sweep.apply().get() == 0
    notices = Notification.objects.filter(kind=NotificationKind.COURSE_COMPLETED)
    assert sorted(notices.values_list("user_id", flat=True)) == sorted(e.user_id for e in employees)
