from __future__ import annotations

from decimal import Decimal

import pytest

from lms.models import Enrolment, LessonProgress, QuizAttempt
from lms.services import enrolments as enrolment_services
from lms.services.enrolments import (
    course_evaluation_submit,
    enrolment_create,
    lesson_progress_complete,
    lesson_progress_open,
)
from lms.services.quizzes import essay_answer_grade, quiz_attempt_start, quiz_attempt_submit
from tests.factories.lms import QuestionFactory, QuizPageFactory
from tests.lms.completion_hooks import completion_hooks_only

pytestmark = pytest.mark.django_db

CALLS: list[int] = []


def record_completion(*, enrolment_id: int) -> None:
    CALLS.append(enrolment_id)


@pytest.fixture(autouse=True)
def _hook(monkeypatch):
    from lms import tasks

    CALLS.clear()
    completion_hooks_only(monkeypatch)
    monkeypatch.setattr(tasks, "certificate_issue_hook", record_completion)
    yield
    CALLS.clear()


def _correct_responses(attempt):
    responses = {}
    for answer in attempt.answers.select_related("question"):
        correct = [str(c.pk) for c in answer.question.choices.all() if c.is_correct]
        responses[answer.pk] = correct
    return responses


def test_lessons_alone_do_not_complete_while_a_quiz_is_required(
    course, lessons, quiz, learner, django_capture_on_commit_callbacks
):
    enrolment = enrolment_create(user=learner, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            lesson_progress_open(user=learner, lesson=lesson)
            lesson_progress_complete(user=learner, lesson=lesson)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.progress_percent == 67
    assert CALLS == []


def test_completion_needs_lessons_quiz_and_evaluation_then_fires_hook_once(
    course, lessons, quiz, learner, django_capture_on_commit_callbacks
):
    course.evaluation_required = True
    course.save()
    enrolment = enrolment_create(user=learner, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            lesson_progress_open(user=learner, lesson=lesson)
            lesson_progress_complete(user=learner, lesson=lesson)
        attempt = quiz_attempt_start(user=learner, quiz=quiz)
        quiz_attempt_submit(user=learner, attempt=attempt, responses=_correct_responses(attempt))
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert CALLS == []

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        course_evaluation_submit(
            user=learner,
            enrolment=enrolment,
            content_rating=5,
            trainer_rating=4,
            usefulness_rating=5,
        )

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.completed_at is not None
    assert enrolment.jp_earned == course.jp_hours
    assert enrolment.progress_percent == 100
    assert len(callbacks) == 1
    assert [enrolment.pk] == CALLS

    with django_capture_on_commit_callbacks(execute=True):
        lesson_progress_complete(user=learner, lesson=lessons[0])
        enrolment_services.enrolment_completion_check(enrolment=enrolment)
    assert [enrolment.pk] == CALLS


def test_failed_quiz_does_not_complete(course, lessons, quiz, learner):
    enrolment = enrolment_create(user=learner, course=course)
    for lesson in lessons:
        lesson_progress_open(user=learner, lesson=lesson)
        lesson_progress_complete(user=learner, lesson=lesson)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    quiz_attempt_submit(user=learner, attempt=attempt, responses={})

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_ungraded_essay_blocks_completion_until_graded(
    course, trainer, learner, django_capture_on_commit_callbacks
):
    essay_quiz = QuizPageFactory(parent=course, pass_mark_percent=50)
    essay = QuestionFactory(course=course, kind="essay", points=10)
    essay_quiz.questions.add(essay)
    essay_quiz.save()
    enrolment = enrolment_create(user=learner, course=course)
    attempt = quiz_attempt_start(user=learner, quiz=essay_quiz)
    answer = attempt.answers.get()
    quiz_attempt_submit(user=learner, attempt=attempt, responses={answer.pk: ["Jawaban esai"]})

    attempt.refresh_from_db()
    enrolment.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.AWAITING_GRADING
    assert enrolment.status == Enrolment.Status.ACTIVE

    with django_capture_on_commit_callbacks(execute=True):
        essay_answer_grade(grader=trainer, answer=answer, points=Decimal(8), feedback="Bagus")

    attempt.refresh_from_db()
    enrolment.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.GRADED and attempt.passed
    assert attempt.score_percent == Decimal("80.00")
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert [enrolment.pk] == CALLS


def test_completion_hooks_run_after_commit(
    course, lessons, learner, django_capture_on_commit_callbacks
):
    enrolment = enrolment_create(user=learner, course=course)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for lesson in lessons:
            lesson_progress_open(user=learner, lesson=lesson)
            lesson_progress_complete(user=learner, lesson=lesson)
    assert CALLS == []
    for callback in callbacks:
        callback()
    assert [enrolment.pk] == CALLS


def test_records_survive_lesson_and_quiz_deletion(course, lessons, quiz, learner):
    enrolment = enrolment_create(user=learner, course=course)
    lesson_progress_open(user=learner, lesson=lessons[0])
    lesson_progress_complete(user=learner, lesson=lessons[0])
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    quiz_attempt_submit(user=learner, attempt=attempt, responses=_correct_responses(attempt))

    lessons[0].delete()
    quiz.delete()

    progress = LessonProgress.objects.get(enrolment=enrolment)
    assert progress.lesson is None
    assert progress.lesson_title == "Pelajaran 1"
    attempt.refresh_from_db()
    assert attempt.quiz is None and attempt.quiz_title == "Kuis akhir"
    assert attempt.answers.count() == 2
    assert attempt.passed is True


def test_completed_enrolment_survives_course_deletion(course, lessons, learner):
    enrolment = enrolment_create(user=learner, course=course)
    for lesson in lessons:
        lesson_progress_open(user=learner, lesson=lesson)
        lesson_progress_complete(user=learner, lesson=lesson)

    course.delete()

    enrolment.refresh_from_db()
    assert enrolment.course is None
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.course_title == "Pelayanan Prima"
    assert enrolment.jp_earned is not None


def test_unpublished_lesson_no_longer_counts_but_keeps_progress(course, lessons, learner):
    enrolment = enrolment_create(user=learner, course=course)
    lesson_progress_open(user=learner, lesson=lessons[0])
    lesson_progress_complete(user=learner, lesson=lessons[0])

    lessons[1].unpublish()
    enrolment_services.enrolment_completion_check(enrolment=enrolment)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == 1


def test_time_spent_is_counted_and_capped(course, lessons, learner):
    import datetime as dt

    from django.utils import timezone

    enrolment_create(user=learner, course=course)
    progress = lesson_progress_open(user=learner, lesson=lessons[0])
    progress.last_opened_at = timezone.now() - dt.timedelta(minutes=12)
    progress.save()
    lesson_progress_complete(user=learner, lesson=lessons[0])
    progress.refresh_from_db()
    assert 12 * 60 <= progress.seconds_spent < 13 * 60

    progress2 = lesson_progress_open(user=learner, lesson=lessons[1])
    progress2.last_opened_at = timezone.now() - dt.timedelta(hours=9)
    progress2.save()
    lesson_progress_complete(user=learner, lesson=lessons[1])
    progress2.refresh_from_db()
    assert progress2.seconds_spent == enrolment_services.MAX_SECONDS_PER_VISIT


def test_a_failing_completion_hook_does_not_stop_the_others(monkeypatch):
    from lms import tasks

    calls = []

    def broken(*, enrolment_id):
        raise ConnectionError("broker down")

    def working(*, enrolment_id):
        calls.append(enrolment_id)

    monkeypatch.setattr(tasks, "assignment_enrolment_completed_hook", broken)
    monkeypatch.setattr(tasks, "certificate_issue_hook", working)
    monkeypatch.setattr(tasks, "enrolment_competency_evidence_hook", working)
    enrolment_services._run_completed_hooks(41)

    assert calls == [41, 41]
