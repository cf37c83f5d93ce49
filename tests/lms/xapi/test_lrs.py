"""xAPI statements delivered to a real LRS (Ralph, started per test: conftest.py) and
read back: they equal the portal's events and follow the profile in docs/xapi.md."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

import pytest

from accounts.roles import Role
from competencies.models import Employee
from lms.models import (
    BatchUnitQuota,
    Certificate,
    Enrolment,
    Nomination,
    QuizAttempt,
    XapiStatement,
)
from lms.services.certificates import certificate_issue, certificate_revoke
from lms.services.classroom_attendance import attendance_correct, attendance_mark
from lms.services.classroom_nominations import nomination_create, nomination_decide
from lms.services.enrolments import enrolment_create, lesson_progress_complete, lesson_progress_open
from lms.services.quizzes import quiz_attempt_start, quiz_attempt_submit
from lms.services.xapi import xapi_actor, xapi_statements_deliver
from lms.tasks import xapi_statements_deliver as xapi_statements_deliver_task
from lms.xapi.statements import registration_id
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory, OrgUnitFactory
from tests.factories.lms import BatchFactory, SessionFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db]

ADL = "http://adlnet.gov/expapi/verbs/"
BASE = "http://testserver"
# What the LRS adds to a statement it stores (xAPI 1.0.3, part two, 2.4.8-2.4.10).
LRS_FIELDS = {"stored", "authority"}


@pytest.fixture(autouse=True)
def _signing_key(tmp_path, settings):
    settings.LMS_CREDENTIAL_SIGNING_KEY_FILE = str(tmp_path / "keys" / "signing.pem")


@pytest.fixture
def employee(db) -> Employee:
    unit = OrgUnitFactory(name="Dinas Kesehatan")
    supervisor = EmployeeFactory(unit=unit, full_name="Budi Santoso", user__roles=[Role.ATASAN])
    return EmployeeFactory(
        unit=unit, supervisor=supervisor, full_name="Rina Lestari", user__roles=[Role.PESERTA]
    )


def _correct(attempt: QuizAttempt) -> dict:
    return {
        answer.pk: [str(c.pk) for c in answer.question.choices.all() if c.is_correct]
        for answer in attempt.answers.select_related("question")
    }


def _as_sent(statement: dict) -> dict:
    return {k: v for k, v in statement.items() if k not in LRS_FIELDS}


def _by_id(lrs) -> dict[str, dict]:
    return {s["id"]: s for s in lrs.statements()}


def test_the_statements_in_ralph_equal_the_learners_events(
    xapi_on, course, lessons, quiz, employee, django_capture_on_commit_callbacks
):
    learner = employee.user
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrolment_create(user=learner, course=course)
    for lesson in lessons:
        with django_capture_on_commit_callbacks(execute=True):
            lesson_progress_open(user=learner, lesson=lesson)
        with django_capture_on_commit_callbacks(execute=True):
            lesson_progress_complete(user=learner, lesson=lesson)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = quiz_attempt_start(user=learner, quiz=quiz)
    with django_capture_on_commit_callbacks(execute=True):
        quiz_attempt_submit(user=learner, attempt=attempt, responses=_correct(attempt))
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(enrolment_id=enrolment.pk)
    assert certificate is not None and certificate.status == Certificate.Status.ISSUED
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, actor=administrator, reason="Uji")

    # Each event was sent right after its commit (the eager task); nothing waits.
    assert xapi_statements_deliver() == 0
    rows = {str(row.pk): row for row in XapiStatement.objects.all()}
    assert {row.status for row in rows.values()} == {XapiStatement.Status.SENT}
    stored = _by_id(xapi_on)
    assert set(stored) == set(rows)
    for statement_id, row in rows.items():
        assert _as_sent(stored[statement_id]) == row.statement

    # The portal's events, one statement each, in the profile's words.
    attempt.refresh_from_db()
    course_url = BASE + course.url
    by_verb: dict[str, list[dict]] = {}
    for statement in stored.values():
        by_verb.setdefault(statement["verb"]["id"], []).append(statement)
    assert {verb: len(found) for verb, found in by_verb.items()} == {
        ADL + "registered": 1,
        ADL + "experienced": 2,
        ADL + "completed": 3,  # two lessons and the course
        ADL + "attempted": 1,
        ADL + "passed": 1,
        "http://id.tincanapi.com/verb/earned": 1,
        BASE + "/xapi/verbs/revoked": 1,
    }
    actor = xapi_actor(user_id=learner.pk)
    assert actor["account"]["homePage"] == BASE
    registration = registration_id(base_url=BASE, enrolment_id=enrolment.pk)
    for statement in stored.values():
        assert statement["actor"] == actor
        assert statement["context"]["registration"] == registration
        assert statement["object"]["id"].startswith(BASE + "/")
        parents = statement["context"].get("contextActivities", {}).get("parent", [])
        if statement["object"]["id"] != course_url:
            assert [p["id"] for p in parents] == [course_url]

    (registered,) = by_verb[ADL + "registered"]
    assert registered["object"]["id"] == course_url
    assert (
        registered["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
    )
    lesson_urls = {BASE + lesson.url for lesson in lessons}
    assert {s["object"]["id"] for s in by_verb[ADL + "experienced"]} == lesson_urls
    completed = {s["object"]["id"]: s for s in by_verb[ADL + "completed"]}
    assert set(completed) == lesson_urls | {course_url}
    assert completed[course_url]["result"]["completion"] is True
    assert completed[course_url]["result"]["extensions"] == {
        BASE + "/xapi/extensions/jp": float(enrolment.jp_earned)
    }
    (passed,) = by_verb[ADL + "passed"]
    assert passed["object"]["id"] == BASE + quiz.url
    assert passed["object"]["definition"]["type"] == (
        "http://adlnet.gov/expapi/activities/assessment"
    )
    assert passed["result"]["success"] is True
    assert passed["result"]["score"] == {
        "raw": float(attempt.score),
        "min": 0.0,
        "max": float(attempt.max_score),
        "scaled": 1.0,
    }
    (earned,) = by_verb["http://id.tincanapi.com/verb/earned"]
    (revoked,) = by_verb[BASE + "/xapi/verbs/revoked"]
    assert (
        earned["object"]["id"] == revoked["object"]["id"] == (f"{BASE}/verify/{certificate.code}/")
    )
    assert earned["result"]["extensions"][BASE + "/xapi/extensions/certificate-number"] == (
        certificate.number
    )


def test_a_statement_sent_twice_is_kept_once(
    xapi_on, course, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(user=learner, course=course)
    assert len(xapi_on.statements()) == 1
    # A retried or doubled task sends the same rows again.
    XapiStatement.objects.update(status=XapiStatement.Status.PENDING, sent_at=None)
    assert xapi_statements_deliver() == 1
    assert xapi_statements_deliver_task.apply().get() == 0
    assert len(xapi_on.statements()) == 1


def test_an_lrs_that_is_down_delays_the_statements_and_the_learner_is_not_blocked(
    xapi_on, settings, course, learner, django_capture_on_commit_callbacks
):
    settings.XAPI_LRS_ENDPOINT = "http://127.0.0.1:9/xAPI/"  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrolment_create(user=learner, course=course)  # does not raise
    row = XapiStatement.objects.get()
    assert row.status == XapiStatement.Status.PENDING
    assert row.tries == 1 and "unreachable" in row.last_error
    assert row.next_try_at > timezone.now()
    assert enrolment.pk

    settings.XAPI_LRS_ENDPOINT = xapi_on.endpoint
    assert xapi_statements_deliver() == 0  # backed off: not due yet
    XapiStatement.objects.update(next_try_at=timezone.now())
    assert xapi_statements_deliver() == 1  # the minute's sweep
    assert list(_by_id(xapi_on)) == [str(row.pk)]


def test_a_statement_the_lrs_refuses_is_set_aside_and_the_others_are_sent(
    xapi_on, course, lessons, learner
):
    enrolment_create(user=learner, course=course)
    lesson_progress_open(user=learner, lesson=lessons[0])
    bad = XapiStatement.objects.get(verb="experienced")
    bad.statement = {k: v for k, v in bad.statement.items() if k != "actor"}  # invalid
    bad.save()
    assert xapi_statements_deliver() == 1
    bad.refresh_from_db()
    assert bad.status == XapiStatement.Status.REJECTED
    assert XapiStatement.objects.get(verb="registered").status == XapiStatement.Status.SENT
    assert len(xapi_on.statements()) == 1


def test_classroom_attendance_is_sent_once_per_status(
    xapi_on, course_index, employee, django_capture_on_commit_callbacks
):
    from lms.models import Batch, CoursePage
    from tests.factories.lms import CoursePageFactory

    classroom = CoursePageFactory(
        parent=course_index,
        title="Pelayanan Publik",
        jp_hours=Decimal("6"),
        delivery_mode=CoursePage.DeliveryMode.KLASIKAL,
    )
    hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    batch = BatchFactory(course=classroom, quota_total=2)
    BatchUnitQuota.objects.create(batch=batch, unit=employee.unit, quota=2)
    nomination = nomination_create(batch=batch, employee=employee, actor=employee.supervisor.user)
    nomination_decide(nomination=nomination, actor=hr, status=Nomination.Status.SELECTED)
    batch.status = Batch.Status.RUNNING
    batch.save()
    session = SessionFactory(batch=batch, topic="Etika pelayanan")
    nomination.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(session=session, nomination=nomination, actor=hr, status="hadir")
    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(session=session, nomination=nomination, actor=hr, status="hadir")
    with django_capture_on_commit_callbacks(execute=True):
        attendance_correct(
            session=session, nomination=nomination, actor=hr, status="alfa", reason="Salah catat"
        )

    attended = [s for s in xapi_on.statements() if s["verb"]["id"] == ADL + "attended"]
    assert sorted(
        (
            s["result"]["success"],
            s["result"]["extensions"][BASE + "/xapi/extensions/attendance-status"],
        )
        for s in attended
    ) == [(False, "alfa"), (True, "hadir")]
    for statement in attended:
        assert statement["actor"] == xapi_actor(user_id=employee.user_id)
        assert statement["object"]["id"] == f"{BASE}/learning/kelas/hadir/{session.pk}/"
        assert statement["object"]["definition"]["type"] == (
            "http://adlnet.gov/expapi/activities/meeting"
        )
        assert statement["context"]["contextActivities"]["parent"][0]["id"] == (
            BASE + classroom.url
        )
