"""Reads for the LMS. Each selector owns its select_related/prefetch_related so that the
pages built on them run a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.models import PageViewRestriction

from accounts.roles import Role, has_role
from lms.models import (
    AttemptAnswer,
    CourseCompetency,
    CourseEvaluation,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    Question,
    QuizAttempt,
    QuizPage,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from accounts.models import User

CATALOGUE_PAGE_SIZE = 12


def _competency_prefetch() -> Prefetch:
    return Prefetch(
        "course_competencies",
        queryset=CourseCompetency.objects.select_related("competency").order_by("sort_order"),
    )


# --- catalogue ---------------------------------------------------------------------------


def course_list_for_catalogue(
    *, index: CourseIndexPage | None, filters: dict[str, Any], page_number: Any = None
) -> PaginatorPage:
    """Live courses, filtered and searched, one page at a time."""
    # `.public()` reads every view restriction first (one more query); this is the same
    # filter (no restriction on the course or an ancestor) inside the course query.
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    qs = CoursePage.objects.live().filter(~Exists(restricted))
    if index is not None:
        qs = qs.child_of(index)
    if filters.get("competency"):
        qs = qs.filter(course_competencies__competency=filters["competency"])
    if filters.get("delivery_mode"):
        qs = qs.filter(delivery_mode=filters["delivery_mode"])
    if filters.get("language"):
        qs = qs.filter(language=filters["language"])
    if filters.get("unit"):
        qs = qs.filter(offering_unit=filters["unit"])
    if filters.get("jp_min") is not None:
        qs = qs.filter(jp_hours__gte=filters["jp_min"])
    if filters.get("jp_max") is not None:
        qs = qs.filter(jp_hours__lte=filters["jp_max"])
    if filters.get("q"):
        qs = qs.filter(pk__in=course_ids_matching(filters["q"]))
    qs = (
        qs.distinct()
        .select_related("offering_unit", "image")
        .prefetch_related(_competency_prefetch())
        .order_by("title")
    )
    return Paginator(qs, CATALOGUE_PAGE_SIZE).get_page(page_number)


# What a catalogue card says about the signed-in learner's current enrolment.
CATALOGUE_STATUS_LABELS = {
    Enrolment.Status.ACTIVE: _("Enrolled"),
    Enrolment.Status.COMPLETED: _("Completed"),
    Enrolment.Status.REQUESTED: _("Awaiting approval"),
}


def catalogue_statuses_for_user(
    *, user: User | AnonymousUser, course_ids: list[int]
) -> dict[int, str]:
    """Course id → the status of `user`'s current enrolment in it (enrolled, completed or
    awaiting approval; declined and withdrawn ones say nothing), for the catalogue cards
    of one page: one query, none for an anonymous visitor."""
    if not user.is_authenticated or not course_ids:
        return {}
    return dict(
        Enrolment.objects.filter(
            user=user,
            course_id__in=course_ids,
            is_current=True,
            status__in=list(CATALOGUE_STATUS_LABELS),
        ).values_list("course_id", "status")
    )


def course_ids_matching(query: str) -> set[int]:
    """Courses whose own text or any live lesson's content matches (Wagtail search)."""
    ids = {page.pk for page in CoursePage.objects.live().search(query)}
    lesson_paths = [page.path for page in LessonPage.objects.live().search(query)]
    if lesson_paths:
        steplen = CoursePage.steplen
        parent_paths = {path[:-steplen] for path in lesson_paths}
        ids |= set(CoursePage.objects.filter(path__in=parent_paths).values_list("pk", flat=True))
    return ids


def course_list_for_gaps(*, gaps: dict[int, int]) -> dict[int, list[CoursePage]]:
    """Competency id → required level  ⇒  live courses that develop that competency up to
    at least that level (best match first: the lowest sufficient target level)."""
    result: dict[int, list[CoursePage]] = {competency_id: [] for competency_id in gaps}
    if not gaps:
        return result
    condition = Q()
    for competency_id, level in gaps.items():
        condition |= Q(competency_id=competency_id, target_level__gte=level)
    links = (
        CourseCompetency.objects.filter(condition, course__live=True)
        .select_related("course")
        .order_by("target_level", "course__title")
    )
    for link in links:
        result[link.competency_id].append(link.course)
    return result


