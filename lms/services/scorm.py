"""SCORM lessons (docs/scorm.md): checking and unpacking an uploaded package, starting or
resuming an attempt at launch, and storing what the runtime commits.

A package is checked from the ZIP's central directory and its manifest only, then
unpacked one member at a time through the default storage (S3 works the same), so a
200 MB upload never sits in memory. A completed (or passed) item is mapped into the one
completion path every lesson uses: `lms.services.enrolments.lesson_progress_complete`,
which calls the completion engine (certificate, JP and records follow)."""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import unquote

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.services.audit import CREATE, audit_log
from lms.models import Enrolment, LessonProgress
from lms.models.h5p import H5pPackage
from lms.models.scorm import ScormAttempt, ScormLessonPage, ScormPackage
from lms.scorm_manifest import VERSION_12, Manifest, ManifestError, manifest_parse
from lms.services.enrolments import lesson_progress_complete

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from lms.models import CoursePage

MANIFEST = "imsmanifest.xml"
MANIFEST_MAX_BYTES = 2 * 1024 * 1024
# A member this small cannot make a bomb whatever its ratio (text compresses 10-20x).
RATIO_CHECK_MIN_BYTES = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


class PackageError(ValueError):
    """The package is refused; the message (translated) is for the trainer."""


@dataclass
class CheckedPackage:
    upload: UploadedFile
    archive: zipfile.ZipFile
    manifest: Manifest
    members: list[zipfile.ZipInfo] = field(default_factory=list)
    size_bytes: int = 0


def _mb(value: int) -> str:
    return f"{value / (1024 * 1024):.0f}"


def package_path_is_safe(name: str) -> bool:
    """A relative path inside the package: no absolute path, drive, backslash, NUL or `..`."""
    if not name or name.startswith("/") or "\\" in name or "\x00" in name or _DRIVE.match(name):
        return False
    return all(part != ".." for part in name.split("/"))


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


@dataclass
class CheckedZip:
    """A ZIP whose central directory passed package_zip_check: its file members (no
    directories), their names and declared unpacked total."""

    archive: zipfile.ZipFile
    members: list[zipfile.ZipInfo]
    names: set[str]
    size_bytes: int


def package_zip_check(*, upload: UploadedFile) -> CheckedZip:
    """The checks every uploaded content package (SCORM, H5P) passes, from the ZIP's
    central directory only, or PackageError: the size, the number of files, every member's
    path (no `..`, absolute paths or symlinks), encryption, the declared unpacked size and
    compression ratios (zip bombs)."""
    max_bytes = settings.SCORM_PACKAGE_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise PackageError(
            _("The package is larger than %(limit)s MB.") % {"limit": _mb(max_bytes)}
        )
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)  # reads the central directory only
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise PackageError(_("The file is not a ZIP archive.")) from error
    infos = archive.infolist()
    if len(infos) > settings.SCORM_PACKAGE_MAX_FILES:
        raise PackageError(
            _("The package has more than %(limit)d files.")
            % {"limit": settings.SCORM_PACKAGE_MAX_FILES}
        )
    members: list[zipfile.ZipInfo] = []
    names: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if not package_path_is_safe(name):
            raise PackageError(
                _("The package contains a file outside its folder: %(name)s") % {"name": name}
            )
        if _is_symlink(info):
            raise PackageError(_("The package contains a symbolic link: %(name)s") % {"name": name})
        if info.flag_bits & 0x1:
            raise PackageError(
                _("The package contains an encrypted file: %(name)s") % {"name": name}
            )
        if info.is_dir():
            continue
        if name in names:
            raise PackageError(_("The package contains %(name)s twice.") % {"name": name})
        names.add(name)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (
            info.file_size > RATIO_CHECK_MIN_BYTES
            and ratio > settings.SCORM_PACKAGE_MAX_COMPRESSION_RATIO
        ):
            raise PackageError(
                _("The package looks like a ZIP bomb (%(name)s is compressed %(ratio)d times).")
                % {"name": name, "ratio": ratio}
            )
        members.append(info)
    if total > settings.SCORM_PACKAGE_MAX_UNPACKED_BYTES:
        raise PackageError(
            _("Unpacked, the package would be larger than %(limit)s MB.")
            % {"limit": _mb(settings.SCORM_PACKAGE_MAX_UNPACKED_BYTES)}
        )
    return CheckedZip(archive=archive, members=members, names=names, size_bytes=total)


