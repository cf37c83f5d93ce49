"""SCORM lessons (docs/scorm.md): the package's files, for the people of its course only,
and the runtime's commit endpoint, for the attempt's owner only. Both answer 404 to
anyone else, so neither reveals that a package or attempt exists."""

from __future__ import annotations

import json
import mimetypes
import posixpath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from lms.selectors.scorm import scorm_attempt_for_owner, scorm_package_for_user
from lms.services.scorm import package_path_is_safe, scorm_attempt_commit

# The package is third-party HTML and JavaScript: it may run inline and eval'd scripts
# (authoring tools need them) but only in a frame of the portal, and it can load and
# send nothing outside the portal's origin.
PACKAGE_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'none'",
        "frame-ancestors 'self'",
    ]
)


@require_GET
@xframe_options_sameorigin
def scorm_file(request: HttpRequest, token: str, path: str) -> HttpResponseBase:
    package = scorm_package_for_user(user=request.user, token=token)
    if package is None or not package_path_is_safe(path):
        raise Http404
    return package_file_response(prefix=package.storage_prefix, path=path)


def package_file_response(*, prefix: str, path: str) -> HttpResponseBase:
    """A file of an unpacked content package (SCORM or H5P) with the package's headers;
    404 when it does not exist. The caller has checked access and the path."""
    name = prefix + posixpath.normpath(path)
    # exists() first: S3's open() is lazy and would fail only while streaming.
    if not default_storage.exists(name):
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    content_type, encoding = mimetypes.guess_type(path)
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    if encoding:
        response["Content-Encoding"] = encoding
    response["Content-Security-Policy"] = PACKAGE_CSP
    response["Cache-Control"] = "private, max-age=3600"
    response["Referrer-Policy"] = "same-origin"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def scorm_commit(request: HttpRequest, uuid: str) -> JsonResponse:
    """One batch of CMI data from the runtime (CSRF-protected: the player sends the token
    in X-CSRFToken). Answers scorm-again's result object."""
    attempt = scorm_attempt_for_owner(user=request.user, uuid=uuid)
    if attempt is None:
        raise Http404
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"result": False, "errorCode": 101}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"result": False, "errorCode": 101}, status=400)
    data = body.get("cmi") or {}
    cmi = data.get("cmi", data) if isinstance(data, dict) else {}
    if not isinstance(cmi, dict):
        return JsonResponse({"result": False, "errorCode": 101}, status=400)
    result = scorm_attempt_commit(
        user=request.user,  # type: ignore[arg-type]
        attempt=attempt,
        cmi=cmi,
        session=str(body.get("session") or ""),
        terminate=bool(body.get("terminate")),
    )
    return JsonResponse(
        {
            "result": True,
            "errorCode": 0,
            "lessonCompleted": result.lesson_completed,
            "courseCompleted": result.course_completed,
        }
    )
