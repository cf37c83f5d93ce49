"""The set-based writes behind a bulk assignment (lms.services.bulk, the PostgreSQL
statements of `enrolments_bulk_create` and `notify_many`): same rows and defaults as the
ORM path, rows already there skipped, nothing written twice. Runs on SQLite and
PostgreSQL (the fast path is PostgreSQL's)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

import pytest

from accounts.models import Notification, NotificationKind, NotificationPreference
from accounts.services import notify_many
from competencies.models import Employee
from lms.models import Assignment, AssignmentRecipient, Enrolment
from lms.services.assignments import assignment_apply, assignment_create
from lms.services.bulk import ids_q, rows_insert_new
from lms.services.enrolments import enrolments_bulk_create
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db
DUE = datetime.date(2030, 6, 30)


def _assign(hr, course, unit):
    return assignment_create(
        actor=hr, course=course, target_type=Assignment.Target.UNITS, units=[unit], due_on=DUE
    )


def test_bulk_assignment_writes_complete_rows(hr, course, unit, make_employees):
    people = make_employees(3, unit=unit)

    assignment = _assign(hr, course, unit)

    rows = list(AssignmentRecipient.objects.filter(assignment=assignment).order_by("employee_id"))
    assert [(r.employee_id, r.user_id) for r in rows] == [(e.pk, e.user_id) for e in people]
    assert {(r.cycle, r.status, r.due_on, r.completed_at, r.withdrawn_at) for r in rows} == {
        (1, AssignmentRecipient.Status.OPEN, DUE, None, None)
    }
    assert all(r.assigned_at is not None for r in rows)
    enrolments = list(Enrolment.objects.filter(course=course))
    assert {
        (
            e.course_title,
            e.status,
            e.source,
            e.due_on,
            e.decided_by_id,
            e.cycle,
            e.is_current,
            e.progress_percent,
        )
        for e in enrolments
    } == {(course.title, "active", "assignment", DUE, hr.pk, 1, True, 0)}
    assert all(e.enrolled_at and e.created_at and e.updated_at for e in enrolments)
    notices = Notification.objects.filter(kind=NotificationKind.ASSIGNMENT_NEW)
    assert {n.user_id for n in notices} == {e.user_id for e in people}
    notice = notices.get(user=people[0].user)
    assert notice.dedupe_key == f"assignment:{assignment.pk}:c1:new:{DUE}:{people[0].user_id}"
    assert notice.params == {"course": course.title, "due": DUE.isoformat(), "reason": ""}
    assert (notice.url, notice.read_at, notice.email_status) == ("/learning/", None, "pending")


def test_bulk_assignment_completes_a_finished_learner_without_a_notice(
    hr, course, unit, make_employees
):
    finished, fresh = make_employees(2, unit=unit)
    completed_at = timezone.now() - datetime.timedelta(days=3)
    Enrolment.objects.create(
        user=finished.user, course=course, course_title=course.title, source="self",
        status=Enrolment.Status.COMPLETED, completed_at=completed_at, progress_percent=100,
    )  # fmt: skip

    assignment = _assign(hr, course, unit)

    rows = {r.employee_id: r for r in assignment.recipients.all()}
    assert rows[finished.pk].status == AssignmentRecipient.Status.COMPLETED
    assert rows[finished.pk].completed_at == completed_at
    assert rows[fresh.pk].status == AssignmentRecipient.Status.OPEN
    assert Enrolment.objects.get(user=finished.user).status == Enrolment.Status.COMPLETED
    assert list(
        Notification.objects.filter(kind=NotificationKind.ASSIGNMENT_NEW).values_list(
            "user_id", flat=True
        )
    ) == [fresh.user_id]


def test_bulk_assignment_reopens_a_withdrawn_row_without_a_second_row(
    hr, course, unit, make_employees
):
    stayer, leaver = make_employees(2, unit=unit)
    assignment = _assign(hr, course, unit)
    Employee.objects.filter(pk=leaver.pk).update(is_active=False)
    assert assignment_apply(assignment=assignment) == (0, 1)
    assert Enrolment.objects.get(user=leaver.user).status == Enrolment.Status.WITHDRAWN

    Employee.objects.filter(pk=leaver.pk).update(is_active=True)

    assert assignment_apply(assignment=assignment) == (1, 0)
    assert assignment_apply(assignment=assignment) == (0, 0)
    rows = AssignmentRecipient.objects.filter(assignment=assignment)
    assert rows.count() == 2
    assert rows.get(employee=leaver).status == AssignmentRecipient.Status.OPEN
    assert Enrolment.objects.filter(user=leaver.user, course=course).count() == 1
    assert Enrolment.objects.get(user=leaver.user).status == Enrolment.Status.ACTIVE
    assert Notification.objects.filter(kind=NotificationKind.ASSIGNMENT_NEW).count() == 2


def test_bulk_enrolment_skips_learners_enrolled_meanwhile(course, learner):
    """`rows_insert_new` is the backstop for a concurrent enrolment: a row that would break
    the one-current-enrolment constraint is skipped, not an error for the whole batch."""
    others = [UserFactory() for _ in range(2)]
    Enrolment.objects.create(user=learner, course=course, course_title=course.title, source="self")
    now = timezone.now()
    same = {"course_id": course.pk, "course_title": course.title, "source": "assignment"}

    rows_insert_new(Enrolment, same=same, each={"user_id": [learner.pk, *(u.pk for u in others)]})
    rows_insert_new(Enrolment, same=same, each={"user_id": [u.pk for u in others]})

    assert Enrolment.objects.filter(course=course).count() == 3
    assert Enrolment.objects.get(user=learner).source == "self"
    added = Enrolment.objects.get(user=others[0])
    assert (added.status, added.cycle, added.is_current, added.progress_percent) == (
        Enrolment.Status.ACTIVE,
        1,
        True,
        0,
    )
    assert added.created_at >= now and added.updated_at >= now


def test_enrolments_bulk_create_returns_only_existing_enrolments(course, learner):
    other = UserFactory()
    existing = Enrolment.objects.create(
        user=learner, course=course, course_title=course.title, source="self",
        status=Enrolment.Status.REQUESTED,
    )  # fmt: skip

    result = enrolments_bulk_create(
        user_ids=[learner.pk, other.pk, other.pk], course=course, due_on=DUE, actor=None
    )

    assert list(result) == [learner.pk] and result[learner.pk].pk == existing.pk
    existing.refresh_from_db()
    assert (existing.status, existing.source, existing.due_on) == ("active", "assignment", DUE)
    assert Enrolment.objects.filter(user=other, course=course).count() == 1


def test_rows_insert_new_needs_lists_of_one_length():
    with pytest.raises(ValueError):
        rows_insert_new(Enrolment, same={}, each={"user_id": [1], "course_id": [1, 2]})


def test_ids_q_matches_the_listed_ids_only(make_employees, unit):
    people = make_employees(3, unit=unit)
    wanted = [people[0].pk, people[2].pk]

    assert set(Employee.objects.filter(ids_q("pk", wanted)).values_list("pk", flat=True)) == set(
        wanted
    )
    assert list(Employee.objects.exclude(ids_q("pk", wanted)).values_list("pk", flat=True)) == [
        people[1].pk
    ]
    assert not Employee.objects.filter(ids_q("pk", [])).exists()


def test_ids_q_sends_the_ids_as_one_array_literal_on_postgresql():
    """Django binds parameters on the client: a Python list becomes a quoted array built
    element by element (a regular expression per id, ~0.2 s of a 10,000-recipient
    assignment in the profile). The ids go as one `{...}` literal instead."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes `__in` (the fallback)")
    _sql, params = Employee.objects.filter(ids_q("pk", [3, 1, 2])).query.sql_with_params()

    assert params == ("{3,1,2}",)
    with pytest.raises((TypeError, ValueError)):
        Employee.objects.filter(ids_q("pk", ["1,2"])).query.sql_with_params()


