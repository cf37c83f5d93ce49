"""Course and lesson pages: the course structure (cached per revision), a learner's path
through the course, and the page contexts built on them. Each selector owns its
select_related/prefetch_related so that a page runs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from accounts.roles import Role, has_role
from lms.models import (
    CourseCompetency,
    CourseEvaluation,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    QuizAttempt,
    QuizPage,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


@dataclass
class CourseOutlineItem:
    """One step of the path through a course: a lesson, a quiz, or the evaluation (no
    page; always the last step, and `available` only once the other steps are done)."""

    page: LessonPage | QuizPage | None
    kind: str  # "lesson", "quiz" or "evaluation"
    required: bool = True
    completed: bool = False
    opened: bool = False
    awaiting_grading: bool = False
    available: bool = True
    best_percent: Decimal | None = None
    course_id: int | None = None

    @property
    def url(self) -> str:
        if self.page is None:
            return reverse("lms:evaluation", args=[self.course_id])
        return self.page.url or ""


@dataclass
class CoursePath:
    """The outline, the progress figure and the next step of one learner in one course,
    from the same data (`course_path_for_enrolment`)."""

    items: list[CourseOutlineItem]
    percent: int
    next_item: CourseOutlineItem | None
    started: bool = False

    @property
    def evaluation(self) -> CourseOutlineItem | None:
        return next((i for i in self.items if i.kind == "evaluation"), None)


def _user_enrolment(user: User | AnonymousUser, course_id: int) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return (
        Enrolment.objects.filter(user=user, course_id=course_id, is_current=True)
        .select_related("last_lesson")
        .annotate(has_evaluation=Exists(CourseEvaluation.objects.filter(enrolment=OuterRef("pk"))))
        .first()
    )


@dataclass
class CourseStructure:
    """What a course page shows that is the same for every learner."""

    children: list[LessonPage | QuizPage]  # live lessons and quizzes in tree order
    competencies: list[CourseCompetency]
    prerequisites: list[CoursePage]


def _course_children(course: CoursePage) -> list[LessonPage | QuizPage]:
    # Two typed queries instead of get_children().specific() (one plus one per type).
    return sorted(
        [
            *LessonPage.objects.child_of(course).live().defer_streamfields(),
            *QuizPage.objects.child_of(course).live(),
        ],
        key=lambda page: page.path,
    )


def course_structure(*, course: CoursePage, cached: bool = True) -> CourseStructure:
    """Cached per course revision and content version (lms/cache.py): saving, publishing,
    moving or deleting any page, or changing a competency link, a prerequisite or a
    competency starts a new version. `cached=False` for previews and unsaved pages.
    Trainer names are not in it: they are users' names, which change without a page."""
    from lms.cache import content_key, versioned_get, versioned_set

    if course.pk is None:  # preview of a page being created: the cluster is in memory
        return CourseStructure(
            children=_course_children(course),
            competencies=list(course.course_competencies.all()),
            prerequisites=list(course.prerequisites.all()),
        )
    key = content_key("course", course.pk, course.live_revision_id)
    structure = versioned_get(key) if cached else None
    if structure is None:
        structure = CourseStructure(
            children=_course_children(course),
            competencies=list(
                CourseCompetency.objects.filter(course=course)
                .select_related("competency")
                .order_by("sort_order")
            ),
            prerequisites=list(course.prerequisites.live().order_by("title")),
        )
        if cached:
            versioned_set(key, structure)
    return structure


def _course_of(page: LessonPage | QuizPage) -> CoursePage:
    """The course routing already read (set as the cached parent), else one query."""
    parent = getattr(page, "_cached_parent_obj", None)
    if isinstance(parent, CoursePage) and parent.path == page.course_path:
        return parent
    return page.get_course()