def package_member_read(*, archive: zipfile.ZipFile, name: str, max_bytes: int) -> bytes:
    """A small member (a manifest) read whole, or PackageError."""
    info = archive.getinfo(name)
    if info.file_size > max_bytes:
        raise PackageError(_("%(name)s is too large.") % {"name": name})
    try:
        with archive.open(info) as source:
            data = source.read(max_bytes + 1)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
        raise PackageError(_("%(name)s cannot be read from the ZIP.") % {"name": name}) from error
    if len(data) > max_bytes:
        raise PackageError(_("%(name)s is too large.") % {"name": name})
    return data


def scorm_package_check(*, upload: UploadedFile) -> CheckedPackage:
    """Checks an uploaded SCORM ZIP without unpacking it, or raises PackageError: the ZIP
    (package_zip_check), the manifest in either SCORM namespace, and that every launch
    file is in the package."""
    checked = package_zip_check(upload=upload)
    archive, members, names, total = (
        checked.archive,
        checked.members,
        checked.names,
        checked.size_bytes,
    )
    if MANIFEST not in names:
        raise PackageError(
            _("imsmanifest.xml is missing at the top of the package: is this a SCORM package?")
        )
    data = package_member_read(archive=archive, name=MANIFEST, max_bytes=MANIFEST_MAX_BYTES)
    try:
        manifest = manifest_parse(data)
    except ManifestError as error:
        raise PackageError(str(error)) from error
    for path in sorted(manifest.files):
        if "://" in path or path.startswith("//"):
            raise PackageError(
                _("The launch file %(name)s is outside the package.") % {"name": path}
            )
        decoded = unquote(path)
        if not package_path_is_safe(decoded):
            raise PackageError(
                _("The manifest points at a file outside the package: %(name)s") % {"name": path}
            )
        if decoded not in names:
            raise PackageError(
                _("The launch file %(name)s named in the manifest is not in the package.")
                % {"name": decoded}
            )
    return CheckedPackage(
        upload=upload, archive=archive, manifest=manifest, members=members, size_bytes=total
    )


class _LimitedReader(File):
    """A member's stream that refuses to give more bytes than its header declared (a
    forged size in the central directory does not get past the limits)."""

    def __init__(self, source: IO[bytes], limit: int, name: str) -> None:
        super().__init__(source, name=name)
        self._source = source
        self._limit = limit
        self._read = 0

    def chunks(self, chunk_size: int | None = None):
        chunk_size = chunk_size or self.DEFAULT_CHUNK_SIZE
        while True:
            data = self._source.read(chunk_size)
            if not data:
                return
            self._read += len(data)
            if self._read > self._limit:
                raise PackageError(_("The package's files are larger than they declare."))
            yield data

    @property
    def size(self) -> int:
        return self._limit


def package_unpack(
    *, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], prefix: str
) -> None:
    """Copies the checked members under `prefix` in the default storage, one at a time in
    chunks (never the whole package in memory). A failure removes what was written; the
    archive is closed in any case."""
    written: list[str] = []
    try:
        for info in members:
            name = prefix + info.filename
            with archive.open(info) as source:
                saved = default_storage.save(name, _LimitedReader(source, info.file_size, name))
            written.append(saved)
            if saved != name:  # the storage renamed it: the package's links would break
                raise PackageError(_("The package could not be unpacked."))
    except Exception:
        for name in written:
            default_storage.delete(name)
        raise
    finally:
        archive.close()


def package_files_delete(*, prefix: str, names: list[str]) -> None:
    for name in names:
        default_storage.delete(prefix + name)


class _Unpackable(Protocol):
    archive: zipfile.ZipFile
    members: list[zipfile.ZipInfo]


PackageT = TypeVar("PackageT", ScormPackage, H5pPackage)


def package_unpack_and_save(*, package: PackageT, checked: _Unpackable) -> PackageT:
    """Unpacks a checked package (SCORM or H5P) under the new record's unguessable prefix,
    then saves and audits the record; a failure of either removes what was written."""
    package_unpack(archive=checked.archive, members=checked.members, prefix=package.storage_prefix)
    try:
        with transaction.atomic():
            package.full_clean()
            package.save()
            audit_log(instance=package, action=CREATE, user=package.uploaded_by)
    except Exception:
        package_files_delete(
            prefix=package.storage_prefix, names=[m.filename for m in checked.members]
        )
        raise
    return package


