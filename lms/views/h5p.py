"""H5P lessons (docs/h5p.md): the package's files and the player frame, for the people
of its course only, and the endpoint that records the player's xAPI statements, for the
learner's own lesson only. All answer 404 to anyone else."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt, xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from lms.content_origin import (
    FILES_BUCKET_SECONDS,
    H5P_FILES_SALT,
    H5P_LAUNCH_SALT,
    capability_mint,
)
from lms.selectors.h5p import (
    h5p_lesson_for_learner,
    h5p_package_for_capability,
    h5p_package_for_user,
    h5p_player_settings,
)
from lms.services.h5p import h5p_statement_record
from lms.services.scorm import package_path_is_safe
from lms.views.scorm import (
    PACKAGE_CSP,
    content_capability,
    package_csp,
    package_file_response,
)

STATEMENT_MAX_BYTES = 256 * 1024


@require_GET
@xframe_options_sameorigin
def h5p_file(request: HttpRequest, token: str, path: str) -> HttpResponseBase:
    package = h5p_package_for_user(user=request.user, token=token)
    if package is None or not package_path_is_safe(path):
        raise Http404
    return package_file_response(prefix=package.storage_prefix, path=path)


@require_GET
@xframe_options_sameorigin
def h5p_player(request: HttpRequest, token: str) -> HttpResponse:
    """The frame the lesson page shows: h5p-standalone playing the package. It runs the
    content's libraries (third-party scripts that need inline code), so it gets the
    package's policy rather than the portal's."""
    package = h5p_package_for_user(user=request.user, token=token)
    if package is None:
        raise Http404
    try:
        lesson_id = int(request.GET.get("lesson", ""))
    except ValueError:
        lesson_id = None
    response = render(
        request,
        "lms/h5p/player.html",
        {
            "package": package,
            "player": h5p_player_settings(
                package=package,
                user=request.user,  # type: ignore[arg-type]
                lesson_id=lesson_id,
            ),
        },
    )
    response["Content-Security-Policy"] = PACKAGE_CSP
    response["Cache-Control"] = "private, no-store"
    return response


# --- the separate content origin (lms.content_origin, docs/h5p.md) ------------------------


@require_GET
@xframe_options_exempt  # frame-ancestors names the portal's origin instead
def h5p_content_player(request: HttpRequest, capability: str) -> HttpResponse:
    """On the content origin: the player the lesson page frames. It records nothing
    itself: the content's statements go to the lesson page by postMessage
    (static/lms/js/h5p-frame.js), which records them (static/lms/js/h5p-lesson.js)."""
    read, package = content_capability(
        request,
        capability,
        salt=H5P_LAUNCH_SALT,
        max_age=settings.LMS_PACKAGE_CONTENT_LAUNCH_SECONDS,
        lookup=h5p_package_for_capability,
    )
    files = capability_mint(
        salt=H5P_FILES_SALT,
        user_id=read.user_id,
        package_id=package.pk,
        portal_origin=read.portal_origin,
        bucket=FILES_BUCKET_SECONDS,
    )
    response = render(
        request,
        "lms/h5p/player.html",
        {
            "package": package,
            "player": h5p_player_settings(
                package=package,
                user=None,
                lesson_id=None,
                files=reverse("h5p:content_file", kwargs={"capability": files, "path": "h5p.json"}),
                portal_origin=read.portal_origin,
            ),
        },
    )
    response["Content-Security-Policy"] = package_csp(frame_ancestors=read.portal_origin)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
@xframe_options_exempt  # frame-ancestors names the content and the portal's origins
def h5p_content_file(request: HttpRequest, capability: str, path: str) -> HttpResponseBase:
    """On the content origin: a file of the package, by a files capability."""
    read, package = content_capability(
        request,
        capability,
        salt=H5P_FILES_SALT,
        max_age=settings.LMS_PACKAGE_CONTENT_FILES_SECONDS,
        lookup=h5p_package_for_capability,
    )
    if not package_path_is_safe(path):
        raise Http404
    return package_file_response(
        prefix=package.storage_prefix,
        path=path,
        csp=package_csp(frame_ancestors=f"'self' {read.portal_origin}"),
    )


@require_POST
def h5p_xapi(request: HttpRequest, lesson_id: int) -> JsonResponse:
    """One xAPI statement of the player (CSRF-protected: the frame sends the token in
    X-CSRFToken), recorded on the signed-in learner's own lesson."""
    learner = h5p_lesson_for_learner(user=request.user, lesson_id=lesson_id)
    if learner is None:
        raise Http404
    if len(request.body) > STATEMENT_MAX_BYTES:
        return JsonResponse({"ok": False}, status=400)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"ok": False}, status=400)
    statement = body.get("statement") if isinstance(body, dict) else None
    if not isinstance(statement, dict):
        return JsonResponse({"ok": False}, status=400)
    recorded = h5p_statement_record(
        user=request.user,  # type: ignore[arg-type]
        enrolment=learner.enrolment,
        lesson=learner.lesson,
        statement=statement,
    )
    result = recorded.result
    return JsonResponse(
        {
            "ok": True,
            "lessonCompleted": recorded.lesson_completed,
            "courseCompleted": recorded.course_completed,
            "scaled": result.score_scaled,
        }
    )
