"""Trainer and HR course reports: the courses a trainer may see, the learners' progress
and results within the viewer's scope, evaluations, essays to grade and requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.http import Http404

from accounts.roles import Role, has_role
from lms.models import (
    AttemptAnswer,
    CourseEvaluation,
    CoursePage,
    Enrolment,
    LessonProgress,
    Question,
    QuizAttempt,
    QuizPage,
)

if TYPE_CHECKING:
    from accounts.models import User


def course_list_for_trainer(*, user: User) -> QuerySet[CoursePage]:
    qs = CoursePage.objects.all()
    if not (
        user.is_superuser
        or user.has_perm("portal.access_hr")
        or user.has_perm("portal.manage_site")
    ):
        qs = qs.filter(Q(owner=user) | Q(trainers=user))
    return qs.distinct().order_by("title")


def course_get_for_report(*, course_id: int, user: User) -> CoursePage:
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None:
        raise Http404
    if not user.has_perm("lms.view_course_report", course):
        raise PermissionDenied
    return course


@dataclass
class LearnerRow:
    enrolment: Enrolment
    lessons_done: int
    seconds_spent: int
    best_by_quiz: dict[int, Decimal | None]
    pre_test: Decimal | None
    post_test: Decimal | None
    scores: list[Decimal | None] = field(default_factory=list)

    @property
    def gain(self) -> Decimal | None:
        if self.pre_test is None or self.post_test is None:
            return None
        return self.post_test - self.pre_test


@dataclass
class CourseReport:
    course: CoursePage
    quizzes: list[QuizPage]
    rows: list[LearnerRow]
    average_gain: Decimal | None
    evaluation: dict[str, Any]
    pending_essays: int


@dataclass(frozen=True)
class ReportScope:
    """Which learners of a course a report viewer sees: everyone (`everyone`) or only
    those whose employee record lies in the unit subtree at `unit_path`."""

    everyone: bool
    unit_path: str = ""

    def learners(self, prefix: str) -> Q:
        """A filter on the model reached through `prefix` (the path to the learner's
        user, e.g. "user" from Enrolment, "enrolment__user" from CourseEvaluation)."""
        if self.everyone:
            return Q()
        return Q(**{f"{prefix}__employee__unit__path__startswith": self.unit_path})


def course_report_scope(*, course: CoursePage, user: User) -> ReportScope:
    """The course's trainers, administrators and HR managers of the whole organisation see
    every learner; an HR manager limited to a unit subtree (HRScope) sees only the
    learners employed in it (accounts with no employee record are outside every
    subtree). Anyone else may not see the report at all."""
    from competencies.selectors.hr_scope import hr_scope_unit
    from lms.rules import is_course_trainer

    if has_role(user, Role.ADMINISTRATOR) or is_course_trainer(user, course):
        return ReportScope(everyone=True)
    if not (has_role(user, Role.PENGELOLA_SDM) and user.has_perm("lms.view_course_report", course)):
        raise PermissionDenied
    scope = hr_scope_unit(user=user)
    if scope is None:
        return ReportScope(everyone=True)
    return ReportScope(everyone=False, unit_path=scope.path)


def course_report(*, course: CoursePage, user: User) -> CourseReport:
    """Learners' progress and results for one course, as `user` may see them (see
    course_report_scope): a fixed number of queries. One row per learner: their current
    enrolment cycle (earlier years' cycles of a yearly course stay in their history, not
    in this report)."""
    scope = course_report_scope(course=course, user=user)
    quizzes = list(QuizPage.objects.child_of(course).order_by("path"))
    enrolments = list(
        Enrolment.objects.filter(scope.learners("user"), course=course, is_current=True)
        .select_related("user")
        .annotate(
            lessons_done=Count(
                "lesson_progress",
                filter=Q(lesson_progress__completed_at__isnull=False),
                distinct=True,
            )
        )
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    seconds = dict(
        LessonProgress.objects.filter(scope.learners("enrolment__user"), enrolment__course=course)
        .values_list("enrolment_id")
        .annotate(total=Sum("seconds_spent"))
    )
    attempts = (
        QuizAttempt.objects.filter(scope.learners("enrolment__user"), enrolment__course=course)
        .exclude(status=QuizAttempt.Status.IN_PROGRESS)
        .order_by("number")
    )
    best: dict[tuple[int, int], Decimal | None] = {}
    first_pre: dict[int, Decimal] = {}
    best_post: dict[int, Decimal] = {}
    for attempt in attempts:
        key = (attempt.enrolment_id, attempt.quiz_id or 0)
        # Time in a quiz counts as time spent: start to submission (a late one is cut
        # off at its deadline by the grading service; one without a time limit counts
        # at most an hour, like a lesson visit).
        if attempt.submitted_at is not None:
            spent = int((attempt.submitted_at - attempt.started_at).total_seconds())
            if attempt.deadline is None:
                spent = min(spent, 60 * 60)
            seconds[attempt.enrolment_id] = (seconds.get(attempt.enrolment_id) or 0) + max(0, spent)
        score = attempt.score_percent
        if score is not None:
            best[key] = max(best.get(key) or Decimal(0), score)
            if attempt.quiz_role == QuizPage.Role.PRE_TEST:
                first_pre.setdefault(attempt.enrolment_id, score)
            elif attempt.quiz_role == QuizPage.Role.POST_TEST:
                best_post[attempt.enrolment_id] = max(
                    best_post.get(attempt.enrolment_id, Decimal(0)), score
                )
        else:
            best.setdefault(key, None)
    rows = [
        LearnerRow(
            enrolment=e,
            lessons_done=e.lessons_done,
            seconds_spent=seconds.get(e.pk, 0) or 0,
            best_by_quiz={q.pk: best.get((e.pk, q.pk)) for q in quizzes},
            pre_test=first_pre.get(e.pk),
            post_test=best_post.get(e.pk),
            scores=[best.get((e.pk, q.pk)) for q in quizzes],
        )
        for e in enrolments
    ]
    gains = [r.gain for r in rows if r.gain is not None]
    average_gain = (
        (sum(gains, Decimal(0)) / len(gains)).quantize(Decimal("0.01")) if gains else None
    )
    return CourseReport(
        course=course,
        quizzes=quizzes,
        rows=rows,
        average_gain=average_gain,
        evaluation=evaluation_summary(course_ids=[course.pk], learners=scope),
        pending_essays=essay_queue(course=course).filter(scope.learners("attempt__user")).count(),
    )


# Fewer evaluations than this and the averages are withheld: with one or two responses a
# trainer could read a known learner's ratings off them (the public figures use their own,
# higher threshold, lms/selectors/public.py).
EVALUATION_MIN_RESPONSES = 3


def evaluation_summary(
    *, course_ids: list[int], with_comments: bool = True, learners: ReportScope | None = None
) -> dict[str, Any]:
    """Averages and counts of the evaluations; comments only for trainers (never names).
    The public statistics call it with with_comments=False. `learners` limits it to the
    evaluations of the learners a report viewer may see. Below EVALUATION_MIN_RESPONSES
    evaluations the averages are None and `averages_shown` is False."""
    qs = CourseEvaluation.objects.filter(course_id__in=course_ids)
    if learners is not None:
        qs = qs.filter(learners.learners("enrolment__user"))
    summary = qs.aggregate(
        count=Count("pk"),
        content=Avg("content_rating"),
        trainer=Avg("trainer_rating"),
        usefulness=Avg("usefulness_rating"),
    )
    summary["averages_shown"] = summary["count"] >= EVALUATION_MIN_RESPONSES
    summary["min_responses"] = EVALUATION_MIN_RESPONSES
    if not summary["averages_shown"]:
        summary.update(content=None, trainer=None, usefulness=None)
    if with_comments:
        summary["comments"] = list(
            qs.exclude(comments="")
            .order_by("-submitted_at")
            .values_list("comments", flat=True)[:100]
        )
    return summary


def essay_queue(*, course: CoursePage) -> QuerySet[AttemptAnswer]:
    return (
        AttemptAnswer.objects.filter(
            attempt__enrolment__course=course,
            question_kind=Question.Kind.ESSAY,
            points_awarded__isnull=True,
        )
        .exclude(attempt__status=QuizAttempt.Status.IN_PROGRESS)
        .select_related("attempt", "attempt__user")
        .order_by("attempt__submitted_at", "position")
    )


def pending_requests(*, course: CoursePage, user: User) -> QuerySet[Enrolment]:
    """Requests to join the course that `user` may decide (see course_report_scope)."""
    scope = course_report_scope(course=course, user=user)
    return (
        Enrolment.objects.filter(
            scope.learners("user"), course=course, status=Enrolment.Status.REQUESTED
        )
        .select_related("user")
        .order_by("requested_at")
    )
