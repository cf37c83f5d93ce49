"""H5P lessons (docs/h5p.md): checking and unpacking an uploaded .h5p package, and
recording the player's xAPI statements as the learner's result.

An .h5p file is a ZIP like a SCORM package and passes the same ZIP checks
(`lms.services.scorm.package_zip_check`: size, file count, paths, symlinks, zip bombs)
and the same streamed unpacking. A completed lesson goes through the one completion path
of every lesson, `lms.services.enrolments.lesson_progress_complete`."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.models import Enrolment, LessonProgress
from lms.models.h5p import H5pLessonPage, H5pPackage, H5pResult
from lms.services.enrolments import lesson_progress_complete
from lms.services.scorm import (
    PackageError,
    package_member_read,
    package_unpack_and_save,
    package_zip_check,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from lms.models import CoursePage

H5P_JSON = "h5p.json"
CONTENT_JSON = "content/content.json"
JSON_MAX_BYTES = 2 * 1024 * 1024
# The verbs of H5P's xAPI events that carry the content's result (h5p.org/x-api).
RESULT_VERBS = ("answered", "completed", "passed", "failed")
SUB_CONTENT = "http://h5p.org/x-api/h5p-subContentId"


@dataclass
class CheckedH5p:
    upload: UploadedFile
    archive: zipfile.ZipFile
    title: str
    main_library: str
    members: list[zipfile.ZipInfo] = field(default_factory=list)
    size_bytes: int = 0


def _json(archive: zipfile.ZipFile, name: str) -> Any:
    data = package_member_read(archive=archive, name=name, max_bytes=JSON_MAX_BYTES)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise PackageError(_("%(name)s is not valid JSON.") % {"name": name}) from error


def _library_folder(dependency: dict[str, Any], names: set[str]) -> str | None:
    """The folder of a library in the package: `H5P.MultiChoice-1.16/` as H5P exports it,
    or `H5P.MultiChoice/` as some tools do."""
    machine = dependency.get("machineName")
    major, minor = dependency.get("majorVersion"), dependency.get("minorVersion")
    for folder in (f"{machine}-{major}.{minor}/", f"{machine}/"):
        if folder + "library.json" in names:
            return folder
    return None


def h5p_package_check(*, upload: UploadedFile) -> CheckedH5p:
    """Checks an uploaded .h5p without unpacking it, or raises PackageError: the ZIP
    (package_zip_check), h5p.json (present, JSON, a main library among its preloaded
    dependencies), content/content.json, and the main library itself (library.json and
    the scripts it preloads) in the package."""
    checked = package_zip_check(upload=upload)
    archive, names = checked.archive, checked.names
    try:
        if H5P_JSON not in names:
            raise PackageError(
                _("h5p.json is missing at the top of the file: is this an H5P package?")
            )
        meta = _json(archive, H5P_JSON)
        if not isinstance(meta, dict):
            raise PackageError(_("%(name)s is not valid JSON.") % {"name": H5P_JSON})
        main = meta.get("mainLibrary")
        dependencies = meta.get("preloadedDependencies")
        if not isinstance(main, str) or not main or not isinstance(dependencies, list):
            raise PackageError(_("h5p.json names no main library."))
        dependency = next(
            (d for d in dependencies if isinstance(d, dict) and d.get("machineName") == main),
            None,
        )
        if dependency is None:
            raise PackageError(
                _("h5p.json does not list its main library %(name)s.") % {"name": main}
            )
        folder = _library_folder(dependency, names)
        if folder is None:
            raise PackageError(
                _("The library %(name)s is not in the file: export the content with its libraries.")
                % {"name": main}
            )
        library = _json(archive, folder + "library.json")
        if not isinstance(library, dict):
            raise PackageError(_("%(name)s is not valid JSON.") % {"name": folder + "library.json"})
        for script in library.get("preloadedJs") or []:
            path = script.get("path") if isinstance(script, dict) else None
            if not isinstance(path, str) or folder + path not in names:
                raise PackageError(
                    _("The library %(name)s is missing its file %(path)s.")
                    % {"name": main, "path": str(path)}
                )
        if CONTENT_JSON not in names:
            raise PackageError(_("content/content.json is missing from the file."))
        _json(archive, CONTENT_JSON)
    except Exception:
        archive.close()
        raise
    version = f"{dependency.get('majorVersion', '')}.{dependency.get('minorVersion', '')}"
    return CheckedH5p(
        upload=upload,
        archive=archive,
        title=str(meta.get("title") or "")[:255],
        main_library=f"{main} {version}"[:255],
        members=checked.members,
        size_bytes=checked.size_bytes,
    )


def h5p_package_store(
    *, checked: CheckedH5p, actor: User | None, course: CoursePage | None = None
) -> H5pPackage:
    """Unpacks a checked package under its unguessable prefix and records it. A failure
    removes what was written."""
    package = H5pPackage(
        title=checked.title,
        original_filename=(checked.upload.name or "content.h5p")[:255],
        main_library=checked.main_library,
        file_count=len(checked.members),
        size_bytes=checked.size_bytes,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
        course=course,
    )
    return package_unpack_and_save(package=package, checked=checked)


# --- results -----------------------------------------------------------------------------


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class StatementResult:
    verb: str
    raw: float | None
    maximum: float | None
    scaled: float | None
    success: bool | None
    completion: bool | None


def statement_result(statement: dict[str, Any]) -> StatementResult | None:
    """What a statement about the content itself says, or None for a statement to ignore
    (another verb, or about one question inside the content)."""
    verb = statement.get("verb")
    verb_id = verb.get("id") if isinstance(verb, dict) else None
    if not isinstance(verb_id, str):
        return None
    name = verb_id.rstrip("/").rsplit("/", 1)[-1]
    if name not in RESULT_VERBS:
        return None
    target = statement.get("object")
    definition = target.get("definition") if isinstance(target, dict) else None
    extensions = definition.get("extensions") if isinstance(definition, dict) else None
    if isinstance(extensions, dict) and extensions.get(SUB_CONTENT):
        return None
    result = statement.get("result")
    result = result if isinstance(result, dict) else {}
    score = result.get("score")
    score = score if isinstance(score, dict) else {}
    raw, maximum, scaled = (
        _float(score.get("raw")),
        _float(score.get("max")),
        _float(score.get("scaled")),
    )
    if scaled is None and raw is not None and maximum:
        scaled = raw / maximum
    if scaled is not None:
        scaled = min(max(scaled, -1.0), 1.0)
    success = result.get("success")
    completion = result.get("completion")
    return StatementResult(
        verb=name,
        raw=raw,
        maximum=maximum,
        scaled=scaled,
        success=success if isinstance(success, bool) else None,
        completion=completion if isinstance(completion, bool) else None,
    )


def result_completes(*, result: StatementResult, passing_score: int | None) -> bool:
    """Finished (`completed`/`passed`, or a result with completion) and passed: at or above
    the lesson's passing score when it has one, otherwise not reported as failed."""
    finished = result.verb in ("completed", "passed") or result.completion is True
    if not finished or result.verb == "failed":
        return False
    if passing_score is not None:
        return result.scaled is not None and result.scaled * 100 >= passing_score
    return result.success is not False


