"""A lesson counts only after it was opened (server-recorded) and, where the
trainer sets one, after its minimum time; the time spent is what the server measured."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

import pytest

from lms.models import Enrolment, LessonProgress
from lms.selectors.trainer import course_report
from lms.services.enrolments import (
    enrolment_create,
    lesson_progress_complete,
    lesson_progress_open,
)
from lms.services.quizzes import quiz_attempt_start, quiz_attempt_submit
from tests.factories.lms import QuizPageFactory, choice_question

pytestmark = pytest.mark.django_db


def test_complete_without_opening_is_refused_and_records_nothing(course, lessons, learner):
    enrolment = enrolment_create(user=learner, course=course)

    with pytest.raises(ValidationError) as exc:
        lesson_progress_complete(user=learner, lesson=lessons[0])

    with override("en"):
        assert "Open the lesson" in str(exc.value.messages[0])
    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()
    enrolment.refresh_from_db()
    assert enrolment.progress_percent == 0


def test_lessons_completed_right_after_enrolment_do_not_finish_the_course(course, lessons, learner):
    enrolment = enrolment_create(user=learner, course=course)
    for lesson in lessons:
        with pytest.raises(ValidationError):
            lesson_progress_complete(user=learner, lesson=lesson)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_minimum_time_refuses_an_early_complete_and_says_how_long_remains(course, lessons, learner):
    lesson = lessons[0]
    lesson.minimum_minutes = 10
    lesson.save()
    enrolment_create(user=learner, course=course)
    opened = timezone.now()
    lesson_progress_open(user=learner, lesson=lesson, now=opened)

    with pytest.raises(ValidationError) as exc, override("en"):
        lesson_progress_complete(user=learner, lesson=lesson, now=opened + dt.timedelta(minutes=3))

    message = str(exc.value.messages[0])
    assert "10 minutes" in message and "7 minutes" in message
    progress = LessonProgress.objects.get(lesson=lesson)
    assert progress.completed_at is None


def test_minimum_time_allows_the_complete_once_elapsed(course, lessons, learner):
    lesson = lessons[0]
    lesson.minimum_minutes = 10
    lesson.save()
    enrolment_create(user=learner, course=course)
    opened = timezone.now()
    lesson_progress_open(user=learner, lesson=lesson, now=opened)
    # Re-opening (a reload) does not restart the minimum-time clock.
    lesson_progress_open(user=learner, lesson=lesson, now=opened + dt.timedelta(minutes=9))

    progress = lesson_progress_complete(
        user=learner, lesson=lesson, now=opened + dt.timedelta(minutes=10)
    )

    assert progress.completed_at == opened + dt.timedelta(minutes=10)


def test_time_spent_is_measured_between_open_and_complete(course, lessons, learner):
    enrolment_create(user=learner, course=course)
    opened = timezone.now()
    lesson_progress_open(user=learner, lesson=lessons[0], now=opened)

    progress = lesson_progress_complete(
        user=learner, lesson=lessons[0], now=opened + dt.timedelta(minutes=4, seconds=5)
    )

    assert progress.seconds_spent == 245


def test_a_second_complete_changes_nothing(course, lessons, learner):
    enrolment_create(user=learner, course=course)
    opened = timezone.now()
    lesson_progress_open(user=learner, lesson=lessons[0], now=opened)
    lesson_progress_complete(user=learner, lesson=lessons[0], now=opened + dt.timedelta(minutes=2))

    progress = lesson_progress_complete(
        user=learner, lesson=lessons[0], now=opened + dt.timedelta(minutes=30)
    )

    assert progress.seconds_spent == 120
    assert progress.completed_at == opened + dt.timedelta(minutes=2)


def test_course_report_time_spent_is_lesson_time_plus_quiz_time(course, lessons, learner, trainer):
    question = choice_question(course=course)
    quiz = QuizPageFactory(parent=course)
    quiz.questions.add(question)
    quiz.save()
    enrolment_create(user=learner, course=course)
    start = timezone.now() - dt.timedelta(hours=1)
    lesson_progress_open(user=learner, lesson=lessons[0], now=start)
    lesson_progress_complete(user=learner, lesson=lessons[0], now=start + dt.timedelta(minutes=4))
    attempt = quiz_attempt_start(user=learner, quiz=quiz, now=start + dt.timedelta(minutes=5))
    quiz_attempt_submit(
        user=learner, attempt=attempt, responses={}, now=start + dt.timedelta(minutes=7)
    )

    report = course_report(course=course, user=trainer)

    assert report.rows[0].seconds_spent == 6 * 60