@dataclass
class TrainingNeedCompetency:
    competency: Any
    target_level: int
    employee_ids: list[int]

    @property
    def employees(self) -> int:
        return len(self.employee_ids)


@dataclass
class TrainingNeed:
    """One course of the training-needs report: whom it would bring up to standard."""

    course: CoursePage
    competencies: list[TrainingNeedCompetency]
    employee_ids: list[int]
    # Employees with the gap left out because they already take or took the course (a
    # current active or completed enrolment) or have an open assignment of it.
    already_ids: list[int] = field(default_factory=list)

    @property
    def employees(self) -> int:
        return len(self.employee_ids)

    @property
    def already(self) -> int:
        return len(self.already_ids)

    @property
    def gaps_closed(self) -> int:
        return sum(c.employees for c in self.competencies)


def training_needs(*, employees: QuerySet, course_id: int | None = None) -> list[TrainingNeed]:
    """Analisis kebutuhan diklat: live courses ranked by how many of `employees` have a
    competency gap (required level of the position above the current level) that the
    course closes (it develops the competency up to at least the required level), with
    the employees per competency. Employees already in the course (current active or
    completed enrolment) or with an open assignment of it are neither counted nor
    assigned again (`TrainingNeed.already_ids`). Five queries whatever the number of
    employees or courses: the three gap queries, the course links, and the employees
    already in those courses."""
    from competencies.selectors.gaps import employee_gaps

    by_competency: dict[int, list[tuple[int, int]]] = {}
    for employee_id, competency_id, required, _current in employee_gaps(employees=employees):
        by_competency.setdefault(competency_id, []).append((employee_id, required))
    if not by_competency:
        return []
    links = CourseCompetency.objects.filter(
        competency_id__in=list(by_competency), course__live=True
    ).select_related("course", "competency")
    if course_id is not None:
        links = links.filter(course_id=course_id)
    link_rows = list(links.order_by("course_id", "competency__code"))
    taken = _training_need_taken(
        employees=employees, course_ids=sorted({link.course_id for link in link_rows})
    )
    already: dict[int, set[int]] = {}
    needs: dict[int, TrainingNeed] = {}
    for link in link_rows:
        with_gap = {
            employee_id
            for employee_id, required in by_competency[link.competency_id]
            if link.target_level >= required
        }
        in_course = with_gap & taken.get(link.course_id, set())
        if in_course:
            already.setdefault(link.course_id, set()).update(in_course)
        closed = sorted(with_gap - in_course)
        if not closed:
            continue
        need = needs.setdefault(
            link.course_id, TrainingNeed(course=link.course, competencies=[], employee_ids=[])
        )
        need.competencies.append(
            TrainingNeedCompetency(
                competency=link.competency, target_level=link.target_level, employee_ids=closed
            )
        )
    for need in needs.values():
        need.employee_ids = sorted({e for c in need.competencies for e in c.employee_ids})
        need.already_ids = sorted(already.get(need.course.pk, ()))
        need.competencies.sort(key=lambda c: (-c.employees, c.competency.code))
    return sorted(
        needs.values(), key=lambda n: (-n.employees, -n.gaps_closed, n.course.title.lower())
    )


def _training_need_taken(*, employees: QuerySet, course_ids: list[int]) -> dict[int, set[int]]:
    """{course id: ids of `employees` already in it}: a current active or completed
    enrolment, or an open assignment row. One query (a UNION) for all the courses."""
    from lms.models import AssignmentRecipient

    if not course_ids:
        return {}
    employee_ids = employees.order_by().values("pk")
    enrolled = (
        Enrolment.objects.filter(
            course_id__in=course_ids,
            is_current=True,
            status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED],
            user__employee__in=employee_ids,
        )
        .order_by()
        .values_list("course_id", "user__employee__id")
    )
    assigned = (
        AssignmentRecipient.objects.filter(
            status=AssignmentRecipient.Status.OPEN,
            assignment__course_id__in=course_ids,
            employee__in=employee_ids,
        )
        .order_by()
        .values_list("assignment__course_id", "employee_id")
    )
    taken: dict[int, set[int]] = {}
    for course, employee in enrolled.union(assigned):
        taken.setdefault(course, set()).add(employee)
    return taken


