"""Enrolment, progress and the completion engine.

The completion engine is `enrolment_completion_check`: every service that can finish a
course (lesson completed, quiz graded, essay graded, evaluation submitted) calls it. When
all rules hold it marks the enrolment completed exactly once (row lock + status guard) and
runs the completion hooks after commit.

After commit, a completion queues the tasks that follow from it (lms.tasks: the
assignment's completion notice, the certificate, the competency evidence); each is called
as ``hook(enrolment_id=<int>)`` and queues a Celery task rather than doing slow work.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lms import tasks
from lms.models import (
    CourseEvaluation,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    QuizAttempt,
    QuizPage,
)
from lms.selectors.classroom import classroom_completion_for_enrolment
from lms.services import xapi
from lms.services.bulk import ids_q, rows_insert_new
from lms.services.development_plan import plan_realisation_changed

if TYPE_CHECKING:
    from accounts.models import User

# Time between opening a lesson and completing it counts as time spent, up to this cap
# (a learner who leaves the tab open overnight did not study for eight hours).
MAX_SECONDS_PER_VISIT = 60 * 60

logger = logging.getLogger(__name__)


def _run_completed_hooks(enrolment_id: int) -> None:
    """Runs every hook even when one fails: the completion is already committed, and one
    failing integration (say, the broker briefly down) must neither hide the others nor
    turn the learner's page into an error. Failures are logged; the periodic jobs of each
    integration pick up what was missed."""
    hooks = (
        tasks.assignment_enrolment_completed_hook,
        tasks.certificate_issue_hook,
        tasks.enrolment_competency_evidence_hook,
    )
    for hook in hooks:
        try:
            hook(enrolment_id=enrolment_id)
        except Exception:
            logger.exception("enrolment %s: completion hook %r failed", enrolment_id, hook)


# --- enrolment -----------------------------------------------------------------------


def enrolment_create(
    *,
    user: User,
    course: CoursePage,
    source: str = Enrolment.Source.SELF,
    due_on: date | None = None,
    actor: User | None = None,
) -> Enrolment:
    """Enrols `user` in `course`. One enrolment per learner and course: a second call
    returns the existing enrolment (an assignment may set or move its due date).

    source="self" follows the course's enrolment policy (open → active, by approval →
    a request, assigned only → refused) and its prerequisites; "assignment" and "admin"
    always enrol (the HR assignment feature calls this with source="assignment")."""
    now = timezone.now()
    with transaction.atomic():
        existing = (
            Enrolment.objects.select_for_update()
            .filter(user=user, course=course, is_current=True)
            .first()
        )
        if existing is not None:
            return _enrolment_reuse(
                enrolment=existing, source=source, due_on=due_on, actor=actor, now=now
            )
        status = Enrolment.Status.ACTIVE
        if source == Enrolment.Source.SELF:
            _check_self_enrolment(user=user, course=course)
            if course.enrolment_policy == CoursePage.EnrolmentPolicy.APPROVAL:
                status = Enrolment.Status.REQUESTED
                source = Enrolment.Source.APPROVAL
        enrolment = Enrolment(
            user=user,
            course=course,
            course_title=course.title,
            status=status,
            source=source,
            due_on=due_on,
            requested_at=now if status == Enrolment.Status.REQUESTED else None,
            enrolled_at=now if status == Enrolment.Status.ACTIVE else None,
            decided_by=actor
            if source in {Enrolment.Source.ASSIGNMENT, Enrolment.Source.ADMIN}
            else None,
        )
        enrolment.full_clean()
        enrolment.save()
        xapi.xapi_record_enrolled(enrolments=[enrolment], course=course)
    return enrolment


def _check_self_enrolment(*, user: User, course: CoursePage) -> None:
    if not course.live:
        raise ValidationError(_("This course is not open."))
    if course.enrolment_policy == CoursePage.EnrolmentPolicy.ASSIGNED:
        raise PermissionDenied(_("This course is open only to people assigned to it."))
    prerequisite_ids = set(course.prerequisites.values_list("pk", flat=True))
    if prerequisite_ids:
        done = set(
            Enrolment.objects.filter(
                user=user, course_id__in=prerequisite_ids, status=Enrolment.Status.COMPLETED
            ).values_list("course_id", flat=True)
        )
        if prerequisite_ids - done:
            raise ValidationError(_("Complete the prerequisite courses first."))


def _enrolment_apply_assignment(
    *, enrolment: Enrolment, source: str, due_on: date | None, actor: User | None, now
) -> list[str]:
    """The rule for assigning (or admin-adding) someone who already has an enrolment:
    a request, a declined request or a withdrawn enrolment becomes active, the source
    becomes "assignment" and the due date moves. Changes `enrolment` in memory and
    returns the changed fields; `enrolments_bulk_create` shares it."""
    changed: list[str] = []
    if enrolment.status in {
        Enrolment.Status.REQUESTED,
        Enrolment.Status.REJECTED,
        Enrolment.Status.WITHDRAWN,
    }:
        enrolment.status = Enrolment.Status.ACTIVE
        enrolment.enrolled_at = enrolment.enrolled_at or now
        enrolment.decided_by = actor
        changed += ["status", "enrolled_at", "decided_by"]
    if source == Enrolment.Source.ASSIGNMENT and enrolment.source != source:
        enrolment.source = source
        changed.append("source")
    if due_on and enrolment.due_on != due_on:
        enrolment.due_on = due_on
        changed.append("due_on")
    return changed


def _enrolment_reuse(
    *, enrolment: Enrolment, source: str, due_on: date | None, actor: User | None, now
) -> Enrolment:
    changed: list[str] = []
    if source in {Enrolment.Source.ASSIGNMENT, Enrolment.Source.ADMIN}:
        changed = _enrolment_apply_assignment(
            enrolment=enrolment, source=source, due_on=due_on, actor=actor, now=now
        )
    elif enrolment.status == Enrolment.Status.WITHDRAWN and enrolment.course is not None:
        _check_self_enrolment(user=enrolment.user, course=enrolment.course)
        enrolment.status = Enrolment.Status.ACTIVE
        changed.append("status")
    if changed:
        enrolment.full_clean()
        enrolment.save(update_fields=[*changed, "updated_at"])
        if "status" in changed and enrolment.course is not None:
            xapi.xapi_record_enrolled(enrolments=[enrolment], course=enrolment.course)
    return enrolment


def enrolments_bulk_create(
    *,
    user_ids: list[int],
    course: CoursePage,
    due_on: date | None,
    actor: User | None,
    source: str = Enrolment.Source.ASSIGNMENT,
) -> dict[int, Enrolment]:
    """`enrolment_create(source="assignment")` for many learners at once (an assignment to
    10,000 employees): existing current enrolments are locked, changed by the same rule as
    the single path and written with one bulk update; the others are inserted in one
    statement that skips a row breaking the one-current-per-(user, course) constraint, so a
    racing duplicate is harmless and a second call inserts nothing. A fixed number of
    queries whatever the number of learners; rows are not `full_clean`ed one by one (every
    value comes from `course` and the arguments). Returns {user id: enrolment} for the
    learners who already had a current enrolment (new ones are not read back)."""
    now = timezone.now()
    user_ids = list(dict.fromkeys(user_ids))
    if not user_ids:
        return {}
    with transaction.atomic():
        existing = {
            e.user_id: e
            for e in Enrolment.objects.select_for_update()
            .filter(ids_q("user_id", user_ids), course=course, is_current=True)
            .only("pk", "user_id", "status", "source", "due_on", "enrolled_at", "decided_by")
        }
        changed: dict[str, list[Enrolment]] = {}
        activated: list[Enrolment] = []
        for enrolment in existing.values():
            fields = _enrolment_apply_assignment(
                enrolment=enrolment, source=source, due_on=due_on, actor=actor, now=now
            )
            if fields:
                changed.setdefault(",".join(sorted(fields)), []).append(enrolment)
            if "status" in fields:
                activated.append(enrolment)
        for key, rows in changed.items():
            for row in rows:
                row.updated_at = now
            Enrolment.objects.bulk_update(rows, [*key.split(","), "updated_at"], batch_size=2000)
        rows_insert_new(
            Enrolment,
            same={
                "course_id": course.pk,
                "course_title": course.title,
                "status": Enrolment.Status.ACTIVE,
                "source": source,
                "due_on": due_on,
                "enrolled_at": now,
                "decided_by_id": actor.pk if actor else None,
                "created_at": now,
                "updated_at": now,
            },
            each={"user_id": [u for u in user_ids if u not in existing]},
        )
        xapi.xapi_record_enrolled(enrolments=activated, course=course)
        xapi.xapi_record_enrolled_ids(
            course=course, user_ids=[u for u in user_ids if u not in existing]
        )
    return existing


def enrolments_retake(
    *,
    user_ids: list[int],
    course: CoursePage,
    completed_before: datetime,
    due_on: date | None,
    actor: User | None = None,
) -> list[Enrolment]:
    """Opens a new cycle (a retake) for each learner whose *current* enrolment in `course`
    was completed before `completed_before`: that enrolment stays as history
    (is_current=False, its JP, certificate and training record untouched) and a fresh
    active enrolment (cycle + 1, no progress) becomes current. Learners without such an
    enrolment are left alone, so running it twice opens nothing twice. A fixed number of
    queries. Returns the new enrolments."""
    if not user_ids:
        return []
    now = timezone.now()
    with transaction.atomic():
        done = list(
            Enrolment.objects.select_for_update()
            .filter(
                course=course,
                user_id__in=user_ids,
                is_current=True,
                status=Enrolment.Status.COMPLETED,
                completed_at__lt=completed_before,
            )
            .only("pk", "user_id", "cycle")
        )
        if not done:
            return []
        Enrolment.objects.filter(pk__in=[e.pk for e in done]).update(
            is_current=False, updated_at=now
        )
        fresh = [
            Enrolment(
                user_id=e.user_id,
                course=course,
                course_title=course.title,
                status=Enrolment.Status.ACTIVE,
                source=Enrolment.Source.ASSIGNMENT,
                due_on=due_on,
                enrolled_at=now,
                decided_by=actor,
                cycle=e.cycle + 1,
            )
            for e in done
        ]
        Enrolment.objects.bulk_create(fresh, batch_size=2000)
        xapi.xapi_record_enrolled_ids(course=course, user_ids=[e.user_id for e in fresh])
    return fresh


def enrolment_request_decide(*, enrolment: Enrolment, approve: bool, actor: User) -> Enrolment:
    """A trainer of the course, an administrator or an HR manager whose scope covers the
    learner approves or declines a request to join a by-approval course."""
    if not actor.has_perm("lms.decide_enrolment", enrolment):
        raise PermissionDenied
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status != Enrolment.Status.REQUESTED:
            raise ValidationError(_("This request has already been decided."))
        enrolment.status = Enrolment.Status.ACTIVE if approve else Enrolment.Status.REJECTED
        enrolment.decided_by = actor
        if approve:
            enrolment.enrolled_at = timezone.now()
        enrolment.full_clean()
        enrolment.save(update_fields=["status", "decided_by", "enrolled_at", "updated_at"])
        if approve and enrolment.course is not None:
            xapi.xapi_record_enrolled(enrolments=[enrolment], course=enrolment.course)
    return enrolment


# --- progress --------------------------------------------------------------------------


def _learning_enrolment(
    *, user: User, lesson: LessonPage, lock: bool = False, annotate: bool = False
) -> Enrolment | None:
    qs = Enrolment.objects.filter(
        user=user,
        is_current=True,
        course__path=lesson.course_path,
        status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED],
    )
    if annotate:
        # For the course outline; rides on this read instead of costing one more.
        qs = qs.annotate(
            has_evaluation=Exists(CourseEvaluation.objects.filter(enrolment=OuterRef("pk")))
        )
    if lock:
        # of=self: lock the enrolment row only, never the joined course page row.
        qs = qs.select_for_update(of=("self",))
    return qs.first()


def lesson_progress_open(
    *, user: User, lesson: LessonPage, now: datetime | None = None
) -> LessonProgress | None:
    """Records that an enrolled learner opened a lesson (and makes it the resume point).
    Does nothing for people who are not enrolled. The lesson page calls this when it is
    rendered; it is the only way a lesson's progress row comes into being.

    No row lock (issue 23): every write is one idempotent statement in its own
    autocommit, so two tabs of one learner never queue on the enrolment row. The first
    opening is an `INSERT … ON CONFLICT (enrolment, lesson) DO UPDATE` of the last
    opening only (the first-opening time, from which the minimum time runs, stays that
    of whichever request inserted first); a later opening an `UPDATE` of that row; the
    resume point an `UPDATE` only when it changes. Completion
    (`lesson_progress_complete`, a POST) still locks the enrolment.

    The returned row carries its enrolment (annotated `has_evaluation`) with all the
    enrolment's progress rows prefetched, so the lesson page's outline
    (`lms.selectors.courses.course_path_for_enrolment`) needs no second read of them."""
    now = now or timezone.now()
    enrolment = _learning_enrolment(user=user, lesson=lesson, annotate=True)
    if enrolment is None:
        return None
    # All the enrolment's rows in the one read the single row would cost.
    rows = list(LessonProgress.objects.filter(enrolment=enrolment))
    progress = next((row for row in rows if row.lesson_id == lesson.pk), None)
    if progress is None:
        progress = LessonProgress(
            enrolment=enrolment,
            lesson=lesson,
            lesson_title=lesson.title,
            first_opened_at=now,
            last_opened_at=now,
        )
        LessonProgress.objects.bulk_create(
            [progress],
            update_conflicts=True,
            unique_fields=["enrolment", "lesson"],
            update_fields=["last_opened_at", "lesson_title"],
        )
        rows.append(progress)
    else:
        LessonProgress.objects.filter(pk=progress.pk).update(
            last_opened_at=now, lesson_title=lesson.title
        )
        progress.last_opened_at = now
        progress.lesson_title = lesson.title
    if enrolment.last_lesson_id != lesson.pk:
        Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson, updated_at=now)
        enrolment.last_lesson = lesson
        enrolment.updated_at = now
    enrolment._prefetched_objects_cache = {"lesson_progress": rows}  # type: ignore[attr-defined]
    progress.enrolment = enrolment
    xapi.xapi_record_lesson_opened(progress=progress, lesson=lesson, enrolment=enrolment)
    return progress


def lesson_progress_complete(
    *, user: User, lesson: LessonPage, now: datetime | None = None
) -> LessonProgress:
    """Marks a lesson done for an enrolled learner, adds the time spent since it was
    opened and checks whether the course is now complete.

    A lesson counts only once the server has recorded it being opened
    (`lesson_progress_open`) and, when the trainer set a minimum time, that long after
    the first opening; otherwise `ValidationError` says what is missing. Completing a
    lesson already completed changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        enrolment = _learning_enrolment(user=user, lesson=lesson, lock=True)
        if enrolment is None:
            raise PermissionDenied(_("You are not enrolled in this course."))
        progress = LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).first()
        if progress is None:
            raise ValidationError(_("Open the lesson and study it before marking it as completed."))
        if progress.completed_at is None:
            _check_minimum_time(lesson=lesson, progress=progress, now=now)
            elapsed = int((now - progress.last_opened_at).total_seconds())
            progress.seconds_spent += max(0, min(elapsed, MAX_SECONDS_PER_VISIT))
            progress.completed_at = now
            progress.last_opened_at = now
            progress.full_clean()
            progress.save()
            xapi.xapi_record_lesson_completed(progress=progress, lesson=lesson, enrolment=enrolment)
        enrolment_completion_check(enrolment=enrolment)
    return progress


