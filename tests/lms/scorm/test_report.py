"""The trainer's report of SCORM attempts (lms.views.scorm.scorm_report and its CSV):
the latest attempt per learner and item with the time and number of all attempts,
paginated, scoped to the viewer's courses and HR scope."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

import pytest

from accounts.roles import Role
from lms.models import Enrolment, ScormAttempt
from lms.services.enrolments import enrolment_create
from tests.factories.accounts import UserFactory
from tests.factories.lms import CoursePageFactory

pytestmark = pytest.mark.django_db


def _attempt(enrolment, lesson, *, number=1, item="item-1", **fields):
    return ScormAttempt.objects.create(
        enrolment=enrolment,
        user=enrolment.user,
        lesson=lesson,
        package=lesson.package,
        version=lesson.package.version,
        sco_identifier=item,
        number=number,
        **fields,
    )


def _urls(course, lesson):
    kwargs = {"course_id": course.pk, "lesson_id": lesson.pk}
    return reverse("scorm:report", kwargs=kwargs), reverse("scorm:report_export", kwargs=kwargs)


@pytest.fixture
def attempts(course, lesson12, enrolled):
    _attempt(
        enrolled,
        lesson12,
        number=1,
        completion_status="failed",
        success_status="failed",
        score_raw=40,
        previous_sessions_seconds=60,
        terminated=True,
    )
    _attempt(
        enrolled,
        lesson12,
        number=2,
        completion_status="passed",
        success_status="passed",
        score_raw=90,
        score_scaled=0.9,
        session_seconds=65,
    )
    other = UserFactory(roles=[Role.PESERTA], first_name="=HYPERLINK(1)", last_name="")
    second = enrolment_create(user=other, course=course, source=Enrolment.Source.ADMIN)
    _attempt(second, lesson12, completion_status="incomplete", session_seconds=5)
    return enrolled


def test_trainer_sees_the_latest_attempt_with_all_time_and_count(
    client, course, lesson12, attempts, trainer
):
    client.force_login(trainer)
    report, _export = _urls(course, lesson12)
    response = client.get(report)
    assert response.status_code == 200
    rows = {a.user_id: a for a in response.context["page"]}
    mine = rows[attempts.user_id]
    assert (mine.number, mine.attempt_count, mine.all_seconds) == (2, 2, 125)
    assert mine.total_hms == "0:02:05"
    assert response.context["page"].paginator.count == 2
    # The course report links to it.
    course_page = client.get(reverse("lms:trainer_course", kwargs={"course_id": course.pk}))
    assert report in course_page.content.decode()


def test_report_is_paginated(client, course, lesson12, attempts, trainer, monkeypatch):
    monkeypatch.setattr("lms.views.scorm.REPORT_PAGE_SIZE", 1)
    client.force_login(trainer)
    report, _export = _urls(course, lesson12)
    first = client.get(report)
    assert len(first.context["page"].object_list) == 1 and first.context["page"].has_next()
    assert client.get(report + "?page=2").context["page"].number == 2


def test_csv_export_guards_formulas(client, course, lesson12, attempts, trainer):
    client.force_login(trainer)
    _report, export = _urls(course, lesson12)
    response = client.get(export)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    header = rows[0]
    learner = next(r for r in rows[1:] if r[1] == attempts.user.email)
    assert len(header) == 12 and learner[9] == "2"  # the attempts column
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_other_trainer_and_learner_are_refused(client, course, lesson12, attempts):
    report, export = _urls(course, lesson12)
    client.force_login(UserFactory(roles=[Role.PELATIH]))
    assert client.get(report).status_code == 403
    assert client.get(export).status_code == 403
    client.force_login(attempts.user)
    assert client.get(report).status_code == 403


def test_lesson_of_another_course_is_404(client, course_index, lesson12, trainer):
    other = CoursePageFactory(parent=course_index, title="Lain", owner=trainer)
    client.force_login(trainer)
    response = client.get(
        reverse("scorm:report", kwargs={"course_id": other.pk, "lesson_id": lesson12.pk})
    )
    assert response.status_code == 404


def test_empty_state(client, course, lesson12, trainer):
    client.force_login(trainer)
    report, _export = _urls(course, lesson12)
    response = client.get(report)
    assert response.status_code == 200 and response.context["page"].paginator.count == 0
