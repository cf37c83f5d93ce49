"""H5P lessons (docs/h5p.md): the package's files and the player frame, for the people
of its course only, and the endpoint that records the player's xAPI statements, for the
learner's own lesson only. All answer 404 to anyone else."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from lms.selectors.h5p import h5p_lesson_for_learner, h5p_package_for_user, h5p_player_settings
from lms.services.h5p import h5p_statement_record
from lms.services.scorm import package_path_is_safe
from lms.views.scorm import PACKAGE_CSP, package_file_response

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