def _check_minimum_time(*, lesson: LessonPage, progress: LessonProgress, now: datetime) -> None:
    """The minimum time runs from the first recorded opening, so reloading the page
    does not restart it."""
    if not lesson.minimum_minutes:
        return
    remaining = progress.first_opened_at + timedelta(minutes=lesson.minimum_minutes) - now
    if remaining <= timedelta(0):
        return
    minutes = math.ceil(remaining.total_seconds() / 60)
    raise ValidationError(
        ngettext(
            "This lesson asks for at least %(minimum)d minutes of study: you can mark it as "
            "completed in %(minutes)d minute.",
            "This lesson asks for at least %(minimum)d minutes of study: you can mark it as "
            "completed in %(minutes)d minutes.",
            minutes,
        )
        % {"minimum": lesson.minimum_minutes, "minutes": minutes}
    )


# --- completion engine ----------------------------------------------------------------


@dataclass(frozen=True)
class CompletionState:
    lessons_required: int
    lessons_done: int
    quizzes_required: int
    quizzes_passed: int
    essays_pending: int
    evaluation_required: bool
    evaluation_done: bool
    # A classroom participant (lms.selectors.classroom): the batch's attendance threshold.
    attendance_required: bool = False
    attendance_met: bool = True
    attended_jp: Decimal | None = None

    @property
    def percent(self) -> int:
        total = self.lessons_required + self.quizzes_required + int(self.evaluation_required)
        if total == 0:
            return 100
        done = (
            self.lessons_done
            + self.quizzes_passed
            + int(self.evaluation_required and self.evaluation_done)
        )
        return min(100, round(100 * done / total))

    @property
    def is_complete(self) -> bool:
        return (
            self.lessons_done >= self.lessons_required
            and self.quizzes_passed >= self.quizzes_required
            and self.essays_pending == 0
            and (self.evaluation_done or not self.evaluation_required)
            and (self.attendance_met or not self.attendance_required)
        )