def test_notify_many_by_user_ids_reads_activity_and_email_preference(
    django_capture_on_commit_callbacks,
):
    muted, inactive, reader = (UserFactory() for _ in range(3))
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    NotificationPreference.objects.create(
        user=muted, kind=NotificationKind.ASSIGNMENT_NEW, email=False
    )
    ids = [muted.pk, inactive.pk, reader.pk, reader.pk]

    with django_capture_on_commit_callbacks() as callbacks:
        created = notify_many(
            user_ids=ids,
            kind=NotificationKind.ASSIGNMENT_NEW,
            params={"course": "Kursus"},
            url="/learning/",
            dedupe_prefix="t:1",
        )

    assert created == 3
    assert callbacks  # the e-mail sweep, queued after commit
    status = dict(Notification.objects.values_list("user_id", "email_status"))
    assert status == {muted.pk: "skipped", inactive.pk: "skipped", reader.pk: "pending"}
    notice = Notification.objects.get(user=reader)
    assert (notice.kind, notice.params, notice.url, notice.dedupe_key) == (
        NotificationKind.ASSIGNMENT_NEW,
        {"course": "Kursus"},
        "/learning/",
        f"t:1:{reader.pk}",
    )
    again = notify_many(
        user_ids=ids, kind=NotificationKind.ASSIGNMENT_NEW, params={}, dedupe_prefix="t:1"
    )
    assert again == 0 and Notification.objects.count() == 3
