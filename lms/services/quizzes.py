"""Quiz attempts: drawing questions, saving and submitting answers, grading, essay grading.

Server-side rules: the attempt limit is checked when an attempt starts; the time limit is
a stored deadline. A submission that arrives after the deadline (plus a short grace for
the network) is graded *as of the deadline*: the answers saved before it count, the late
payload is discarded and the attempt is flagged `was_late`. Submitting twice grades once.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models import AttemptAnswer, Enrolment, Question, QuizAttempt, QuizPage
from lms.services import xapi
from lms.services.enrolments import enrolment_completion_check

if TYPE_CHECKING:
    from datetime import datetime

    from accounts.models import User

Responses = dict[int, list[str]]  # AttemptAnswer pk → raw submitted values

_random = secrets.SystemRandom()


def _grace() -> timedelta:
    return timedelta(seconds=getattr(settings, "LMS_QUIZ_GRACE_SECONDS", 30))


def _normalise_text(value: str) -> str:
    return " ".join(value.split()).casefold()


# --- grading (pure) --------------------------------------------------------------------


def answer_grade(
    *, answer: AttemptAnswer, question: Question | None
) -> tuple[Decimal | None, bool | None]:
    """Points and correctness of one automatically graded answer; (None, None) for
    essays, which a trainer grades. A deleted question scores zero."""
    kind = answer.question_kind
    if kind == Question.Kind.ESSAY:
        return None, None
    if question is None:
        return Decimal(0), False
    selected = {int(c) for c in answer.selected_choices}
    if kind in {Question.Kind.SINGLE, Question.Kind.MULTIPLE}:
        correct = {c.pk for c in question.choices.all() if c.is_correct}
        ok = bool(selected) and selected == correct
    elif kind == Question.Kind.TRUE_FALSE:
        given = answer.text_answer.strip().lower()
        ok = given in {"true", "false"} and (given == "true") == bool(question.correct_true)
    else:  # short answer
        accepted = {_normalise_text(a) for a in question.accepted_answer_list}
        ok = bool(answer.text_answer.strip()) and _normalise_text(answer.text_answer) in accepted
    return (answer.max_points if ok else Decimal(0)), ok


def _attempt_finalise(attempt: QuizAttempt, answers: list[AttemptAnswer]) -> None:
    attempt.max_score = sum((a.max_points for a in answers), Decimal(0))
    if any(a.points_awarded is None for a in answers):
        attempt.status = QuizAttempt.Status.AWAITING_GRADING
        attempt.score = attempt.score_percent = attempt.passed = None
        return
    attempt.score = sum((a.points_awarded or Decimal(0) for a in answers), Decimal(0))
    percent = Decimal(100) * attempt.score / attempt.max_score if attempt.max_score else Decimal(0)
    attempt.score_percent = percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    attempt.passed = attempt.score_percent >= attempt.pass_mark_percent
    attempt.status = QuizAttempt.Status.GRADED


# --- attempts ------------------------------------------------------------------------


def _enrolment_for_quiz(*, user: User, quiz: QuizPage) -> Enrolment:
    enrolment = Enrolment.objects.filter(
        user=user,
        is_current=True,
        course__path=quiz.course_path,
        status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED],
    ).first()
    if enrolment is None:
        raise PermissionDenied(_("Enrol in the course to take its quizzes."))
    return enrolment


def _draw_questions(quiz: QuizPage) -> list[Question]:
    """The questions of a new attempt. A random quiz with a category draws from the
    course's questions in that category; otherwise from the chosen questions, or the
    whole course bank when none are chosen."""
    if quiz.selection == QuizPage.Selection.RANDOM and quiz.draw_category:
        pool = list(
            Question.objects.filter(
                course__path=quiz.course_path, category__iexact=quiz.draw_category.strip()
            )
            .order_by("pk")
            .prefetch_related("choices")
        )
        count = min(quiz.question_count or len(pool), len(pool))
        return _random.sample(pool, count)
    pool = list(quiz.questions.order_by("pk").prefetch_related("choices"))
    if not pool:
        pool = list(
            Question.objects.filter(course__path=quiz.course_path)
            .order_by("pk")
            .prefetch_related("choices")
        )
    if quiz.selection == QuizPage.Selection.RANDOM:
        count = min(quiz.question_count or len(pool), len(pool))
        return _random.sample(pool, count)
    return pool


def quiz_attempt_start(*, user: User, quiz: QuizPage, now: datetime | None = None) -> QuizAttempt:
    """Starts an attempt, or returns the learner's open one. Refuses when the attempts
    are used up. Options are shuffled per attempt and the order stored, so a reload
    shows the same order."""
    now = now or timezone.now()
    enrolment = _enrolment_for_quiz(user=user, quiz=quiz)
    with transaction.atomic():
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        open_attempt = QuizAttempt.objects.filter(
            enrolment=enrolment, quiz=quiz, status=QuizAttempt.Status.IN_PROGRESS
        ).first()
        if open_attempt is not None:
            if not _is_past_deadline(open_attempt, now):
                return open_attempt
            _submit_locked(attempt=open_attempt, responses=None, now=now)
        used = QuizAttempt.objects.filter(enrolment=enrolment, quiz=quiz).count()
        if quiz.max_attempts and used >= quiz.max_attempts:
            raise ValidationError(_("You have used all your attempts for this quiz."))
        questions = _draw_questions(quiz)
        if not questions:
            raise ValidationError(_("This quiz has no questions yet."))
        attempt = QuizAttempt(
            user=user,
            enrolment=enrolment,
            quiz=quiz,
            quiz_title=quiz.title,
            quiz_role=quiz.role,
            number=used + 1,
            started_at=now,
            deadline=now + timedelta(minutes=quiz.time_limit_minutes)
            if quiz.time_limit_minutes
            else None,
            pass_mark_percent=quiz.pass_mark_percent,
        )
        attempt.full_clean()
        attempt.save()
        xapi.xapi_record_quiz_attempted(attempt=attempt)
        answers = []
        for position, question in enumerate(questions, start=1):
            option_ids = [c.pk for c in question.choices.all()]
            if quiz.shuffle_options:
                _random.shuffle(option_ids)
            answers.append(
                AttemptAnswer(
                    attempt=attempt,
                    question=question,
                    position=position,
                    question_kind=question.kind,
                    question_prompt=question.prompt,
                    option_order=option_ids,
                    max_points=Decimal(question.points),
                )
            )
        AttemptAnswer.objects.bulk_create(answers)
    return attempt


def _is_past_deadline(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + _grace()


def _apply_responses(answers: list[AttemptAnswer], responses: Responses) -> None:
    for answer in answers:
        values = [v for v in responses.get(answer.pk, []) if v is not None]
        if answer.question_kind in {Question.Kind.SINGLE, Question.Kind.MULTIPLE}:
            allowed = {str(pk) for pk in answer.option_order}
            chosen = [int(v) for v in values if str(v) in allowed]
            if answer.question_kind == Question.Kind.SINGLE:
                chosen = chosen[:1]
            answer.selected_choices = sorted(set(chosen))
        elif answer.question_kind == Question.Kind.TRUE_FALSE:
            answer.text_answer = values[0] if values and values[0] in {"true", "false"} else ""
        else:
            answer.text_answer = (values[0] if values else "").strip()[:10_000]


def quiz_attempt_save(
    *, user: User, attempt: QuizAttempt, responses: Responses, now: datetime | None = None
) -> QuizAttempt:
    """Saves answers without submitting. After the deadline nothing is saved and the
    attempt is closed as of the deadline."""
    now = now or timezone.now()
    if attempt.user_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        attempt = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if not attempt.is_open:
            raise ValidationError(_("This attempt has already been submitted."))
        if _is_past_deadline(attempt, now):
            _submit_locked(attempt=attempt, responses=None, now=now)
            return attempt
        answers = list(attempt.answers.all())
        _apply_responses(answers, responses)
        AttemptAnswer.objects.bulk_update(answers, ["selected_choices", "text_answer"])
    return attempt


def quiz_attempt_submit(
    *, user: User, attempt: QuizAttempt, responses: Responses, now: datetime | None = None
) -> QuizAttempt:
    """Submits and grades. A second submission of the same attempt changes nothing and
    returns it as graded the first time."""
    now = now or timezone.now()
    if attempt.user_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        attempt = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if not attempt.is_open:
            return attempt
        _submit_locked(attempt=attempt, responses=responses, now=now)
    return attempt


def _submit_locked(*, attempt: QuizAttempt, responses: Responses | None, now: datetime) -> None:
    answers = list(attempt.answers.select_related("question").prefetch_related("question__choices"))
    if _is_past_deadline(attempt, now):
        attempt.was_late = True
        attempt.submitted_at = attempt.deadline
    else:
        attempt.submitted_at = now
        if responses is not None:
            _apply_responses(answers, responses)
    for answer in answers:
        answer.points_awarded, answer.is_correct = answer_grade(
            answer=answer, question=answer.question
        )
    AttemptAnswer.objects.bulk_update(
        answers, ["selected_choices", "text_answer", "points_awarded", "is_correct"]
    )
    _attempt_finalise(attempt, answers)
    attempt.full_clean()
    attempt.save()
    xapi.xapi_record_quiz_graded(attempt=attempt)
    enrolment_completion_check(enrolment=attempt.enrolment)


def quiz_attempt_close_if_expired(
    *, attempt: QuizAttempt, now: datetime | None = None
) -> QuizAttempt:
    """Closes an open attempt whose deadline has passed (graded as of the deadline)."""
    now = now or timezone.now()
    if not attempt.is_open or not _is_past_deadline(attempt, now):
        return attempt
    with transaction.atomic():
        attempt = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.is_open:
            _submit_locked(attempt=attempt, responses=None, now=now)
    return attempt


def essay_answer_grade(
    *, grader: User, answer: AttemptAnswer, points: Decimal, feedback: str = ""
) -> AttemptAnswer:
    """A trainer of the course grades an essay. When the last essay of an attempt is
    graded, the attempt is scored and the completion engine runs."""
    with transaction.atomic():
        answer = (
            AttemptAnswer.objects.select_for_update()
            .select_related("attempt", "attempt__enrolment")
            .get(pk=answer.pk)
        )
        if not grader.has_perm("lms.grade_course", answer.attempt.enrolment.course):
            raise PermissionDenied
        if answer.question_kind != Question.Kind.ESSAY:
            raise ValidationError(_("Only essays are graded by hand."))
        if answer.attempt.is_open:
            raise ValidationError(_("The attempt has not been submitted yet."))
        points = Decimal(points)
        if points < 0 or points > answer.max_points:
            raise ValidationError(
                _("Give between 0 and %(max)s points.") % {"max": answer.max_points}
            )
        answer.points_awarded = points
        answer.is_correct = points == answer.max_points
        answer.feedback = feedback.strip()
        answer.graded_by = grader
        answer.graded_at = timezone.now()
        answer.full_clean()
        answer.save()
        attempt = QuizAttempt.objects.select_for_update().get(pk=answer.attempt_id)
        answers = list(attempt.answers.all())
        _attempt_finalise(attempt, answers)
        attempt.save()
        xapi.xapi_record_quiz_graded(attempt=attempt)
        enrolment_completion_check(enrolment=attempt.enrolment)
    return answer
