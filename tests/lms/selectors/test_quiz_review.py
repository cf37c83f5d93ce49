"""Quiz review options. By default a submitted attempt shows the score
and which answers were right or wrong, but the right answers and explanations only after
the last attempt or a pass, so a blank first attempt cannot harvest them."""

from __future__ import annotations

import pytest

from lms.models import QuizPage
from lms.selectors.quizzes import attempt_questions, attempt_review_for_user
from lms.services.enrolments import enrolment_create
from lms.services.quizzes import quiz_attempt_start, quiz_attempt_submit
from tests.factories.lms import QuizPageFactory, choice_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(course):
    question = choice_question(course=course, correct="YA", wrong=("TIDAK",))
    question.explanation = "PENJELASAN"
    question.save()
    return question


def _quiz(course, question, **kwargs):
    quiz = QuizPageFactory(parent=course, pass_mark_percent=100, **kwargs)
    quiz.questions.add(question)
    quiz.save()
    return quiz


def _submit(learner, quiz, responses=None):
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    if callable(responses):
        responses = responses(attempt)
    return quiz_attempt_submit(user=learner, attempt=attempt, responses=responses or {})


def _right(question):
    return lambda attempt: {
        attempt.answers.get().pk: [str(question.choices.get(is_correct=True).pk)]
    }


def test_new_quizzes_default_to_the_safe_review_options():
    quiz = QuizPage(title="Kuis")
    assert quiz.review_score == QuizPage.Review.AFTER_ATTEMPT
    assert quiz.review_correctness == QuizPage.Review.AFTER_ATTEMPT
    assert quiz.review_right_answer == QuizPage.Review.AFTER_FINAL
    assert quiz.review_feedback == QuizPage.Review.AFTER_FINAL


def test_blank_first_attempt_shows_no_right_answers_or_explanations(course, learner, question):
    quiz = _quiz(course, question, max_attempts=3)
    enrolment_create(user=learner, course=course)

    attempt = _submit(learner, quiz)
    review = attempt_review_for_user(attempt=attempt, user=learner)
    views = attempt_questions(attempt=attempt, review=review)

    assert review.score and review.correctness
    assert not review.right_answer and not review.feedback
    assert views[0].correct_option_ids == set()
    assert views[0].explanation == ""


def test_right_answers_shown_after_the_last_attempt(course, learner, question):
    quiz = _quiz(course, question, max_attempts=2)
    enrolment_create(user=learner, course=course)
    first = _submit(learner, quiz)
    assert not attempt_review_for_user(attempt=first, user=learner).right_answer

    _submit(learner, quiz)
    review = attempt_review_for_user(attempt=first, user=learner)
    views = attempt_questions(attempt=first, review=review)

    assert review.right_answer and review.feedback
    assert views[0].correct_option_ids == {question.choices.get(is_correct=True).pk}
    assert views[0].explanation == "PENJELASAN"


def test_right_answers_shown_after_a_pass(course, learner, question):
    quiz = _quiz(course, question, max_attempts=0)
    enrolment_create(user=learner, course=course)

    attempt = _submit(learner, quiz, _right(question))

    assert attempt.passed
    assert attempt_review_for_user(attempt=attempt, user=learner).right_answer


def test_review_never_hides_the_part_even_after_the_last_attempt(course, learner, question):
    quiz = _quiz(
        course,
        question,
        max_attempts=1,
        review_score=QuizPage.Review.NEVER,
        review_right_answer=QuizPage.Review.NEVER,
    )
    enrolment_create(user=learner, course=course)

    review = attempt_review_for_user(attempt=_submit(learner, quiz), user=learner)

    assert not review.score and not review.right_answer
    assert review.correctness and review.feedback


def test_trainer_of_the_course_sees_everything(course, learner, trainer, question):
    quiz = _quiz(course, question, max_attempts=3)
    enrolment_create(user=learner, course=course)

    review = attempt_review_for_user(attempt=_submit(learner, quiz), user=trainer)

    assert review.score and review.correctness and review.right_answer and review.feedback


def test_an_open_attempt_shows_nothing(course, learner, question):
    quiz = _quiz(course, question, review_right_answer=QuizPage.Review.AFTER_ATTEMPT)
    enrolment_create(user=learner, course=course)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)

    review = attempt_review_for_user(attempt=attempt, user=learner)

    assert not (review.score or review.correctness or review.right_answer or review.feedback)
