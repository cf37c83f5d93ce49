from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest

from lms.models import AttemptAnswer, Question, QuizAttempt
from lms.services.enrolments import enrolment_create
from lms.services.quizzes import quiz_attempt_save, quiz_attempt_start, quiz_attempt_submit
from tests.factories.lms import ChoiceFactory, QuestionFactory, QuizPageFactory, choice_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(course, learner):
    return enrolment_create(user=learner, course=course)


def _quiz_with(course, *questions, **kwargs):
    quiz = QuizPageFactory(
        parent=course, pass_mark_percent=kwargs.pop("pass_mark_percent", 50), **kwargs
    )
    quiz.questions.add(*questions)
    quiz.save()
    return quiz


def _answer(attempt, question) -> AttemptAnswer:
    return attempt.answers.get(question=question)


def _grade_one(course, learner, question, values):
    quiz = _quiz_with(course, question)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    answer = _answer(attempt, question)
    attempt = quiz_attempt_submit(user=learner, attempt=attempt, responses={answer.pk: values})
    answer.refresh_from_db()
    return attempt, answer


def test_single_choice_grading(course, learner, enrolled):
    question = choice_question(course=course, correct="Ya", wrong=("Tidak", "Mungkin"))
    right = question.choices.get(is_correct=True)
    wrong = question.choices.filter(is_correct=False).first()

    _attempt, answer = _grade_one(course, learner, question, [str(right.pk)])
    assert answer.is_correct and answer.points_awarded == 1

    question2 = choice_question(course=course)
    _attempt, answer = _grade_one(course, learner, question2, [str(wrong.pk)])
    assert answer.is_correct is False and answer.points_awarded == 0


def test_single_choice_ignores_second_option_and_foreign_ids(course, learner, enrolled):
    question = choice_question(course=course)
    other = choice_question(course=course)
    foreign = other.choices.get(is_correct=True)

    _attempt, answer = _grade_one(course, learner, question, [str(foreign.pk)])

    assert answer.selected_choices == []
    assert answer.is_correct is False


def test_multiple_choice_needs_exactly_the_correct_set(course, learner, enrolled):
    question = QuestionFactory(course=course, kind=Question.Kind.MULTIPLE, points=2)
    a = ChoiceFactory(question=question, text="Akuntabel", is_correct=True)
    b = ChoiceFactory(question=question, text="Kompeten", is_correct=True)
    c = ChoiceFactory(question=question, text="Lambat", is_correct=False)

    _attempt, answer = _grade_one(course, learner, question, [str(a.pk), str(b.pk)])
    assert answer.is_correct and answer.points_awarded == 2

    question.refresh_from_db()
    quiz2 = _quiz_with(course, question)
    attempt = quiz_attempt_start(user=learner, quiz=quiz2)
    answer2 = _answer(attempt, question)
    quiz_attempt_submit(
        user=learner, attempt=attempt, responses={answer2.pk: [str(a.pk), str(b.pk), str(c.pk)]}
    )
    answer2.refresh_from_db()
    assert answer2.is_correct is False and answer2.points_awarded == 0


def test_true_false_grading(course, learner, enrolled):
    question = QuestionFactory(course=course, kind=Question.Kind.TRUE_FALSE, correct_true=False)

    _attempt, answer = _grade_one(course, learner, question, ["false"])
    assert answer.is_correct

    question2 = QuestionFactory(course=course, kind=Question.Kind.TRUE_FALSE, correct_true=False)
    _attempt, answer = _grade_one(course, learner, question2, ["true"])
    assert answer.is_correct is False


def test_short_answer_is_case_and_space_insensitive(course, learner, enrolled):
    question = QuestionFactory(
        course=course, kind=Question.Kind.SHORT, accepted_answers="Maklumat Pelayanan\nmaklumat"
    )

    _attempt, answer = _grade_one(course, learner, question, ["  maklumat   PELAYANAN "])
    assert answer.is_correct

    question2 = QuestionFactory(course=course, kind=Question.Kind.SHORT, accepted_answers="SKM")
    _attempt, answer = _grade_one(course, learner, question2, ["survei"])
    assert answer.is_correct is False


def test_essay_waits_for_trainer(course, learner, enrolled):
    question = QuestionFactory(course=course, kind=Question.Kind.ESSAY)

    attempt, answer = _grade_one(course, learner, question, ["Pelayanan prima adalah ..."])

    assert answer.points_awarded is None
    assert attempt.status == QuizAttempt.Status.AWAITING_GRADING
    assert attempt.passed is None


def test_score_and_pass_mark(course, learner, enrolled):
    questions = [choice_question(course=course) for _ in range(4)]
    quiz = _quiz_with(course, *questions, pass_mark_percent=75)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    answers = list(attempt.answers.select_related("question"))
    responses = {a.pk: [str(a.question.choices.get(is_correct=True).pk)] for a in answers[:3]}

    attempt = quiz_attempt_submit(user=learner, attempt=attempt, responses=responses)

    assert attempt.score == 3 and attempt.max_score == 4
    assert attempt.score_percent == Decimal("75.00")
    assert attempt.passed is True


