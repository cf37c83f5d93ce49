"""Yearly assignments can be completed again: each year is its own enrolment cycle."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction

import pytest

from competencies.selectors.jp import jp_by_employee
from lms.models import Assignment, AssignmentRecipient, Certificate, Enrolment, LessonProgress
from lms.selectors.courses import _user_enrolment
from lms.services.assignments import (
    assignment_create,
    assignment_cycles_open,
    assignment_enrolment_completed,
    assignment_rules_apply,
)
from lms.services.enrolments import (
    enrolment_completion_check,
    lesson_progress_complete,
    lesson_progress_open,
)
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")


def _complete_at(user, course, lessons, when, capture):
    """Learns every lesson of the current enrolment, dates the completion `when`, then
    runs the completion hooks (certificate, training record, assignment rows) as the
    commit would."""
    enrolment = Enrolment.objects.get(user=user, course=course, is_current=True)
    with capture(execute=False) as callbacks:
        for lesson in lessons:
            lesson_progress_open(user=user, lesson=lesson)
            lesson_progress_complete(user=user, lesson=lesson)
        enrolment_completion_check(enrolment=enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=when)
    with capture(execute=True):
        for callback in callbacks:
            callback()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    return enrolment


def test_yearly_assignment_is_completed_again_in_a_new_cycle(
    hr, course, unit, lessons, django_capture_on_commit_callbacks
):
    course.jp_hours = 8
    course.save()
    employee = EmployeeFactory(unit=unit)
    user = employee.user
    assignment = assignment_create(
        actor=hr,
        course=course,
        target_type=Assignment.Target.EMPLOYEES,
        employees=[employee],
        due_on=datetime.date(2025, 12, 31),
        recurs_yearly=True,
    )
    # Assigned in 2025 (the test runs later): date the row back.
    assignment.recipients.update(assigned_at=datetime.datetime(2025, 1, 10, tzinfo=WITA))
    # 23:30 WITA on 31 December is still 2025 in Bontang (15:30 UTC).
    first = _complete_at(
        user, course, lessons, datetime.datetime(2025, 12, 31, 23, 30, tzinfo=WITA),
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    rows = list(assignment.recipients.order_by("cycle"))
    assert [(r.cycle, r.status) for r in rows] == [(1, "completed"), (2, "open")]
    assert rows[1].due_on == datetime.date(2026, 12, 31)
    # The hook ran when the learner finished (the test runs later): date it back.
    assignment.recipients.filter(cycle=2).update(assigned_at=first.completed_at)

    # Still 2025: nothing to reopen. From 1 January 2026 (WITA) the new cycle opens.
    assert assignment_cycles_open(today=datetime.date(2025, 12, 31)) == 0
    assert assignment_cycles_open(today=datetime.date(2026, 1, 1)) == 1
    assert assignment_cycles_open(today=datetime.date(2026, 1, 2)) == 0  # idempotent

    second = Enrolment.objects.get(user=user, course=course, is_current=True)
    first.refresh_from_db()
    assert (first.is_current, first.cycle, first.status) == (False, 1, "completed")
    assert (second.cycle, second.status, second.progress_percent) == (2, "active", 0)
    assert second.due_on == datetime.date(2026, 12, 31)
    assert not LessonProgress.objects.filter(enrolment=second).exists()
    assert _user_enrolment(user, course.pk) == second

    lesson_progress_open(user=user, lesson=lessons[0])
    assert LessonProgress.objects.filter(enrolment=second).count() == 1
    assert LessonProgress.objects.filter(enrolment=first).count() == len(lessons)
    _complete_at(
        user, course, lessons, datetime.datetime(2026, 3, 1, 9, 0, tzinfo=WITA),
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    assignment_enrolment_completed(enrolment_id=first.pk)  # a late redelivery: no effect

    rows = list(assignment.recipients.order_by("cycle"))
    assert [(r.cycle, r.status) for r in rows] == [(1, "completed"), (2, "completed"), (3, "open")]
    assert Enrolment.objects.filter(user=user, course=course).count() == 2
    assert Certificate.objects.filter(enrolment__user=user).count() == 2
    assert jp_by_employee(year=2025, employee_ids=[employee.pk]) == {employee.pk: Decimal(8)}
    assert jp_by_employee(year=2026, employee_ids=[employee.pk]) == {employee.pk: Decimal(8)}


def test_only_one_current_enrolment_per_user_and_course(course):
    user = UserFactory()
    Enrolment.objects.create(user=user, course=course, course_title="x", source="self")
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(user=user, course=course, course_title="x", source="self", cycle=2)
    Enrolment.objects.filter(user=user).update(is_current=False)
    Enrolment.objects.create(user=user, course=course, course_title="x", source="self", cycle=2)


def test_yearly_assignment_of_someone_who_completed_last_year_opens_a_cycle(
    hr, course, unit, django_capture_on_commit_callbacks
):
    employee = EmployeeFactory(unit=unit)
    Enrolment.objects.create(
        user=employee.user,
        course=course,
        course_title=course.title,
        source="self",
        status="completed",
        completed_at=datetime.datetime(2020, 5, 1, tzinfo=WITA),
    )
    assignment = assignment_create(
        actor=hr,
        course=course,
        target_type=Assignment.Target.EMPLOYEES,
        employees=[employee],
        due_days=30,
        recurs_yearly=True,
    )
    assert assignment.recipients.get().status == AssignmentRecipient.Status.OPEN
    current = Enrolment.objects.get(user=employee.user, course=course, is_current=True)
    assert (current.cycle, current.status) == (2, "active")
    assert assignment_rules_apply() == 0  # the nightly run changes nothing more


def test_jp_from_a_course_and_an_external_record_fall_in_the_wita_year(
    hr, course, unit, lessons, django_capture_on_commit_callbacks
):
    """00:30 WITA on 1 January 2026 is still 31 December 2025 in UTC: the course counts
    in 2026. An approved external record finished on 31 December 2025 counts in 2025."""
    from competencies.services.records import training_record_approve, training_record_submit
    from competencies.siasn import DevelopmentType

    course.jp_hours = 6
    course.save()
    employee = EmployeeFactory(unit=unit)
    assignment_create(
        actor=hr,
        course=course,
        target_type=Assignment.Target.EMPLOYEES,
        employees=[employee],
        due_days=30,
    )
    _complete_at(
        employee.user, course, lessons, datetime.datetime(2026, 1, 1, 0, 30, tzinfo=WITA),
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    record = training_record_submit(
        actor=employee.user, employee=employee, title="Bimtek Arsip", organiser="BPSDM Kaltim",
        development_type=DevelopmentType.BIMBINGAN_TEKNIS, started_on=datetime.date(2025, 12, 29),
        finished_on=datetime.date(2025, 12, 31), jp=Decimal("4"),
    )  # fmt: skip
    training_record_approve(actor=hr, record=record)

    assert jp_by_employee(year=2025, employee_ids=[employee.pk]) == {employee.pk: Decimal(4)}
    assert jp_by_employee(year=2026, employee_ids=[employee.pk]) == {employee.pk: Decimal(6)}


def test_a_late_completion_in_january_fulfils_that_year_and_the_next_is_due_a_year_on(
    hr, course, unit, lessons, django_capture_on_commit_callbacks
):
    """Due 31-12-2024, done 15-01-2025: that counts for 2025, the next is due 31-12-2026
    (not 31-12-2025 with no cycle to do it in)."""
    employee = EmployeeFactory(unit=unit)
    assignment = assignment_create(
        actor=hr,
        course=course,
        target_type=Assignment.Target.EMPLOYEES,
        employees=[employee],
        due_on=datetime.date(2024, 12, 31),
        recurs_yearly=True,
    )
    assignment.recipients.update(assigned_at=datetime.datetime(2024, 1, 10, tzinfo=WITA))
    done = _complete_at(
        employee.user, course, lessons, datetime.datetime(2025, 1, 15, 10, 0, tzinfo=WITA),
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    assignment.recipients.filter(cycle=2).update(assigned_at=done.completed_at)

    rows = list(assignment.recipients.order_by("cycle"))
    assert [(r.cycle, r.status, r.due_on) for r in rows] == [
        (1, "completed", datetime.date(2024, 12, 31)),
        (2, "open", datetime.date(2026, 12, 31)),
    ]
    assert assignment_cycles_open(today=datetime.date(2025, 6, 1)) == 0
    assert assignment_cycles_open(today=datetime.date(2026, 1, 1)) == 1
    current = Enrolment.objects.get(user=employee.user, course=course, is_current=True)
    assert (current.cycle, current.due_on) == (2, datetime.date(2026, 12, 31))
