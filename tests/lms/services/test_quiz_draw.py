"""A random quiz draws N questions per attempt (optionally from one
question category), stores them on the attempt and grades exactly those."""

from __future__ import annotations

from django.core.exceptions import ValidationError

import pytest

from lms.models import QuizPage
from lms.services.enrolments import enrolment_create
from lms.services.quizzes import quiz_attempt_start, quiz_attempt_submit
from tests.factories.lms import QuizPageFactory, choice_question

pytestmark = pytest.mark.django_db


def test_random_draw_takes_n_questions_from_the_category_only(course, learner):
    wanted = [choice_question(course=course, category="Etika") for _ in range(4)]
    for _ in range(4):
        choice_question(course=course, category="Lain")
    quiz = QuizPageFactory(
        parent=course,
        selection=QuizPage.Selection.RANDOM,
        question_count=3,
        draw_category="Etika",
        max_attempts=0,
    )
    enrolment_create(user=learner, course=course)

    attempt = quiz_attempt_start(user=learner, quiz=quiz)

    drawn = list(attempt.answers.values_list("question_id", flat=True))
    assert len(drawn) == 3
    assert set(drawn) <= {q.pk for q in wanted}


def test_attempt_is_graded_on_the_questions_it_showed(course, learner):
    for _ in range(5):
        choice_question(course=course, category="Etika")
    quiz = QuizPageFactory(
        parent=course,
        selection=QuizPage.Selection.RANDOM,
        question_count=2,
        draw_category="Etika",
        pass_mark_percent=100,
    )
    enrolment_create(user=learner, course=course)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    responses = {
        a.pk: [str(a.question.choices.get(is_correct=True).pk)]
        for a in attempt.answers.select_related("question")
    }

    attempt = quiz_attempt_submit(user=learner, attempt=attempt, responses=responses)

    assert attempt.max_score == 2 and attempt.score == 2 and attempt.passed


def test_random_draw_with_an_empty_category_is_refused(course, learner):
    choice_question(course=course, category="Etika")
    quiz = QuizPageFactory(
        parent=course, selection=QuizPage.Selection.RANDOM, question_count=1, draw_category="X"
    )
    enrolment_create(user=learner, course=course)

    with pytest.raises(ValidationError):
        quiz_attempt_start(user=learner, quiz=quiz)