# --- course, lesson and quiz pages --------------------------------------------------------


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
    from lms.cache import CONTENT_TIMEOUT, content_key

    if course.pk is None:  # preview of a page being created: the cluster is in memory
        return CourseStructure(
            children=_course_children(course),
            competencies=list(course.course_competencies.all()),
            prerequisites=list(course.prerequisites.all()),
        )
    key = content_key("course", course.pk, course.live_revision_id)
    structure = cache.get(key) if cached else None
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
            cache.set(key, structure, CONTENT_TIMEOUT)
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


# --- dashboard -------------------------------------------------------------------------


@dataclass
class Dashboard:
    assigned: list[Enrolment]
    in_progress: list[Enrolment]
    requested: list[Enrolment]
    completed: list[Enrolment]
    jp_this_year: Decimal
    jp_target: int
    recommendations: list[tuple[Any, list[CoursePage]]]
    today: dt.date
    # "floor" (PNS: at least jp_target) or "cap" (PPPK: at most jp_target, PP 49/2018
    # art. 40(1)); competencies.selectors.jp_target_for_employee decides.
    jp_target_kind: str = "floor"

    @property
    def jp_percent(self) -> int:
        if not self.jp_target:
            return 100
        return min(100, int(self.jp_this_year * 100 / self.jp_target))


def _issued_certificates() -> Prefetch:
    """The current, issued certificate of each enrolment (one query for all)."""
    from lms.models import Certificate

    return Prefetch(
        "certificates",
        queryset=Certificate.objects.filter(is_current=True, status=Certificate.Status.ISSUED),
        to_attr="issued_certificates",
    )


def _set_certificate_url(enrolment: Enrolment) -> None:
    certificates = getattr(enrolment, "issued_certificates", [])
    enrolment.certificate_url = (  # type: ignore[attr-defined]
        reverse("lms:certificate_download", args=[certificates[0].code]) if certificates else ""
    )


def dashboard_for_user(*, user: User, request: HttpRequest | None = None) -> Dashboard:
    """ "Pembelajaran Saya": one query for the enrolments whatever their number, one for
    the agency settings, and a fixed few for the JP, competency gaps and recommendations."""
    from competencies.models import AgencySettings
    from competencies.selectors.jp import jp_target_for_employee, jp_total_for_employee

    enrolments = list(
        Enrolment.objects.filter(user=user)
        .exclude(status__in=[Enrolment.Status.REJECTED, Enrolment.Status.WITHDRAWN])
        .select_related("course", "last_lesson")
        .prefetch_related(_issued_certificates())
        .order_by("due_on", "-updated_at")
    )
    today = timezone.localdate()
    assigned, in_progress, requested, completed = [], [], [], []
    for enrolment in enrolments:
        if enrolment.status == Enrolment.Status.COMPLETED:
            _set_certificate_url(enrolment)
            completed.append(enrolment)
        elif enrolment.status == Enrolment.Status.REQUESTED:
            requested.append(enrolment)
        elif enrolment.source == Enrolment.Source.ASSIGNMENT:
            assigned.append(enrolment)
        else:
            in_progress.append(enrolment)
    completed.sort(key=lambda e: e.completed_at or timezone.now(), reverse=True)
    agency = (
        AgencySettings.for_request(request)
        if request is not None
        else AgencySettings.objects.first()
    )
    # The one JP rule (competencies.selectors): approved training records of the year,
    # external ones included, revoked certificates not.
    employee = getattr(user, "employee", None)  # cached on the user for the gaps below
    jp = (
        jp_total_for_employee(employee=employee, year=today.year)
        if employee is not None
        else Decimal(0)
    )
    rule = jp_target_for_employee(employee=employee, agency=agency)  # PNS floor, PPPK cap
    return Dashboard(
        assigned=assigned,
        in_progress=in_progress,
        requested=requested,
        completed=completed,
        jp_this_year=jp,
        jp_target=rule.value,
        jp_target_kind=rule.kind,
        recommendations=recommendations_for_user(
            user=user, exclude_course_ids={e.course_id for e in enrolments if e.course_id}
        ),
        today=today,
    )


