"""Trainer pages: the courses a trainer (or HR) may report on, a course's learners with
their progress and results (and its CSV export), essays to grade, and requests to join
a course to decide."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from competencies.spreadsheets import csv_attachment
from lms.forms import EnrolmentDecisionForm, EssayGradeForm
from lms.models import AttemptAnswer, Enrolment
from lms.selectors.scorm import scorm_lessons_of_course
from lms.selectors.trainer import (
    course_get_for_report,
    course_list_for_trainer,
    course_report,
    essay_queue,
    pending_requests,
)
from lms.services.enrolments import enrolment_request_decide
from lms.services.quizzes import essay_answer_grade

if TYPE_CHECKING:
    from accounts.models import User


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view using it is behind login_required)."""
    return cast("User", request.user)


def _error_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def trainer_courses(request: HttpRequest) -> HttpResponse:
    if not (
        request.user.has_perm("portal.author_courses") or request.user.has_perm("portal.access_hr")
    ):
        raise PermissionDenied
    return render(
        request,
        "lms/trainer/course_list.html",
        {"courses": course_list_for_trainer(user=_user(request))},
    )


@login_required
def trainer_course_report(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_get_for_report(course_id=course_id, user=_user(request))
    return render(
        request,
        "lms/trainer/course_report.html",
        {
            "report": course_report(course=course, user=_user(request)),
            "requests": pending_requests(course=course, user=_user(request)),
            "can_grade": request.user.has_perm("lms.grade_course", course),
            "scorm_lessons": scorm_lessons_of_course(course=course),
        },
    )


@login_required
def trainer_course_export(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_get_for_report(course_id=course_id, user=_user(request))
    report = course_report(course=course, user=_user(request))
    header = [
        _("Name"),
        _("E-mail"),
        _("NIP"),
        _("Status"),
        _("Source"),
        _("Due on"),
        _("Progress (%)"),
        _("Lessons completed"),
        _("Minutes spent"),
        *[q.title for q in report.quizzes],
        _("Pre-test (%)"),
        _("Post-test (%)"),
        _("Learning gain"),
        _("Completed at"),
    ]
    rows: list[list[Any]] = [header]
    for row in report.rows:
        e = row.enrolment
        rows.append(
            [
                e.user.get_full_name(),
                e.user.email,
                e.user.nip or "",
                e.get_status_display(),
                e.get_source_display(),
                e.due_on or "",
                e.progress_percent,
                row.lessons_done,
                row.seconds_spent // 60,
                *[
                    "" if row.best_by_quiz[q.pk] is None else row.best_by_quiz[q.pk]
                    for q in report.quizzes
                ],
                "" if row.pre_test is None else row.pre_test,
                "" if row.post_test is None else row.post_test,
                "" if row.gain is None else row.gain,
                e.completed_at.isoformat() if e.completed_at else "",
            ]
        )
    # Names and quiz titles are typed by people: the shared writer guards every cell.
    return csv_attachment(rows=rows, filename=f"course-{course.pk}-learners.csv")


@login_required
def trainer_essay_queue(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_get_for_report(course_id=course_id, user=_user(request))
    if not request.user.has_perm("lms.grade_course", course):
        raise PermissionDenied
    answers = list(essay_queue(course=course))
    forms = [(a, EssayGradeForm(prefix=f"a{a.pk}")) for a in answers]
    return render(request, "lms/trainer/essay_queue.html", {"course": course, "forms": forms})


@login_required
@require_POST
def trainer_essay_grade(request: HttpRequest, answer_id: int) -> HttpResponse:
    answer = get_object_or_404(
        AttemptAnswer.objects.select_related("attempt__enrolment"), pk=answer_id
    )
    course_id = answer.attempt.enrolment.course_id
    form = EssayGradeForm(request.POST, prefix=f"a{answer.pk}")
    if form.is_valid():
        try:
            essay_answer_grade(
                grader=_user(request),
                answer=answer,
                points=form.cleaned_data["points"],
                feedback=form.cleaned_data["feedback"],
            )
        except ValidationError as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, _("Essay graded."))
    else:
        messages.error(request, _("Enter the points for this essay."))
    return redirect("lms:trainer_essays", course_id=course_id)


@login_required
@require_POST
def trainer_enrolment_decide(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("course", "user"), pk=enrolment_id
    )
    if not request.user.has_perm("lms.decide_enrolment", enrolment):
        raise PermissionDenied
    form = EnrolmentDecisionForm(request.POST)
    if form.is_valid():
        try:
            enrolment_request_decide(
                enrolment=enrolment,
                approve=form.cleaned_data["decision"] == "approve",
                actor=_user(request),
            )
        except ValidationError as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, _("Decision recorded."))
    return redirect("lms:trainer_course", course_id=enrolment.course_id)