def _outline_items(
    *,
    course: CoursePage,
    children: list[LessonPage | QuizPage],
    progress: dict[int, Any],
    attempts: list[tuple[int, Any, str, bool | None]],
    evaluation_done: bool,
) -> list[CourseOutlineItem]:
    """`attempts` are (quiz id, score, status, passed) rows. Which steps are required is
    the completion engine's rule (lms.services.enrolments.enrolment_completion_state)."""
    best: dict[int, Decimal] = {}
    passed: set[int] = set()
    graded: set[int] = set()
    awaiting: set[int] = set()
    for quiz_id, score, status, did_pass in attempts:
        if score is not None:
            best[quiz_id] = max(best.get(quiz_id, Decimal(0)), score)
        if status == QuizAttempt.Status.GRADED:
            graded.add(quiz_id)
            if did_pass:
                passed.add(quiz_id)
        elif status == QuizAttempt.Status.AWAITING_GRADING:
            awaiting.add(quiz_id)
    items = []
    for child in children:
        if isinstance(child, LessonPage):
            record = progress.get(child.pk)
            items.append(
                CourseOutlineItem(
                    page=child,
                    kind="lesson",
                    required=course.require_all_lessons and child.is_required,
                    opened=record is not None,
                    completed=bool(record and record.completed_at),
                )
            )
        elif isinstance(child, QuizPage):
            required = child.required_for_completion
            items.append(
                CourseOutlineItem(
                    page=child,
                    kind="quiz",
                    required=required,
                    best_percent=best.get(child.pk),
                    opened=child.pk in graded or child.pk in awaiting,
                    completed=child.pk in passed or (not required and child.pk in graded),
                    awaiting_grading=child.pk in awaiting and child.pk not in passed,
                )
            )
    if course.evaluation_required:
        # Offered once the learner has done their part of every other step (an essay
        # waiting for the trainer's grade does not hold it back).
        ready = all(i.completed or i.awaiting_grading for i in items if i.required)
        items.append(
            CourseOutlineItem(
                page=None,
                kind="evaluation",
                course_id=course.pk,
                completed=evaluation_done,
                available=ready or evaluation_done,
            )
        )
    return items


def _course_path(
    *, course: CoursePage, enrolment: Enrolment | None, items: list[CourseOutlineItem]
) -> CoursePath:
    from lms.services.enrolments import CompletionState

    lessons = [i for i in items if i.kind == "lesson" and i.required]
    quizzes = [i for i in items if i.kind == "quiz" and i.required]
    evaluation = next((i for i in items if i.kind == "evaluation"), None)
    state = CompletionState(
        lessons_required=len(lessons),
        lessons_done=sum(i.completed for i in lessons),
        quizzes_required=len(quizzes),
        quizzes_passed=sum(i.completed for i in quizzes),
        essays_pending=sum(i.awaiting_grading for i in quizzes),
        evaluation_required=evaluation is not None,
        evaluation_done=bool(evaluation and evaluation.completed),
    )
    if enrolment is None:
        return CoursePath(items=items, percent=0, next_item=None)
    started = any(i.opened or i.completed for i in items)
    if enrolment.is_completed:
        return CoursePath(items=items, percent=100, next_item=None, started=True)
    # Resume inside the lesson the learner left unfinished; otherwise the first step of
    # the course still to do (never a finished lesson).
    last = next(
        (
            i
            for i in items
            if i.kind == "lesson" and i.page is not None and i.page.pk == enrolment.last_lesson_id
        ),
        None,
    )
    if last is not None and not last.completed:
        next_item: CourseOutlineItem | None = last
    else:
        next_item = next(
            (
                i
                for i in items
                if i.required and i.available and not i.completed and not i.awaiting_grading
            ),
            None,
        )
    return CoursePath(items=items, percent=state.percent, next_item=next_item, started=started)


def course_path_for_enrolment(
    *,
    enrolment: Enrolment,
    course: CoursePage | None = None,
    children: list[LessonPage | QuizPage] | None = None,
    attempts: list[QuizAttempt] | None = None,
) -> CoursePath:
    """The one source of a learner's outline (a tick per step, the evaluation last), the
    progress figure on the course page and the step "Resume" opens. The figure follows
    the completion engine's rule, so it equals the stored `progress_percent` the
    dashboard shows. Two queries (progress rows, quiz attempts) plus one for the
    evaluation unless `enrolment` carries the `has_evaluation` annotation; the progress
    rows are free when prefetched (the lesson page) and `attempts` may be passed in."""
    course = course or enrolment.course
    if course is None:
        return CoursePath(items=[], percent=enrolment.progress_percent, next_item=None)
    if children is None:
        children = course_structure(course=course).children
    progress = {p.lesson_id: p for p in enrolment.lesson_progress.all() if p.lesson_id}
    if attempts is None:
        rows = list(
            QuizAttempt.objects.filter(enrolment=enrolment, quiz__isnull=False).values_list(
                "quiz_id", "score_percent", "status", "passed"
            )
        )
    else:
        rows = [(a.quiz_id, a.score_percent, a.status, a.passed) for a in attempts if a.quiz_id]
    if hasattr(enrolment, "has_evaluation"):
        evaluation_done = bool(enrolment.has_evaluation)
    elif course.evaluation_required:
        evaluation_done = CourseEvaluation.objects.filter(enrolment=enrolment).exists()
    else:
        evaluation_done = False
    items = _outline_items(
        course=course,
        children=children,
        progress=progress,
        attempts=rows,
        evaluation_done=evaluation_done,
    )
    return _course_path(course=course, enrolment=enrolment, items=items)


