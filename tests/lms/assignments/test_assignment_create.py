from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

import pytest

from accounts.models import Notification, NotificationKind
from lms.models import Assignment, AssignmentRecipient, Enrolment
from lms.services.assignments import assignment_apply, assignment_create
from tests.perf.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def _assign_unit(hr, course, unit, **kwargs):
    return assignment_create(
        actor=hr,
        course=course,
        target_type=Assignment.Target.UNITS,
        units=[unit],
        due_on=kwargs.pop("due_on", datetime.date(2030, 6, 30)),
        **kwargs,
    )


def test_assignment_create_enrols_and_notifies_everyone_in_the_subtree(
    hr, course, unit, subunit, other_unit, make_employees
):
    inside = make_employees(2, unit=unit) + make_employees(1, unit=subunit)
    make_employees(1, unit=other_unit)

    assignment = _assign_unit(hr, course, unit, reason="gap on Pelayanan Publik")

    rows = AssignmentRecipient.objects.filter(assignment=assignment)
    assert {r.employee_id for r in rows} == {e.pk for e in inside}
    enrolments = Enrolment.objects.filter(course=course)
    assert {e.user_id for e in enrolments} == {e.user_id for e in inside}
    assert all(e.source == "assignment" and e.status == "active" for e in enrolments)
    assert all(e.due_on == datetime.date(2030, 6, 30) for e in enrolments)
    notices = Notification.objects.filter(kind=NotificationKind.ASSIGNMENT_NEW)
    assert notices.count() == 3
    assert notices.first().params["reason"] == "gap on Pelayanan Publik"


def test_assignment_create_without_subunits_takes_the_unit_only(
    hr, course, unit, subunit, make_employees
):
    direct = make_employees(1, unit=unit)
    make_employees(1, unit=subunit)
    assignment = _assign_unit(hr, course, unit, include_subunits=False)
    assert [r.employee_id for r in assignment.recipients.all()] == [direct[0].pk]


def test_bulk_assignment_twice_creates_no_duplicates(hr, course, unit, make_employees):
    make_employees(5, unit=unit)
    assignment = _assign_unit(hr, course, unit)

    assert assignment_apply(assignment=assignment) == (0, 0)
    assignment_apply(assignment=assignment)

    assert AssignmentRecipient.objects.count() == 5
    assert Enrolment.objects.count() == 5
    assert Notification.objects.filter(kind=NotificationKind.ASSIGNMENT_NEW).count() == 5


def test_assigning_existing_requested_enrolment_activates_it(hr, course, unit, make_employees):
    (employee,) = make_employees(1, unit=unit)
    Enrolment.objects.create(
        user=employee.user,
        course=course,
        course_title=course.title,
        status="requested",
        source="approval",
    )
    _assign_unit(hr, course, unit)
    enrolment = Enrolment.objects.get(user=employee.user, course=course)
    assert enrolment.status == "active"
    assert enrolment.source == "assignment"


# 20 employees, then 50: a query per employee would show as 30 more. From about 55 the
# enrolments are split into several bulk inserts on SQLite (999 parameters a statement),
# never on PostgreSQL.
def test_bulk_assignment_query_count_is_constant(hr, course_index, unit, make_employees):
    from tests.factories.lms import CoursePageFactory

    make_employees(20, unit=unit)
    courses = iter([CoursePageFactory(parent=course_index, title=f"Kursus {n}") for n in range(4)])

    assignments = []

    def assign_a_new_course_to_the_unit():
        assignments.append(_assign_unit(hr, next(courses), unit))

    # The limit is today's count.
    assert_constant_queries(
        assign_a_new_course_to_the_unit,
        grow=lambda: make_employees(30, unit=unit),
        limit=34,
    )
    assert [a.recipients.count() for a in assignments] == [20, 20, 50, 50]


def test_due_date_is_n_days_after_being_assigned(hr, course, unit, make_employees):
    make_employees(1, unit=unit)
    assignment = assignment_create(
        actor=hr, course=course, target_type=Assignment.Target.UNITS, units=[unit], due_days=14
    )
    row = assignment.recipients.get()
    assert row.due_on == timezone.localdate() + datetime.timedelta(days=14)
    assert Enrolment.objects.get().due_on == row.due_on


def test_scoped_hr_cannot_target_outside_their_subtree(
    scoped_hr, course, unit, subunit, other_unit, make_employees
):
    (outsider,) = make_employees(1, unit=other_unit)
    with pytest.raises(PermissionDenied):
        _assign_unit(scoped_hr, course, other_unit)
    with pytest.raises(PermissionDenied):
        assignment_create(
            actor=scoped_hr,
            course=course,
            target_type=Assignment.Target.EMPLOYEES,
            employees=[outsider],
            due_days=10,
        )
    assert not Assignment.objects.exists()
    _assign_unit(scoped_hr, course, subunit)  # inside: allowed


def test_scoped_hr_position_kind_assignment_stays_in_scope(
    scoped_hr, course, unit, other_unit, position, make_employees
):
    inside = make_employees(1, unit=unit, position=position)
    make_employees(1, unit=other_unit, position=position)
    assignment = assignment_create(
        actor=scoped_hr,
        course=course,
        target_type=Assignment.Target.POSITION_KINDS,
        position_kinds=[position.kind],
        due_days=10,
    )
    assert [r.employee_id for r in assignment.recipients.all()] == [inside[0].pk]


def test_learner_cannot_create_assignments(learner, course, unit):
    with pytest.raises(PermissionDenied):
        _assign_unit(learner, course, unit)
