"""SCORM lessons (docs/scorm.md): the package's files, for the people of its course only,
and the runtime's commit endpoint, for the attempt's owner only. Both answer 404 to
anyone else, so neither reveals that a package or attempt exists."""

from __future__ import annotations

import json
import mimetypes
import posixpath
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt, xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from competencies.spreadsheets import csv_attachment
from lms.content_origin import (
    FILES_BUCKET_SECONDS,
    FILES_SALT,
    LAUNCH_SALT,
    Capability,
    capability_mint,
    capability_read,
    request_is_content_host,
)
from lms.selectors.scorm import (
    scorm_attempt_for_owner,
    scorm_attempt_report,
    scorm_lesson_get_for_report,
    scorm_package_for_capability,
    scorm_package_for_user,
)
from lms.selectors.trainer import course_get_for_report
from lms.services.scorm import package_path_is_safe, scorm_attempt_commit

if TYPE_CHECKING:
    from accounts.models import User

PackageT = TypeVar("PackageT")

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


# --- the separate content origin (lms.content_origin, docs/scorm.md) ----------------------


def content_capability(
    request: HttpRequest,
    capability: str,
    *,
    salt: str,
    max_age: int,
    lookup: Callable[..., PackageT | None],
) -> tuple[Capability, PackageT]:
    """The capability and its package (`lookup`: the SCORM or H5P selector), or 404: only
    on the content origin, only a valid, unexpired capability of that kind, only while
    its user may read the package."""
    if not request_is_content_host(request):
        raise Http404
    read = capability_read(token=capability, salt=salt, max_age=max_age)
    package = lookup(capability=read) if read else None
    if read is None or package is None:
        raise Http404
    return read, package


def _bridge_csp(portal_origin: str) -> str:
    """The player page's policy: only its own scripts (scorm-again and the bridge), the
    package in a frame of the content origin, and only the portal may frame it."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {portal_origin}",
        ]
    )


@require_GET
@xframe_options_exempt  # frame-ancestors names the portal's origin instead
def scorm_content_player(request: HttpRequest, capability: str) -> HttpResponse:
    """On the content origin: the page the lesson page frames. It runs scorm-again here
    (window.API / API_1484_11 in the content origin), takes the learner's data from the
    lesson page and hands the package's commits back to it by postMessage
    (static/lms/js/scorm-bridge.js), and plays the package in a frame of its own."""
    read, package = content_capability(
        request,
        capability,
        salt=LAUNCH_SALT,
        max_age=settings.LMS_PACKAGE_CONTENT_LAUNCH_SECONDS,
        lookup=scorm_package_for_capability,
    )
    sco = package.sco(read.item) or package.sco(None)
    if sco is None:
        raise Http404
    files = capability_mint(
        salt=FILES_SALT,
        user_id=read.user_id,
        package_id=package.pk,
        portal_origin=read.portal_origin,
        bucket=FILES_BUCKET_SECONDS,
    )
    href = sco["href"]
    path, _sep, query = href.partition("?")
    launch_url = reverse("scorm:content_file", kwargs={"capability": files, "path": path})
    if query:
        launch_url += "?" + query
    response = render(
        request,
        "lms/scorm_content_player.html",
        {
            "package": package,
            "item": sco,
            "bridge": {"portalOrigin": read.portal_origin, "launchUrl": launch_url},
        },
    )
    response["Content-Security-Policy"] = _bridge_csp(read.portal_origin)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
@xframe_options_exempt  # frame-ancestors names the content and the portal's origins
def scorm_content_file(request: HttpRequest, capability: str, path: str) -> HttpResponseBase:
    """On the content origin: a file of the package, by a files capability."""
    read, package = content_capability(
        request,
        capability,
        salt=FILES_SALT,
        max_age=settings.LMS_PACKAGE_CONTENT_FILES_SECONDS,
        lookup=scorm_package_for_capability,
    )
    if not package_path_is_safe(path):
        raise Http404
    return package_file_response(
        prefix=package.storage_prefix,
        path=path,
        csp=package_csp(frame_ancestors=f"'self' {read.portal_origin}"),
    )


def package_csp(*, frame_ancestors: str = "'self'") -> str:
    return PACKAGE_CSP.replace("frame-ancestors 'self'", f"frame-ancestors {frame_ancestors}")


def package_file_response(*, prefix: str, path: str, csp: str = PACKAGE_CSP) -> HttpResponseBase:
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
    response["Content-Security-Policy"] = csp
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


# --- the trainer's report of attempts ----------------------------------------------------

REPORT_PAGE_SIZE = 50


def _hms(seconds: int | None) -> str:
    seconds = int(seconds or 0)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _report(request: HttpRequest, course_id: int, lesson_id: int):
    user = cast("User", request.user)
    course = course_get_for_report(course_id=course_id, user=user)
    lesson = scorm_lesson_get_for_report(course=course, lesson_id=lesson_id)
    return course, lesson, scorm_attempt_report(course=course, lesson=lesson, user=user)


@login_required
@require_GET
def scorm_report(request: HttpRequest, course_id: int, lesson_id: int) -> HttpResponse:
    """The learners' attempts at a SCORM lesson: for each learner and item the latest
    attempt's status and score, the time over all attempts and their number."""
    course, lesson, attempts = _report(request, course_id, lesson_id)
    page = Paginator(attempts, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    for attempt in page:
        attempt.total_hms = _hms(attempt.all_seconds)
    titles = {
        sco["identifier"]: sco["title"] for sco in (lesson.package.scos if lesson.package else [])
    }
    return render(
        request,
        "lms/trainer/scorm_report.html",
        {
            "course": course,
            "lesson": lesson,
            "page": page,
            "item_titles": titles,
            "several_items": len(titles) > 1,
        },
    )


@login_required
@require_GET
def scorm_report_export(request: HttpRequest, course_id: int, lesson_id: int) -> HttpResponse:
    course, lesson, attempts = _report(request, course_id, lesson_id)
    titles = {
        sco["identifier"]: sco["title"] for sco in (lesson.package.scos if lesson.package else [])
    }
    rows: list[list[Any]] = [
        [
            _("Name"),
            _("E-mail"),
            _("NIP"),
            _("Item"),
            _("Completion status"),
            _("Success status"),
            _("Score"),
            _("Scaled score"),
            _("Total time"),
            _("Attempts"),
            _("Completed at"),
            _("Last activity"),
        ]
    ]
    for attempt in attempts.iterator(chunk_size=500):
        rows.append(
            [
                attempt.user.get_full_name(),
                attempt.user.email,
                attempt.user.nip or "",
                titles.get(attempt.sco_identifier, attempt.sco_identifier),
                attempt.completion_status,
                attempt.success_status,
                "" if attempt.score_raw is None else attempt.score_raw,
                "" if attempt.score_scaled is None else attempt.score_scaled,
                _hms(attempt.all_seconds),
                attempt.attempt_count,
                attempt.completed_at.isoformat() if attempt.completed_at else "",
                attempt.updated_at.isoformat(),
            ]
        )
    # Names and item titles are typed by people: the shared writer guards every cell.
    return csv_attachment(rows=rows, filename=f"course-{course.pk}-scorm-{lesson.pk}.csv")
