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

from lms.content_origin import H5P_LAUNCH_SALT, Capability, capability_mint, content_origin
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


def h5p_package_for_capability(*, capability: Capability) -> H5pPackage | None:
    """The package of a content-origin capability (lms.content_origin) when its user is
    still active and may still read the package's files; None otherwise."""
    from accounts.models import User

    user = User.objects.filter(pk=capability.user_id, is_active=True).first()
    if user is None:
        return None
    package = H5pPackage.objects.filter(pk=capability.package_id).select_related("course").first()
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
    *,
    package: H5pPackage,
    user: User | None,
    lesson_id: int | None,
    files: str = "",
    portal_origin: str | None = None,
) -> dict[str, Any]:
    """The player frame's settings: where the content and h5p-standalone are, and, for a
    learner of the live lesson playing its current package, where to send statements.
    On the content origin (`portal_origin` given) the player sends its statements to the
    lesson page by postMessage instead, and `files` is the package's h5p.json there."""
    files = files or reverse("h5p:file", kwargs={"token": package.token, "path": "h5p.json"})
    settings: dict[str, Any] = {
        "portalOrigin": portal_origin,
        "h5pJsonPath": files.rsplit("/", 1)[0],
        "frameJs": static("vendor/h5p-standalone/frame.bundle.js"),
        "frameCss": static("vendor/h5p-standalone/styles/h5p.css"),
        "title": package.title,
        "xapiUrl": None,
    }
    if lesson_id is not None and user is not None:
        learner = h5p_lesson_for_learner(user=user, lesson_id=lesson_id)
        if learner is not None and learner.lesson.package_id == package.pk:
            settings["xapiUrl"] = reverse("h5p:xapi", kwargs={"lesson_id": lesson_id})
    return settings


def h5p_lesson_context(
    *,
    lesson: H5pLessonPage,
    progress: LessonProgress | None,
    preview: bool,
    user: User | AnonymousUser | None = None,
    portal_origin: str = "",
) -> dict[str, Any]:
    """The H5P lesson page's extra context: the player frame's address (recording only
    for a learner of the live lesson, decided by the frame) and the learner's result.
    With a separate content origin the frame opens the player there by a launch
    capability minted for `user` (bound to `portal_origin`), and the page itself records
    the statements the player sends it (`h5p_bridge`)."""
    package = lesson.package
    if package is None:
        return {"h5p_package": None}
    player_url = reverse("h5p:player", kwargs={"token": package.token})
    if lesson.pk and not preview:
        player_url += "?" + urlencode({"lesson": lesson.pk})
    bridge = None
    origin = content_origin()
    if origin:
        player_url = ""
        if user is not None and user.is_authenticated:
            capability = capability_mint(
                salt=H5P_LAUNCH_SALT,
                user_id=user.pk,
                package_id=package.pk,
                portal_origin=portal_origin,
            )
            player_url = origin + reverse("h5p:content_player", kwargs={"capability": capability})
        recording = progress is not None and not preview and lesson.live
        bridge = {
            "contentOrigin": origin,
            "xapiUrl": reverse("h5p:xapi", kwargs={"lesson_id": lesson.pk}) if recording else None,
        }
    result = None
    if progress is not None:
        result = H5pResult.objects.filter(enrolment_id=progress.enrolment_id, lesson=lesson).first()
    return {
        "h5p_package": package,
        "h5p_player_url": player_url,
        "h5p_bridge": bridge,
        "h5p_result": result,
        "h5p_messages": {
            "lessonCompleted": gettext("You have completed this lesson."),
            "courseCompleted": gettext("You have completed this lesson and the course."),
            # Filled in by the page's script with the percentage.
            "scored": gettext("Your score: %(score)s%%") % {"score": "%(score)s"},
            "error": gettext("Your answer could not be saved just now; please try again."),
        },
    }
