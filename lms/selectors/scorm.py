"""Reads for SCORM lessons (docs/scorm.md): who may fetch a package's files, the launch
page's player settings with the data to resume from, and an attempt for its owner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery, Sum
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext

from lms.content_origin import (
    LAUNCH_SALT,
    Capability,
    capability_mint,
    content_origin,
)
from lms.models import CoursePage, Enrolment, LessonProgress
from lms.models.scorm import ScormAttempt, ScormLessonPage, ScormPackage
from lms.rules import is_course_trainer
from lms.scorm_manifest import VERSION_12

if TYPE_CHECKING:
    from accounts.models import User

LEARNING = (Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED)


def scorm_package_for_user(*, user: User | AnonymousUser, token: str) -> ScormPackage | None:
    """The package when `user` may read its files: a learner of its course (current
    enrolment, in progress or completed), a trainer of the course, or someone who may edit
    the course in the admin (its editors and reviewers). None otherwise (the view's 404)."""
    if not user.is_authenticated:
        return None
    package = (
        ScormPackage.objects.filter(token=token)
        .select_related("course")
        .only("pk", "token", "course__path", "course__owner_id", "course__depth")
        .first()
    )
    if package is None or package.course is None:
        return None
    return package if course_content_visible_to(user=user, course=package.course) else None


def scorm_package_for_capability(*, capability: Capability) -> ScormPackage | None:
    """The package of a content-origin capability (lms.content_origin) when its user is
    still active and may still read the package's files (scorm_package_for_user's rule);
    None otherwise. The content origin has no session: the signed capability names the
    user."""
    from accounts.models import User

    user = User.objects.filter(pk=capability.user_id, is_active=True).first()
    if user is None:
        return None
    package = (
        ScormPackage.objects.filter(pk=capability.package_id)
        .select_related("course")
        .only(
            "pk",
            "token",
            "version",
            "scos",
            "title",
            "course__path",
            "course__owner_id",
            "course__depth",
        )
        .first()
    )
    if package is None or package.course is None:
        return None
    return package if course_content_visible_to(user=user, course=package.course) else None


def course_content_visible_to(*, user: User | AnonymousUser, course: CoursePage) -> bool:
    """Whether `user` may read the uploaded content packages (SCORM, H5P) of `course`: a
    learner of the course (current enrolment, in progress or completed), a trainer of the
    course, or someone who may edit the course in the admin (its editors and reviewers)."""
    if not user.is_authenticated:
        return False
    enrolled = Enrolment.objects.filter(
        user=user, course=course, is_current=True, status__in=LEARNING
    ).exists()
    if enrolled or is_course_trainer(user, course):
        return True
    return CoursePage.objects.get(pk=course.pk).permissions_for_user(user).can_edit()


def scorm_attempt_for_owner(*, user: User | AnonymousUser, uuid: str) -> ScormAttempt | None:
    """The attempt when `user` owns it and it belongs to their current enrolment."""
    if not user.is_authenticated:
        return None
    return (
        ScormAttempt.objects.filter(
            uuid=uuid,
            user=user,
            enrolment__is_current=True,
            enrolment__status__in=LEARNING,
        )
        .select_related("enrolment")
        .first()
    )


def _resume_cmi(*, attempt: ScormAttempt, user: User, lesson: ScormLessonPage) -> dict[str, Any]:
    """What the runtime is loaded with before the package starts: the learner, and the
    stored location, suspend data, status, score, total time and interactions."""
    name = user.get_full_name() if hasattr(user, "get_full_name") else str(user)
    learner_id = str(attempt.enrolment.user_id)
    resume = attempt.exit == "suspend" or bool(attempt.suspend_data or attempt.location)
    total = attempt.total_seconds
    sco = attempt.package.sco(attempt.sco_identifier) if attempt.package else None
    mastery = lesson.mastery_score
    if mastery is None and sco is not None:
        mastery = sco.get("mastery_score")
    if attempt.version == VERSION_12:
        core: dict[str, Any] = {
            "student_id": learner_id,
            "student_name": name,
            "lesson_location": attempt.location,
            "entry": "resume" if resume else "ab-initio",
            "total_time": f"{total // 3600:04d}:{total % 3600 // 60:02d}:{total % 60:02d}",
        }
        if attempt.completion_status:
            core["lesson_status"] = attempt.completion_status
        if attempt.score_raw is not None:
            core["score"] = {"raw": str(attempt.score_raw)}
        data: dict[str, Any] = {"core": core, "suspend_data": attempt.suspend_data}
        if mastery is not None:
            data["student_data"] = {"mastery_score": str(mastery)}
    else:
        data = {
            "learner_id": learner_id,
            "learner_name": name,
            "location": attempt.location,
            "suspend_data": attempt.suspend_data,
            "entry": "resume" if resume else "ab-initio",
            "total_time": f"PT{total}S",
        }
        if attempt.completion_status:
            data["completion_status"] = attempt.completion_status
        if attempt.success_status:
            data["success_status"] = attempt.success_status
        if attempt.score_scaled is not None or attempt.score_raw is not None:
            data["score"] = {
                key: str(value)
                for key, value in (("scaled", attempt.score_scaled), ("raw", attempt.score_raw))
                if value is not None
            }
        if mastery is not None:
            data["scaled_passing_score"] = str(mastery / 100)
        if attempt.interactions:
            data["interactions"] = {str(i): row for i, row in enumerate(attempt.interactions)}
    return data


def scorm_launch_context(
    *,
    lesson: ScormLessonPage,
    user: User | AnonymousUser,
    progress: LessonProgress | None,
    attempt: ScormAttempt | None,
    sco_identifier: str,
    preview: bool,
    portal_origin: str = "",
) -> dict[str, Any]:
    """The SCORM lesson page's extra context. `attempt` is the one the serve step started
    or resumed for an enrolled learner; others (a trainer, a reviewer previewing) get the
    package without a runtime that records anything. With a separate content origin the
    frame opens the player page there by a launch capability minted for `user` (signed
    with `portal_origin`, the only origin allowed to frame it and talk to it)."""
    package = lesson.package
    if package is None:
        return {"scorm_package": None}
    sco = package.sco(sco_identifier) or package.sco(None)
    if sco is None:  # a package always has an item (lms.scorm_manifest)
        return {"scorm_package": None}
    page_url = lesson.url or ""
    toc = [
        {
            **item,
            "url": f"{page_url}?{urlencode({'item': item['identifier']})}",
            "current": item["identifier"] == sco["identifier"],
        }
        for item in package.scos
    ]
    launch_url = reverse(
        "scorm:file", kwargs={"token": package.token, "path": sco["href"].split("?", 1)[0]}
    )
    if "?" in sco["href"]:
        launch_url += "?" + sco["href"].split("?", 1)[1]
    origin = content_origin()
    if origin:
        launch_url = ""
        if user.is_authenticated:
            capability = capability_mint(
                salt=LAUNCH_SALT,
                user_id=user.pk,
                package_id=package.pk,
                portal_origin=portal_origin,
                item=sco["identifier"],
            )
            launch_url = origin + reverse("scorm:content_player", kwargs={"capability": capability})
    player: dict[str, Any] = {
        "version": package.version,
        "launchUrl": launch_url,
        "contentOrigin": origin or None,
        "commitUrl": None,
        "commitSeconds": settings.SCORM_COMMIT_SECONDS,
        "cmi": {},
        "statusId": "scorm-status",
        "messages": {
            "lessonCompleted": gettext("You have completed this lesson."),
            "courseCompleted": gettext("You have completed this lesson and the course."),
            "error": gettext(
                "Your progress could not be saved just now; it will be sent again shortly."
            ),
        },
    }
    if attempt is not None and not preview and user.is_authenticated:
        attempt.package = package
        player["commitUrl"] = reverse("scorm:commit", kwargs={"uuid": attempt.uuid})
        player["cmi"] = _resume_cmi(attempt=attempt, user=user, lesson=lesson)
    return {
        "scorm_package": package,
        "scorm_toc": toc if len(toc) > 1 else [],
        "scorm_item": sco,
        "scorm_attempt": attempt,
        "scorm_player": player,
    }


# --- the trainer's report ----------------------------------------------------------------


def scorm_lessons_of_course(*, course: CoursePage) -> QuerySet[ScormLessonPage]:
    return ScormLessonPage.objects.child_of(course).order_by("path")


def scorm_lesson_get_for_report(*, course: CoursePage, lesson_id: int) -> ScormLessonPage:
    """A SCORM lesson of `course` (the caller has checked that the viewer may see the
    course's report), or 404."""
    lesson = scorm_lessons_of_course(course=course).filter(pk=lesson_id).first()
    if lesson is None:
        raise Http404
    return lesson


def scorm_attempt_report(
    *, course: CoursePage, lesson: ScormLessonPage, user: User
) -> QuerySet[ScormAttempt]:
    """The latest attempt of each learner at each item of the lesson, within their current
    enrolment cycle and the viewer's scope (lms.selectors.trainer.course_report_scope),
    annotated with the number of attempts (`attempt_count`) and the time of all of them
    (`all_seconds`). One query per page, whatever the number of learners."""
    from lms.selectors.trainer import course_report_scope

    scope = course_report_scope(course=course, user=user)
    same_item = ScormAttempt.objects.filter(
        enrolment_id=OuterRef("enrolment_id"),
        lesson_id=OuterRef("lesson_id"),
        sco_identifier=OuterRef("sco_identifier"),
    )
    return (
        ScormAttempt.objects.filter(
            scope.learners("user"), lesson=lesson, enrolment__is_current=True
        )
        .exclude(Exists(same_item.filter(number__gt=OuterRef("number"))))
        .annotate(
            attempt_count=Subquery(
                same_item.order_by().values("sco_identifier").annotate(n=Count("pk")).values("n")
            ),
            all_seconds=Subquery(
                same_item.order_by()
                .values("sco_identifier")
                .annotate(s=Sum(F("previous_sessions_seconds") + F("session_seconds")))
                .values("s")
            ),
        )
        .select_related("user", "enrolment")
        .order_by("user__first_name", "user__last_name", "user__email", "sco_identifier")
    )