def course_path_preview(*, course: CoursePage, children: list[LessonPage | QuizPage]) -> CoursePath:
    """The outline for someone not (yet) learning in the course: nothing done, no step
    offered."""
    items = _outline_items(
        course=course, children=children, progress={}, attempts=[], evaluation_done=False
    )
    for item in items:
        if item.kind == "evaluation":
            item.available = False
    return CoursePath(items=items, percent=0, next_item=None)


def _is_learning(enrolment: Enrolment | None) -> bool:
    return enrolment is not None and enrolment.status in {
        Enrolment.Status.ACTIVE,
        Enrolment.Status.COMPLETED,
    }


def _path_for(
    *,
    course: CoursePage,
    enrolment: Enrolment | None,
    children: list[LessonPage | QuizPage],
    attempts: list[QuizAttempt] | None = None,
) -> CoursePath:
    if enrolment is not None and _is_learning(enrolment):
        return course_path_for_enrolment(
            enrolment=enrolment, course=course, children=children, attempts=attempts
        )
    return course_path_preview(course=course, children=children)


def course_detail_for_user(
    *, course: CoursePage, user: User | AnonymousUser, cached: bool = True
) -> dict[str, Any]:
    enrolment = None
    if user.is_authenticated:
        # The evaluation check rides on the enrolment query (one query, not two).
        enrolment = (
            Enrolment.objects.filter(user=user, course_id=course.pk, is_current=True)
            .select_related("last_lesson")
            .annotate(
                has_evaluation=Exists(CourseEvaluation.objects.filter(enrolment=OuterRef("pk")))
            )
            .first()
        )
    structure = course_structure(course=course, cached=cached)
    is_learning = _is_learning(enrolment)
    evaluation_done = is_learning and bool(getattr(enrolment, "has_evaluation", False))
    path = _path_for(course=course, enrolment=enrolment, children=structure.children)
    return {
        "course": course,
        "enrolment": enrolment,
        "is_learning": is_learning,
        "course_path": path,
        "outline": path.items,
        "course_competencies": structure.competencies,
        "prerequisites": structure.prerequisites,
        "trainer_names": [t.get_full_name() or t.email for t in course.trainers.all()],
        "evaluation_done": evaluation_done,
        "can_view_report": has_role(user, Role.PELATIH, Role.PENGELOLA_SDM, Role.ADMINISTRATOR)
        and user.has_perm("lms.view_course_report", course),
    }


def lesson_context_for_user(
    *, lesson: LessonPage, user: User | AnonymousUser, progress: LessonProgress | None = None
) -> dict[str, Any]:
    """`progress` is the record the serve step just wrote, if any (saves two queries)."""
    enrolment: Enrolment | None
    course = _course_of(lesson)
    if progress is not None:
        # lesson_progress_open hands over the enrolment with its progress rows.
        enrolment = progress.enrolment
        enrolment.course = course
    else:
        enrolment = _user_enrolment(user, course.pk)
    siblings = course_structure(course=course).children
    index = next((i for i, s in enumerate(siblings) if s.pk == lesson.pk), 0)
    path = _path_for(course=course, enrolment=enrolment, children=siblings)
    if progress is None and _is_learning(enrolment) and lesson.pk is not None:
        progress = next(
            (p for p in enrolment.lesson_progress.all() if p.lesson_id == lesson.pk),  # type: ignore[union-attr]
            None,
        )
    return {
        "course": course,
        "enrolment": enrolment,
        "is_learning": _is_learning(enrolment),
        "course_path": path,
        "current_page": lesson,
        "progress": progress,
        "previous_page": siblings[index - 1] if index > 0 else None,
        "next_page": siblings[index + 1] if index + 1 < len(siblings) else None,
        "position": index + 1,
        "sibling_count": len(siblings),
    }


def courses_without_siasn_type() -> QuerySet[CoursePage]:
    """Published courses other than plain e-learning that have no SIASN `jenisDiklat`
    type: their completions cannot be exported to SIASN until HR picks one (DOMAIN.md
    §7 "SIASN type is not the delivery mode")."""
    return (
        CoursePage.objects.live()
        .filter(siasn_development_type__isnull=True)
        .exclude(delivery_mode=CoursePage.DeliveryMode.E_LEARNING)
        .order_by("title", "pk")
    )
