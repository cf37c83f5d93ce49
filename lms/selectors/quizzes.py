"""Quiz pages and attempts: the quiz page context, who may see an attempt, and what its
review shows (the quiz's review options)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import Http404

from lms.models import AttemptAnswer, QuizAttempt, QuizPage
from lms.selectors.courses import (
    _course_of,
    _is_learning,
    _path_for,
    _user_enrolment,
    course_structure,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def quiz_context_for_user(*, quiz: QuizPage, user: User | AnonymousUser) -> dict[str, Any]:
    course = _course_of(quiz)
    enrolment = _user_enrolment(user, course.pk)
    all_attempts: list[QuizAttempt] = []
    if enrolment is not None:
        # Every quiz's attempts in one read: this quiz's table and the outline's ticks.
        all_attempts = list(
            QuizAttempt.objects.filter(enrolment=enrolment).order_by("quiz_id", "number")
        )
    attempts = [a for a in all_attempts if quiz.pk is not None and a.quiz_id == quiz.pk]
    open_attempt = next((a for a in attempts if a.is_open), None)
    used = len(attempts)
    path = _path_for(
        course=course,
        enrolment=enrolment,
        children=course_structure(course=course).children,
        attempts=all_attempts,
    )
    return {
        "course": course,
        "enrolment": enrolment,
        "course_path": path,
        "current_page": quiz,
        "is_learning": _is_learning(enrolment),
        "attempts": attempts,
        "open_attempt": open_attempt,
        "attempts_left": None if not quiz.max_attempts else max(0, quiz.max_attempts - used),
        "show_scores": _review_allows(quiz.review_score, final=_review_is_final(quiz, attempts)),
    }


def attempt_get_for_user(*, attempt_uuid: Any, user: User) -> QuizAttempt:
    """An attempt its learner (or the course's trainer) may see; 404 for anyone else, so
    that other people's attempt ids cannot be probed."""
    attempt = (
        QuizAttempt.objects.select_related("quiz", "enrolment", "enrolment__course")
        .filter(uuid=attempt_uuid)
        .first()
    )
    if attempt is None or not user.has_perm("lms.view_attempt", attempt):
        raise Http404
    return attempt


@dataclass(frozen=True)
class AttemptReview:
    """What a viewer may see of a submitted attempt, from the quiz's review options."""

    score: bool = False
    correctness: bool = False
    right_answer: bool = False
    feedback: bool = False

    @property
    def any_detail(self) -> bool:
        return self.correctness or self.right_answer or self.feedback


def _review_is_final(quiz: QuizPage, attempts: list[QuizAttempt]) -> bool:
    """The moment "after the last attempt or a pass": the learner passed this quiz, or
    used every attempt (an unlimited quiz has no last attempt)."""
    if any(a.status == QuizAttempt.Status.GRADED and a.passed for a in attempts):
        return True
    closed = sum(1 for a in attempts if not a.is_open)
    return bool(quiz.max_attempts) and closed >= quiz.max_attempts


def _review_allows(setting: str, *, final: bool) -> bool:
    return setting == QuizPage.Review.AFTER_ATTEMPT or (
        setting == QuizPage.Review.AFTER_FINAL and final
    )


def attempt_review_for_user(*, attempt: QuizAttempt, user: User) -> AttemptReview:
    """The quiz's review options applied to `attempt` for `user`. Nothing while the attempt
    is open; everything for the course's trainers and others allowed to see the attempt;
    for its learner, each part from the moment the trainer chose. An attempt whose quiz
    was deleted shows its score only."""
    if attempt.is_open:
        return AttemptReview()
    if attempt.user_id != user.pk:
        if not user.has_perm("lms.view_attempt", attempt):
            return AttemptReview()
        return AttemptReview(score=True, correctness=True, right_answer=True, feedback=True)
    quiz = attempt.quiz
    if quiz is None:
        return AttemptReview(score=True)
    attempts = list(
        QuizAttempt.objects.filter(enrolment_id=attempt.enrolment_id, quiz=quiz).only(
            "status", "passed"
        )
    )
    final = _review_is_final(quiz, attempts)
    return AttemptReview(
        score=_review_allows(quiz.review_score, final=final),
        correctness=_review_allows(quiz.review_correctness, final=final),
        right_answer=_review_allows(quiz.review_right_answer, final=final),
        feedback=_review_allows(quiz.review_feedback, final=final),
    )


@dataclass
class AttemptQuestionView:
    answer: AttemptAnswer
    options: list[Any] = field(default_factory=list)
    correct_option_ids: set[int] = field(default_factory=set)
    accepted_answers: list[str] = field(default_factory=list)
    correct_true: bool | None = None
    explanation: str = ""


def attempt_questions(
    *, attempt: QuizAttempt, review: AttemptReview | None = None
) -> list[AttemptQuestionView]:
    """The attempt's questions with options in the learner's order. The right answers and
    the explanations are filled in only when `review` allows them (see
    `attempt_review_for_user`)."""
    review = review or AttemptReview()
    answers = list(
        attempt.answers.select_related("question")
        .prefetch_related("question__choices")
        .order_by("position")
    )
    views = []
    for answer in answers:
        question = answer.question
        choices = {c.pk: c for c in question.choices.all()} if question else {}
        view = AttemptQuestionView(
            answer=answer,
            options=[
                {"id": pk, "text": choices[pk].text, "selected": pk in answer.selected_choices}
                for pk in answer.option_order
                if pk in choices
            ],
        )
        if review.right_answer and question is not None:
            view.correct_option_ids = {pk for pk, c in choices.items() if c.is_correct}
            view.accepted_answers = question.accepted_answer_list
            view.correct_true = question.correct_true
        if review.feedback and question is not None:
            view.explanation = question.explanation
        views.append(view)
    return views
