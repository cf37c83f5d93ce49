"""Reads for H5P lessons (docs/h5p.md): who may fetch a package's files and open its
player, the player's settings, and the learner's own lesson to record statements to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext

from lms.models import Enrolment, LessonProgress
from lms.models.h5p import H5pLessonPage, H5pPackage, H5pResult
from lms.selectors.scorm import LEARNING, course_content_visible_to

if TYPE_CHECKING:
    from accounts.models import User


def h5p_package_for_user(*, user: User | AnonymousUser, token: str) -> H5pPackage | None:
    """The package when `user` may read its files (the people of its course, as for SCORM
    packages: lms.selectors.scorm.course_content_visible_to); None otherwise (404)."""
    if not user.is_authenticated:
        return None
    package = H5pPackage.objects.filter(token=token).select_related("course").first()
    if package is None or package.course is None:
        return None
    return package if course_content_visible_to(user=user, course=package.course) else None


@dataclass(frozen=True)
class LearnerLesson:
    lesson: H5pLessonPage
    enrolment: Enrolment


def h5p_lesson_for_learner(*, user: User | AnonymousUser, lesson_id: int) -> LearnerLesson | None:
    """The live H5P lesson with the learner's current enrolment in its course (in
    progress or completed), when the learner has opened the lesson; None otherwise."""
    if not user.is_authenticated:
        return None
    lesson = H5pLessonPage.objects.live().filter(pk=lesson_id).select_related("package").first()
    if lesson is None or lesson.package is None:
        return None
    progress = (
        LessonProgress.objects.filter(
            lesson_id=lesson.pk,
            enrolment__user=user,
            enrolment__is_current=True,
            enrolment__status__in=LEARNING,
        )
        .select_related("enrolment")
        .first()
    )
    if progress is None:
        return None
    return LearnerLesson(lesson=lesson, enrolment=progress.enrolment)


def h5p_player_settings(
    *, package: H5pPackage, user: User, lesson_id: int | None
) -> dict[str, Any]:
    """The player frame's settings: where the content and h5p-standalone are, and, for a
    learner of the live lesson playing its current package, where to send statements."""
    files = reverse("h5p:file", kwargs={"token": package.token, "path": "h5p.json"})
    settings: dict[str, Any] = {
        "h5pJsonPath": files.rsplit("/", 1)[0],
        "frameJs": static("vendor/h5p-standalone/frame.bundle.js"),
        "frameCss": static("vendor/h5p-standalone/styles/h5p.css"),
        "title": package.title,
        "xapiUrl": None,
    }
    if lesson_id is not None:
        learner = h5p_lesson_for_learner(user=user, lesson_id=lesson_id)
        if learner is not None and learner.lesson.package_id == package.pk:
            settings["xapiUrl"] = reverse("h5p:xapi", kwargs={"lesson_id": lesson_id})
    return settings


def h5p_lesson_context(
    *, lesson: H5pLessonPage, progress: LessonProgress | None, preview: bool
) -> dict[str, Any]:
    """The H5P lesson page's extra context: the player frame's address (recording only
    for a learner of the live lesson, decided by the frame) and the learner's result."""
    package = lesson.package
    if package is None:
        return {"h5p_package": None}
    player_url = reverse("h5p:player", kwargs={"token": package.token})
    if lesson.pk and not preview:
        player_url += "?" + urlencode({"lesson": lesson.pk})
    result = None
    if progress is not None:
        result = H5pResult.objects.filter(enrolment_id=progress.enrolment_id, lesson=lesson).first()
    return {
        "h5p_package": package,
        "h5p_player_url": player_url,
        "h5p_result": result,
        "h5p_messages": {
            "lessonCompleted": gettext("You have completed this lesson."),
            "courseCompleted": gettext("You have completed this lesson and the course."),
            # Filled in by the page's script with the percentage.
            "scored": gettext("Your score: %(score)s%%") % {"score": "%(score)s"},
            "error": gettext("Your answer could not be saved just now; please try again."),
        },
    }
