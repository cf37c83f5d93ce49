"""The learner's pages: the dashboard, enrolling, resuming a course, completing a lesson,
quiz attempts and the course evaluation. Trainers' pages are lms.views.trainer."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

if TYPE_CHECKING:
    from accounts.models import User

from lms.forms import CourseEvaluationForm
from lms.models import (
    CourseEvaluation,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    Question,
    QuizPage,
)
from lms.selectors.courses import course_path_for_enrolment
from lms.selectors.dashboard import dashboard_for_user
from lms.selectors.privacy import page_check_view_restrictions, page_get_for_request
from lms.selectors.quizzes import attempt_get_for_user, attempt_questions, attempt_review_for_user
from lms.services.enrolments import (
    course_evaluation_submit,
    enrolment_create,
    lesson_progress_complete,
)
from lms.services.quizzes import (
    quiz_attempt_close_if_expired,
    quiz_attempt_save,
    quiz_attempt_start,
    quiz_attempt_submit,
)


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view using it is behind login_required)."""
    return cast("User", request.user)


def _error_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def catalogue(request: HttpRequest) -> HttpResponse:
    index = CourseIndexPage.objects.live().first()
    if index is None:
        raise Http404
    return redirect(index.url)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "lms/dashboard.html",
        {"dashboard": dashboard_for_user(user=_user(request), request=request)},
    )


@login_required
@require_POST
def course_enrol(request: HttpRequest, course_id: int) -> HttpResponse:
    course = page_get_for_request(request=request, queryset=CoursePage.objects.all(), pk=course_id)
    try:
        enrolment = enrolment_create(user=_user(request), course=course)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        if enrolment.status == Enrolment.Status.REQUESTED:
            messages.success(request, _("Your request has been sent to the course's trainers."))
        else:
            messages.success(request, _("You are enrolled. Happy learning!"))
    return redirect(course.url)


@login_required
def course_resume(request: HttpRequest, course_id: int) -> HttpResponse:
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("course", "last_lesson"),
        user=_user(request),
        course_id=course_id,
        is_current=True,
    )
    course = enrolment.course
    if course is None:
        raise Http404
    page_check_view_restrictions(request=request, page=course)
    if enrolment.status not in {Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED}:
        return redirect(course.url)
    # The same "what's next" as the course page's outline: the lesson left unfinished,
    # else the first step still to do; the course page once nothing is left.
    step = course_path_for_enrolment(enrolment=enrolment, course=course).next_item
    return redirect(step.url if step is not None else course.url)


@login_required
@require_POST
def lesson_complete(request: HttpRequest, lesson_id: int) -> HttpResponse:
    # A SCORM or H5P lesson completes only through its package (docs/scorm.md, h5p.md).
    lessons = LessonPage.objects.filter(scormlessonpage__isnull=True, h5plessonpage__isnull=True)
    lesson = page_get_for_request(request=request, queryset=lessons, pk=lesson_id)
    try:
        lesson_progress_complete(user=_user(request), lesson=lesson)
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect(lesson.url)
    messages.success(request, _("Lesson marked as completed."))
    next_page = lesson.get_next_siblings().live().first()
    return redirect(next_page.url if next_page else lesson.get_parent().url)


@login_required
@require_POST
def quiz_start(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = page_get_for_request(request=request, queryset=QuizPage.objects.all(), pk=quiz_id)
    try:
        attempt = quiz_attempt_start(user=_user(request), quiz=quiz)
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect(quiz.url)
    return redirect("lms:attempt", attempt_uuid=attempt.uuid)


def _responses(request: HttpRequest, answer_ids: list[int]) -> dict[int, list[str]]:
    return {pk: request.POST.getlist(f"q-{pk}") for pk in answer_ids}


@login_required
def attempt_detail(request: HttpRequest, attempt_uuid) -> HttpResponse:
    attempt = attempt_get_for_user(attempt_uuid=attempt_uuid, user=_user(request))
    if attempt.user_id == request.user.pk and attempt.quiz is not None:
        # The learner's own attempt: the quiz page's privacy settings still apply.
        page_check_view_restrictions(request=request, page=attempt.quiz)
    if request.method == "POST":
        if attempt.user_id != request.user.pk:
            raise PermissionDenied
        answer_ids = list(attempt.answers.values_list("pk", flat=True))
        responses = _responses(request, answer_ids)
        if request.POST.get("action") == "save":
            try:
                attempt = quiz_attempt_save(
                    user=_user(request), attempt=attempt, responses=responses
                )
            except ValidationError as exc:
                _error_messages(request, exc)
            else:
                if attempt.is_open:
                    messages.success(request, _("Your answers have been saved."))
        else:
            attempt = quiz_attempt_submit(user=_user(request), attempt=attempt, responses=responses)
        if not attempt.is_open and attempt.was_late:
            messages.warning(
                request,
                _("The time limit had passed: the answers saved before the deadline were graded."),
            )
        return redirect("lms:attempt", attempt_uuid=attempt.uuid)
    attempt = quiz_attempt_close_if_expired(attempt=attempt)
    review = attempt_review_for_user(attempt=attempt, user=_user(request))
    return render(
        request,
        "lms/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "review": review,
            "questions": attempt_questions(attempt=attempt, review=review),
            "kinds": Question.Kind,
            "is_owner": attempt.user_id == request.user.pk,
        },
    )


@login_required
def course_evaluation(request: HttpRequest, course_id: int) -> HttpResponse:
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("course"),
        user=_user(request),
        course_id=course_id,
        is_current=True,
        status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED],
    )
    if enrolment.course is not None:
        page_check_view_restrictions(request=request, page=enrolment.course)
    if CourseEvaluation.objects.filter(enrolment=enrolment).exists():
        messages.info(request, _("You have already evaluated this course. Thank you!"))
        return redirect(enrolment.course.url if enrolment.course else "/")
    course = enrolment.course
    evaluation = course_path_for_enrolment(enrolment=enrolment).evaluation if course else None
    if course is not None and evaluation is not None and not evaluation.available:
        messages.info(
            request,
            _("The course evaluation opens once you have finished the lessons and quizzes."),
        )
        return redirect(course.url)
    form = CourseEvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course_evaluation_submit(user=_user(request), enrolment=enrolment, **form.cleaned_data)
        except ValidationError as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, _("Thank you for your evaluation."))
            return redirect(enrolment.course.url if enrolment.course else "/")
    return render(request, "lms/evaluation_form.html", {"form": form, "enrolment": enrolment})
