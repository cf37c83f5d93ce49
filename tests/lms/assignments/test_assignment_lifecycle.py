from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

import pytest

from accounts.models import Notification, NotificationKind
from competencies.services.employees import employee_deactivate, employee_update
from lms.models import Assignment, AssignmentRecipient, AssignmentRule, Enrolment
from lms.services.assignment_due_dates import assignment_due_extend, assignment_reminders_send
from lms.services.assignments import assignment_create, assignment_rules_apply
from lms.services.enrolments import enrolment_completion_check
from tests.factories.competencies import EmployeeFactory

pytestmark = pytest.mark.django_db


def test_rule_assigns_a_newcomer_and_withdraws_a_leaver_keeping_history(
    hr, course, unit, other_unit, django_capture_on_commit_callbacks
):
    stayer = EmployeeFactory(unit=unit, golongan=31)
    leaver = EmployeeFactory(unit=unit, golongan=31)
    newcomer = EmployeeFactory(unit=other_unit, golongan=31)
    rule = AssignmentRule.objects.create(name="III/a Dinkes", unit=unit, golongan=31)
    assignment = assignment_create(
        actor=hr, course=course, target_type=Assignment.Target.RULE, rule=rule, due_days=30
    )
    assert assignment.recipients.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        employee_update(actor=hr, employee=newcomer, unit=unit)
    with django_capture_on_commit_callbacks(execute=True):
        employee_update(actor=hr, employee=leaver, unit=other_unit)

    rows = {r.employee_id: r for r in assignment.recipients.all()}
    assert rows[newcomer.pk].status == AssignmentRecipient.Status.OPEN
    assert rows[stayer.pk].status == AssignmentRecipient.Status.OPEN
    assert rows[leaver.pk].status == AssignmentRecipient.Status.WITHDRAWN
    assert rows[leaver.pk].withdrawn_at is not None
    assert Enrolment.objects.get(user=leaver.user).status == Enrolment.Status.WITHDRAWN
    assert Enrolment.objects.get(user=newcomer.user).status == Enrolment.Status.ACTIVE
    assert Notification.objects.filter(
        user=newcomer.user, kind=NotificationKind.ASSIGNMENT_NEW
    ).exists()


def test_deactivated_employee_is_withdrawn_and_nightly_run_is_idempotent(
    hr, course, unit, django_capture_on_commit_callbacks
):
    employee = EmployeeFactory(unit=unit)
    assignment = assignment_create(
        actor=hr,
        course=course,
        target_type=Assignment.Target.EMPLOYEES,
        employees=[employee],
        due_days=5,
    )
    with django_capture_on_commit_callbacks(execute=True):
        employee_deactivate(actor=hr, employee=employee)
    assert assignment.recipients.get().status == AssignmentRecipient.Status.WITHDRAWN
    assert assignment_rules_apply() == 0
    assert assignment_rules_apply() == 0


def test_nightly_run_assigns_people_changed_outside_the_services(hr, course, unit, other_unit):
    assignment = assignment_create(
        actor=hr, course=course, target_type=Assignment.Target.UNITS, units=[unit], due_days=5
    )
    employee = EmployeeFactory(unit=other_unit)
    type(employee).objects.filter(pk=employee.pk).update(unit=unit)
    assert assignment_rules_apply() == 1
    assert assignment.recipients.get().employee_id == employee.pk


def test_extension_moves_due_date_and_keeps_reason(hr, course, unit):
    employee = EmployeeFactory(unit=unit)
    assignment = assignment_create(
        actor=hr,
        course=course,
        target_type=Assignment.Target.EMPLOYEES,
        employees=[employee],
        due_on=datetime.date(2030, 1, 31),
    )
    row = assignment.recipients.get()
    with pytest.raises(ValidationError):
        assignment_due_extend(actor=hr, recipient=row, due_on=datetime.date(2030, 3, 1), reason=" ")
    assignment_due_extend(
        actor=hr, recipient=row, due_on=datetime.date(2030, 3, 1), reason="Cuti melahirkan"
    )
    row.refresh_from_db()
    assert row.due_on == datetime.date(2030, 3, 1)
    (extension,) = row.extensions.all()
    assert (extension.old_due_on, extension.reason) == (
        datetime.date(2030, 1, 31),
        "Cuti melahirkan",
    )
    assert Enrolment.objects.get().due_on == datetime.date(2030, 3, 1)