def recommendations_for_user(
    *, user: User, exclude_course_ids: set[int], limit: int = 6
) -> list[tuple[Any, list[CoursePage]]]:
    """(gap, courses) for the employee's competency gaps. Uses the competencies app's gap
    analysis when it is available; users without an employee record get none."""
    if not hasattr(user, "employee"):
        return []
    try:
        from competencies.selectors.gaps import competency_gaps_for_employee
    except ImportError:
        return []
    gaps = [
        g
        for g in competency_gaps_for_employee(employee=user.employee)
        if g.gap > 0 and g.required_level
    ]
    if not gaps:
        return []
    courses = course_list_for_gaps(gaps={g.competency.pk: g.required_level or 0 for g in gaps})
    result = []
    shown = 0
    for gap in gaps:
        matches = [c for c in courses.get(gap.competency.pk, []) if c.pk not in exclude_course_ids]
        if matches and shown < limit:
            result.append((gap, matches[:3]))
            shown += 1
    return result


# --- trainer reports -------------------------------------------------------------------


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


# ASSIGNMENTS ------------------------------------------------------------------------------

# Reporting lines deeper than this are not followed (and a cycle cannot loop forever).
TEAM_MAX_DEPTH = 10


def team_levels(supervisor: Any) -> dict[int, int]:
    """{employee id: depth} of the active direct (1) and indirect (2+) reports of
    `supervisor`, breadth first: one query per level of the reporting tree."""
    from competencies.models import Employee

    seen: dict[int, int] = {}
    frontier = [supervisor.pk]
    for depth in range(1, TEAM_MAX_DEPTH + 1):
        ids = [
            pk
            for pk in Employee.objects.filter(
                supervisor_id__in=frontier, is_active=True
            ).values_list("pk", flat=True)
            if pk not in seen and pk != supervisor.pk
        ]
        if not ids:
            break
        for pk in ids:
            seen[pk] = depth
        frontier = ids
    return seen


def team_employee_ids(supervisor: Any) -> set[int]:
    return set(team_levels(supervisor))


@dataclass
class TeamAssignment:
    row: Any
    progress: int
    is_overdue: bool


@dataclass
class TeamMember:
    employee: Any
    depth: int
    assignments: list[TeamAssignment] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for a in self.assignments if a.is_overdue)


def team_for_supervisor(supervisor: Any) -> list[TeamMember]:
    """The supervisor's reports with their assignments and progress. One query per
    level of the tree, plus three."""
    from competencies.models import Employee
    from lms.models import AssignmentRecipient

    levels = team_levels(supervisor)
    employees = Employee.objects.filter(pk__in=list(levels)).select_related(
        "user", "unit", "position", "supervisor"
    )
    rows = list(
        AssignmentRecipient.objects.filter(employee_id__in=list(levels))
        .exclude(status=AssignmentRecipient.Status.WITHDRAWN)
        .select_related("assignment")
        .order_by("due_on")
    )
    progress = {
        (e.user_id, e.course_id): e.progress_percent
        for e in Enrolment.objects.filter(
            user_id__in=[r.user_id for r in rows],
            course_id__in={r.assignment.course_id for r in rows},
            is_current=True,
        ).only("user_id", "course_id", "progress_percent")
    }
    today = timezone.localdate()
    members = {e.pk: TeamMember(employee=e, depth=levels[e.pk]) for e in employees}
    for r in rows:
        done = r.status == AssignmentRecipient.Status.COMPLETED
        members[r.employee_id].assignments.append(
            TeamAssignment(
                row=r,
                progress=100 if done else progress.get((r.user_id, r.assignment.course_id), 0),
                is_overdue=r.status == AssignmentRecipient.Status.OPEN and r.due_on < today,
            )
        )
    return sorted(members.values(), key=lambda m: (m.depth, m.employee.full_name))