def test_question_model_rules():
    with pytest.raises(ValidationError):
        Question(kind=Question.Kind.SHORT, prompt="x").clean()
    with pytest.raises(ValidationError):
        Question(kind=Question.Kind.TRUE_FALSE, prompt="x").clean()


def test_attempt_limit_is_enforced(course, learner, enrolled):
    quiz = _quiz_with(course, choice_question(course=course), max_attempts=2)
    for _ in range(2):
        attempt = quiz_attempt_start(user=learner, quiz=quiz)
        quiz_attempt_submit(user=learner, attempt=attempt, responses={})

    with pytest.raises(ValidationError):
        quiz_attempt_start(user=learner, quiz=quiz)
    assert QuizAttempt.objects.filter(quiz=quiz).count() == 2


def test_starting_twice_returns_the_open_attempt(course, learner, enrolled):
    quiz = _quiz_with(course, choice_question(course=course), max_attempts=1)

    first = quiz_attempt_start(user=learner, quiz=quiz)
    second = quiz_attempt_start(user=learner, quiz=quiz)

    assert first.pk == second.pk


def test_double_submit_counts_once(course, learner, enrolled):
    question = choice_question(course=course)
    quiz = _quiz_with(course, question, max_attempts=3)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    answer = _answer(attempt, question)
    right = str(question.choices.get(is_correct=True).pk)
    wrong = str(question.choices.get(is_correct=False).pk)

    first = quiz_attempt_submit(user=learner, attempt=attempt, responses={answer.pk: [right]})
    second = quiz_attempt_submit(user=learner, attempt=attempt, responses={answer.pk: [wrong]})

    assert first.pk == second.pk
    assert second.passed is True and second.submitted_at == first.submitted_at
    assert QuizAttempt.objects.filter(quiz=quiz).count() == 1
    answer.refresh_from_db()
    assert answer.selected_choices == [int(right)]


def test_late_submission_is_graded_as_of_the_deadline(course, learner, enrolled):
    question = choice_question(course=course)
    quiz = _quiz_with(course, question, time_limit_minutes=10)
    start = timezone.now() - dt.timedelta(minutes=30)
    attempt = quiz_attempt_start(user=learner, quiz=quiz, now=start)
    assert attempt.deadline == start + dt.timedelta(minutes=10)
    answer = _answer(attempt, question)
    right = str(question.choices.get(is_correct=True).pk)

    attempt = quiz_attempt_submit(user=learner, attempt=attempt, responses={answer.pk: [right]})

    assert attempt.was_late is True
    assert attempt.submitted_at == attempt.deadline
    assert attempt.passed is False
    answer.refresh_from_db()
    assert answer.selected_choices == []


def test_answers_saved_before_the_deadline_count(course, learner, enrolled):
    question = choice_question(course=course)
    quiz = _quiz_with(course, question, time_limit_minutes=10)
    start = timezone.now() - dt.timedelta(minutes=30)
    attempt = quiz_attempt_start(user=learner, quiz=quiz, now=start)
    answer = _answer(attempt, question)
    right = str(question.choices.get(is_correct=True).pk)
    quiz_attempt_save(
        user=learner,
        attempt=attempt,
        responses={answer.pk: [right]},
        now=start + dt.timedelta(minutes=5),
    )

    attempt = quiz_attempt_submit(user=learner, attempt=attempt, responses={answer.pk: []})

    assert attempt.was_late and attempt.passed is True


def test_submission_within_the_limit_is_on_time(course, learner, enrolled):
    question = choice_question(course=course)
    quiz = _quiz_with(course, question, time_limit_minutes=10)
    start = timezone.now() - dt.timedelta(minutes=9)
    attempt = quiz_attempt_start(user=learner, quiz=quiz, now=start)
    answer = _answer(attempt, question)
    right = str(question.choices.get(is_correct=True).pk)

    attempt = quiz_attempt_submit(user=learner, attempt=attempt, responses={answer.pk: [right]})

    assert attempt.was_late is False and attempt.passed is True


def test_expired_open_attempt_is_closed_when_a_new_one_starts(course, learner, enrolled):
    quiz = _quiz_with(course, choice_question(course=course), time_limit_minutes=5, max_attempts=2)
    old = quiz_attempt_start(user=learner, quiz=quiz, now=timezone.now() - dt.timedelta(hours=1))

    new = quiz_attempt_start(user=learner, quiz=quiz)

    old.refresh_from_db()
    assert new.pk != old.pk and new.number == 2
    assert old.status == QuizAttempt.Status.GRADED and old.was_late


def test_random_selection_draws_the_configured_number(course, learner, enrolled):
    for _ in range(6):
        choice_question(course=course)
    quiz = QuizPageFactory(parent=course, selection="random", question_count=4)

    attempt = quiz_attempt_start(user=learner, quiz=quiz)

    assert attempt.answers.count() == 4
    assert len({a.question_id for a in attempt.answers.all()}) == 4


def test_not_enrolled_cannot_start(course, learner):
    from django.core.exceptions import PermissionDenied

    quiz = _quiz_with(course, choice_question(course=course))

    with pytest.raises(PermissionDenied):
        quiz_attempt_start(user=learner, quiz=quiz)