def _complete(employee, course, capture):
    enrolment = Enrolment.objects.get(user=employee.user, course=course)
    with capture(execute=True):
        enrolment_completion_check(enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    return enrolment


def test_completion_marks_assignment_completed_and_notifies_once(
    hr, course, unit, django_capture_on_commit_callbacks
):
    employee = EmployeeFactory(unit=unit)
    assignment = assignment_create(
        actor=hr,
        course=course,
        target_type=Assignment.Target.EMPLOYEES,
        employees=[employee],
        due_days=10,
    )
    enrolment = _complete(employee, course, django_capture_on_commit_callbacks)
    from lms.services.assignments import assignment_enrolment_completed

    assignment_enrolment_completed(enrolment_id=enrolment.pk)  # a second delivery
    row = assignment.recipients.get()
    assert row.status == AssignmentRecipient.Status.COMPLETED
    assert Notification.objects.filter(kind=NotificationKind.COURSE_COMPLETED).count() == 1


def test_yearly_recurrence_creates_next_years_assignment(
    hr, course, unit, django_capture_on_commit_callbacks
):
    employee = EmployeeFactory(unit=unit)
    assignment = assignment_create(
        actor=hr,
        course=course,
        target_type=Assignment.Target.EMPLOYEES,
        employees=[employee],
        due_on=datetime.date(2030, 6, 30),
        recurs_yearly=True,
    )
    _complete(employee, course, django_capture_on_commit_callbacks)
    first, second = assignment.recipients.order_by("cycle")
    assert first.status == AssignmentRecipient.Status.COMPLETED
    assert (second.cycle, second.status, second.due_on) == (
        2,
        AssignmentRecipient.Status.OPEN,
        datetime.date(2031, 6, 30),
    )


def test_reminders_are_sent_once_even_when_the_job_runs_twice(hr, course, unit):
    today = datetime.date(2030, 6, 1)
    seven, one, late = (EmployeeFactory(unit=unit) for _ in range(3))
    for employee, due in (
        (seven, today + datetime.timedelta(days=7)),
        (one, today + datetime.timedelta(days=1)),
        (late, today - datetime.timedelta(days=1)),
    ):
        assignment_create(
            actor=hr,
            course=course,
            target_type=Assignment.Target.EMPLOYEES,
            employees=[employee],
            due_on=due,
        )
    assert assignment_reminders_send(today=today) == 3
    assert assignment_reminders_send(today=today) == 0
    kinds = dict(
        Notification.objects.exclude(kind=NotificationKind.ASSIGNMENT_NEW).values_list(
            "user_id", "kind"
        )
    )
    assert kinds == {
        seven.user_id: NotificationKind.ASSIGNMENT_DUE_7,
        one.user_id: NotificationKind.ASSIGNMENT_DUE_1,
        late.user_id: NotificationKind.ASSIGNMENT_OVERDUE,
    }


def test_supervisor_is_copied_after_three_days_overdue(hr, course, unit):
    boss = EmployeeFactory(unit=unit)
    employee = EmployeeFactory(unit=unit, supervisor=boss)
    assignment_create(
        actor=hr,
        course=course,
        target_type=Assignment.Target.EMPLOYEES,
        employees=[employee],
        due_on=datetime.date(2030, 6, 1),
    )
    assignment_reminders_send(today=datetime.date(2030, 6, 3))  # 2 days late
    assert not Notification.objects.filter(user=boss.user).exists()
    assignment_reminders_send(today=datetime.date(2030, 6, 4))  # 3 days late
    assignment_reminders_send(today=datetime.date(2030, 6, 5))
    notice = Notification.objects.get(user=boss.user)
    assert notice.kind == NotificationKind.REPORT_OVERDUE
    assert notice.params["employee"] == employee.display_name


def test_employee_import_assigns_newcomers_to_a_unit_assignment(
    hr, course, unit, django_capture_on_commit_callbacks
):
    from competencies.imports.employees import employees_import
    from tests.competencies.imports.files import csv_bytes

    assignment = assignment_create(
        actor=hr, course=course, target_type=Assignment.Target.UNITS, units=[unit], due_days=30
    )
    data = csv_bytes(
        ["nip", "name", "email", "unit_code"],
        [["199203152019032001", "Rina", "rina@bontang.example", unit.code]],
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = employees_import(data=data, filename="p.csv", actor=None, dry_run=False)
    assert not report.errors
    (row,) = assignment.recipients.all()
    assert row.employee.full_name == "Rina"
    assert Enrolment.objects.get(user=row.user, course=course).source == "assignment"