def enrolment_completion_state(*, enrolment: Enrolment) -> CompletionState:
    """What the learner has done against the course's completion rules (live content)."""
    course = enrolment.course
    if course is None:
        return CompletionState(0, 0, 0, 0, 0, False, False)
    lesson_ids = set()
    if course.require_all_lessons:
        lesson_ids = set(
            LessonPage.objects.child_of(course)
            .live()
            .filter(is_required=True)
            .values_list("pk", flat=True)
        )
    done_lessons = set(
        enrolment.lesson_progress.filter(
            lesson_id__in=lesson_ids, completed_at__isnull=False
        ).values_list("lesson_id", flat=True)
    )
    quiz_ids = set(
        QuizPage.objects.child_of(course)
        .live()
        .filter(required_for_completion=True)
        .values_list("pk", flat=True)
    )
    attempts = enrolment.quiz_attempts.filter(quiz_id__in=quiz_ids)
    passed = set(
        attempts.filter(status=QuizAttempt.Status.GRADED, passed=True).values_list(
            "quiz_id", flat=True
        )
    )
    pending = attempts.filter(status=QuizAttempt.Status.AWAITING_GRADING).count()
    classroom = classroom_completion_for_enrolment(enrolment=enrolment)
    return CompletionState(
        lessons_required=len(lesson_ids),
        lessons_done=len(done_lessons),
        quizzes_required=len(quiz_ids),
        quizzes_passed=len(passed),
        essays_pending=0 if passed >= quiz_ids else pending,
        evaluation_required=course.evaluation_required,
        # A classroom participant's batch evaluation counts as the course's evaluation.
        evaluation_done=classroom.evaluated
        or CourseEvaluation.objects.filter(enrolment=enrolment).exists(),
        attendance_required=classroom.required,
        attendance_met=classroom.met,
        attended_jp=classroom.attended_jp if classroom.required else None,
    )