def scorm_package_store(
    *, checked: CheckedPackage, actor: User | None, course: CoursePage | None = None
) -> ScormPackage:
    """Unpacks a checked package under its unguessable prefix in the default storage and
    records it. A failure removes what was written."""
    manifest = checked.manifest
    package = ScormPackage(
        title=manifest.title,
        original_filename=(checked.upload.name or "package.zip")[:255],
        version=manifest.version,
        scos=[sco.as_dict() for sco in manifest.scos],
        file_count=len(checked.members),
        size_bytes=checked.size_bytes,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
        course=course,
    )
    return package_unpack_and_save(package=package, checked=checked)


# --- attempts ----------------------------------------------------------------------------


def scorm_attempt_launch(
    *, enrolment: Enrolment, lesson: ScormLessonPage, sco_identifier: str
) -> ScormAttempt | None:
    """The attempt the learner launches: the latest one at this item, or a new one when
    there is none or the latest was failed and ended by the package. None when the item
    does not exist."""
    package = lesson.package
    if package is None:
        return None
    sco = package.sco(sco_identifier)
    if sco is None:
        return None
    latest = (
        ScormAttempt.objects.filter(
            enrolment=enrolment, lesson=lesson, sco_identifier=sco["identifier"]
        )
        .order_by("-number")
        .first()
    )
    if latest is not None:
        latest.enrolment = enrolment
    if latest is not None and latest.package_id == package.pk:
        failed_and_ended = (
            latest.terminated and latest.success_status == "failed" and latest.completed_at is None
        )
        if not failed_and_ended:
            return latest
    number = latest.number + 1 if latest is not None else 1
    attempt = ScormAttempt(
        enrolment=enrolment,
        user_id=enrolment.user_id,
        lesson=lesson,
        package=package,
        version=package.version,
        sco_identifier=sco["identifier"],
        number=number,
    )
    attempt.full_clean()
    attempt.save()
    return attempt


_HMS = re.compile(r"^(\d+):([0-5]?\d):([0-5]?\d(?:\.\d+)?)$")
_ISO = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