@dataclass(frozen=True)
class RecordResult:
    result: H5pResult
    lesson_completed: bool
    course_completed: bool


def h5p_statement_record(
    *,
    user: User,
    enrolment: Enrolment,
    lesson: H5pLessonPage,
    statement: dict[str, Any],
    now: datetime | None = None,
) -> RecordResult:
    """Records one xAPI statement of the learner's H5P content: the latest score, the best
    one, and — when it completes the lesson — the lesson's completion through the
    completion path of every lesson. Sending the same statement twice counts it once
    towards completion (the lesson completes once)."""
    now = now or timezone.now()
    if enrolment.user_id != user.pk:
        raise PermissionError("not the learner's enrolment")
    reported = statement_result(statement)
    lesson_completed = False
    with transaction.atomic():
        row, _created = H5pResult.objects.select_for_update().get_or_create(
            enrolment=enrolment,
            lesson=lesson,
            defaults={"user_id": user.pk, "package_id": lesson.package_id},
        )
        if reported is not None:
            row.package_id = lesson.package_id
            row.last_verb = reported.verb
            row.statements += 1
            if reported.scaled is not None:
                row.score_raw, row.score_max = reported.raw, reported.maximum
                row.score_scaled = reported.scaled
                if row.best_scaled is None or reported.scaled > row.best_scaled:
                    row.best_scaled = reported.scaled
            if reported.success is not None:
                row.success = reported.success
            if row.completed_at is None and result_completes(
                result=reported, passing_score=lesson.passing_score
            ):
                row.completed_at = now
                lesson_completed = True
            row.full_clean()
            row.save()
        if (
            lesson_completed
            and not LessonProgress.objects.filter(
                enrolment=enrolment, lesson_id=lesson.pk, completed_at__isnull=False
            ).exists()
        ):
            lesson_progress_complete(user=user, lesson=lesson, now=now)
    enrolment = Enrolment.objects.only("status").get(pk=enrolment.pk)
    return RecordResult(
        result=row,
        lesson_completed=row.completed_at is not None,
        course_completed=enrolment.status == Enrolment.Status.COMPLETED,
    )