def enrolment_completion_check(*, enrolment: Enrolment) -> Enrolment:
    """The completion engine. Refreshes the stored progress and, when every rule holds,
    completes the enrolment (once) and queues the completion hooks after commit."""
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("course")
            .get(pk=enrolment.pk)
        )
        state = enrolment_completion_state(enrolment=enrolment)
        fields = []
        if enrolment.progress_percent != state.percent and not enrolment.is_completed:
            enrolment.progress_percent = state.percent
            fields.append("progress_percent")
        if (
            enrolment.status == Enrolment.Status.ACTIVE
            and enrolment.course is not None
            and state.is_complete
        ):
            enrolment.status = Enrolment.Status.COMPLETED
            enrolment.completed_at = timezone.now()
            # A classroom participant is credited the JP of the sessions attended,
            # never more than the programme's JP.
            enrolment.jp_earned = (
                enrolment.course.jp_hours
                if state.attended_jp is None
                else min(state.attended_jp, enrolment.course.jp_hours)
            )
            enrolment.progress_percent = 100
            fields += ["status", "completed_at", "jp_earned", "progress_percent"]
            enrolment_id = enrolment.pk
            transaction.on_commit(lambda: _run_completed_hooks(enrolment_id))
        if fields:
            enrolment.full_clean()
            enrolment.save(update_fields=[*set(fields), "updated_at"])
        if "status" in fields:
            xapi.xapi_record_course_completed(enrolment=enrolment)
            plan_realisation_changed(course_id=enrolment.course_id)
    return enrolment


# --- evaluation ------------------------------------------------------------------------


def course_evaluation_submit(
    *,
    user: User,
    enrolment: Enrolment,
    content_rating: int,
    trainer_rating: int,
    usefulness_rating: int,
    comments: str = "",
) -> CourseEvaluation:
    """One evaluation per enrolment; a second submission is refused."""
    if enrolment.user_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status not in {Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED}:
            raise ValidationError(_("Only participants can evaluate the course."))
        if CourseEvaluation.objects.filter(enrolment=enrolment).exists():
            raise ValidationError(_("You have already evaluated this course."))
        evaluation = CourseEvaluation(
            enrolment=enrolment,
            course_id=enrolment.course_id,
            content_rating=content_rating,
            trainer_rating=trainer_rating,
            usefulness_rating=usefulness_rating,
            comments=comments.strip(),
            submitted_at=timezone.now(),
        )
        evaluation.full_clean()
        evaluation.save()
        enrolment_completion_check(enrolment=enrolment)
    return evaluation