def assignment_progress(assignment: Any) -> dict[str, int]:
    """Counts per status for one assignment (plus overdue). One query."""
    from lms.models import AssignmentRecipient

    today = timezone.localdate()
    open_ = AssignmentRecipient.Status.OPEN
    return AssignmentRecipient.objects.filter(assignment=assignment).aggregate(
        total=Count("pk", filter=~Q(status=AssignmentRecipient.Status.WITHDRAWN)),
        completed=Count("pk", filter=Q(status=AssignmentRecipient.Status.COMPLETED)),
        open=Count("pk", filter=Q(status=open_)),
        overdue=Count("pk", filter=Q(status=open_, due_on__lt=today)),
    )


def assignment_progress_many(assignment_ids: list[int]) -> dict[int, dict[str, int]]:
    """`assignment_progress` for a page of assignments: {assignment id: counts}. One
    grouped query whatever the number of assignments."""
    from lms.models import AssignmentRecipient

    today = timezone.localdate()
    open_ = AssignmentRecipient.Status.OPEN
    empty = {"total": 0, "completed": 0, "open": 0, "overdue": 0}
    result = {pk: dict(empty) for pk in assignment_ids}
    rows = (
        AssignmentRecipient.objects.filter(assignment_id__in=assignment_ids)
        .values("assignment_id")
        .annotate(
            total=Count("pk", filter=~Q(status=AssignmentRecipient.Status.WITHDRAWN)),
            completed=Count("pk", filter=Q(status=AssignmentRecipient.Status.COMPLETED)),
            open=Count("pk", filter=Q(status=open_)),
            overdue=Count("pk", filter=Q(status=open_, due_on__lt=today)),
        )
        .order_by()
    )
    for row in rows:
        result[row["assignment_id"]] = {
            "total": row["total"],
            "completed": row["completed"],
            "open": row["open"],
            "overdue": row["overdue"],
        }
    return result


def assignment_unit_summary(*, units: list[Any], employees: QuerySet) -> dict[str, tuple]:
    """For the compliance report (settings.COMPETENCIES_ASSIGNMENT_SUMMARY_SELECTOR):
    {unit path: (assigned, completed, overdue)} over each unit's subtree, counting the
    non-withdrawn assignment rows of the given employees. One query."""
    from lms.models import AssignmentRecipient

    if not units:
        return {}
    length = len(units[0].path)
    today = timezone.localdate()
    open_ = AssignmentRecipient.Status.OPEN
    rows = (
        AssignmentRecipient.objects.filter(employee__in=employees.values("pk"))
        .exclude(status=AssignmentRecipient.Status.WITHDRAWN)
        .values("employee__unit__path")
        .annotate(
            assigned=Count("pk"),
            completed=Count("pk", filter=Q(status=AssignmentRecipient.Status.COMPLETED)),
            overdue=Count("pk", filter=Q(status=open_, due_on__lt=today)),
        )
        .order_by()
    )
    wanted = {u.path for u in units}
    totals: dict[str, list[int]] = {}
    for row in rows:
        path = (row["employee__unit__path"] or "")[:length]
        if path not in wanted:
            continue
        bucket = totals.setdefault(path, [0, 0, 0])
        bucket[0] += row["assigned"]
        bucket[1] += row["completed"]
        bucket[2] += row["overdue"]
    return {path: tuple(v) for path, v in totals.items()}


def courses_without_siasn_type() -> QuerySet[CoursePage]:
    """Published courses other than plain e-learning that have no SIASN `jenisDiklat`
    type: their completions cannot be exported to SIASN until HR picks one (issue 20,
    DOMAIN.md §7 "SIASN type is not the delivery mode")."""
    return (
        CoursePage.objects.live()
        .filter(siasn_development_type__isnull=True)
        .exclude(delivery_mode=CoursePage.DeliveryMode.E_LEARNING)
        .order_by("title", "pk")
    )