def duration_seconds(value: Any) -> int:
    """SCORM 1.2 `HHHH:MM:SS.SS` or SCORM 2004 ISO 8601 `PT1H2M3.5S` in whole seconds
    (0 when unreadable)."""
    text = str(value or "").strip()
    match = _HMS.match(text)
    if match:
        hours, minutes, seconds = match.groups()
        return int(int(hours) * 3600 + int(minutes) * 60 + float(seconds))
    match = _ISO.match(text)
    if match and text not in ("P", "PT"):
        years, months, days, hours, minutes, seconds = (float(g or 0) for g in match.groups())
        total = (
            years * 365 * 86400
            + months * 30 * 86400
            + days * 86400
            + hours * 3600
            + minutes * 60
            + seconds
        )
        return int(total)
    return 0


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _children(value: Any) -> list[Any]:
    """A CMI collection as scorm-again renders it (a list, {"childArray": [...]} or
    {"0": {...}, "1": {...}}) as a list."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        if isinstance(value.get("childArray"), list):
            return value["childArray"]
        numbered = [key for key in value if str(key).isdigit()]
        return [value[key] for key in sorted(numbered, key=int)]
    return []


@dataclass(frozen=True)
class CmiState:
    location: str
    suspend_data: str
    completion_status: str
    success_status: str
    score_raw: float | None
    score_scaled: float | None
    exit: str
    session_seconds: int
    interactions: list[Any]


def cmi_state(*, version: str, cmi: dict[str, Any]) -> CmiState:
    """The fields the portal keeps from a committed CMI object of either version."""
    if version == VERSION_12:
        core = cmi.get("core") or {}
        status = str(core.get("lesson_status") or "")
        score = core.get("score") or {}
        raw = _float(score.get("raw"))
        maximum = _float(score.get("max")) or 100.0
        return CmiState(
            location=str(core.get("lesson_location") or "")[:1000],
            suspend_data=str(cmi.get("suspend_data") or ""),
            completion_status=status[:20],
            success_status=status if status in ("passed", "failed") else "",
            score_raw=raw,
            score_scaled=(raw / maximum) if raw is not None and maximum else None,
            exit=str(core.get("exit") or "")[:20],
            session_seconds=duration_seconds(core.get("session_time")),
            interactions=_children(cmi.get("interactions")),
        )
    score = cmi.get("score") or {}
    return CmiState(
        location=str(cmi.get("location") or "")[:1000],
        suspend_data=str(cmi.get("suspend_data") or ""),
        completion_status=str(cmi.get("completion_status") or "")[:20],
        success_status=str(cmi.get("success_status") or "")[:20],
        score_raw=_float(score.get("raw")),
        score_scaled=_float(score.get("scaled")),
        exit=str(cmi.get("exit") or "")[:20],
        session_seconds=duration_seconds(cmi.get("session_time")),
        interactions=_children(cmi.get("interactions")),
    )


def attempt_is_complete(*, attempt: ScormAttempt, mastery_score: int | None) -> bool:
    """SCORM 1.2: `lesson_status` completed or passed. SCORM 2004: `success_status` passed,
    or `completion_status` completed and not failed; with a lesson passing score and no
    success status reported, `score.scaled` at or above it passes."""
    if attempt.version == VERSION_12:
        return attempt.completion_status in ("completed", "passed")
    success = attempt.success_status
    if (
        success in ("", "unknown")
        and mastery_score is not None
        and attempt.score_scaled is not None
    ):
        success = "passed" if attempt.score_scaled * 100 >= mastery_score else "failed"
    if success == "passed":
        return True
    return attempt.completion_status == "completed" and success != "failed"


@dataclass(frozen=True)
class CommitResult:
    attempt: ScormAttempt
    lesson_completed: bool
    course_completed: bool


def scorm_attempt_commit(
    *,
    user: User,
    attempt: ScormAttempt,
    cmi: dict[str, Any],
    session: str,
    terminate: bool,
    now: datetime | None = None,
) -> CommitResult:
    """Stores one batch of CMI data from the runtime. The session's time replaces the
    previous value of the same session and is added to total_time when a new session
    starts. When every item of the lesson is complete, the lesson is completed through
    the completion path of every lesson."""
    now = now or timezone.now()
    if attempt.user_id != user.pk:
        raise PermissionError("not the attempt's owner")
    lesson_completed = False
    with transaction.atomic():
        attempt = ScormAttempt.objects.select_for_update().get(pk=attempt.pk)
        state = cmi_state(version=attempt.version, cmi=cmi)
        session = session[:64]
        if session and session != attempt.session_key:
            attempt.previous_sessions_seconds += attempt.session_seconds
            attempt.session_seconds = 0
            attempt.session_key = session
            attempt.terminated = False
        attempt.session_seconds = max(attempt.session_seconds, state.session_seconds)
        attempt.cmi = cmi
        attempt.location = state.location
        attempt.suspend_data = state.suspend_data
        attempt.completion_status = state.completion_status
        attempt.success_status = state.success_status
        attempt.score_raw = state.score_raw
        attempt.score_scaled = state.score_scaled
        attempt.exit = state.exit
        attempt.interactions = state.interactions
        attempt.commits += 1
        if terminate:
            attempt.terminated = state.exit != "suspend"
        lesson = (
            ScormLessonPage.objects.filter(pk=attempt.lesson_id).select_related("package").first()
        )
        mastery = lesson.mastery_score if lesson is not None else None
        newly_complete = attempt.completed_at is None and attempt_is_complete(
            attempt=attempt, mastery_score=mastery
        )
        if newly_complete:
            attempt.completed_at = now
        attempt.full_clean()
        attempt.save()
        if newly_complete and lesson is not None and lesson.package is not None:
            lesson_completed = _lesson_complete_when_all_items_are(
                user=user, attempt=attempt, lesson=lesson, now=now
            )
    enrolment = Enrolment.objects.only("status").get(pk=attempt.enrolment_id)
    return CommitResult(
        attempt=attempt,
        lesson_completed=lesson_completed,
        course_completed=enrolment.status == Enrolment.Status.COMPLETED,
    )


def _lesson_complete_when_all_items_are(
    *, user: User, attempt: ScormAttempt, lesson: ScormLessonPage, now: datetime
) -> bool:
    package = lesson.package
    if package is None:
        return False
    identifiers = {sco["identifier"] for sco in package.scos}
    done = set(
        ScormAttempt.objects.filter(
            enrolment_id=attempt.enrolment_id,
            lesson=lesson,
            package=package,
            completed_at__isnull=False,
        ).values_list("sco_identifier", flat=True)
    )
    if not identifiers <= done:
        return False
    already = LessonProgress.objects.filter(
        enrolment_id=attempt.enrolment_id, lesson_id=lesson.pk, completed_at__isnull=False
    ).exists()
    if not already:
        lesson_progress_complete(user=user, lesson=lesson, now=now)
    return True
