"""Removing unpacked content packages (SCORM, H5P) that nothing uses any more
(docs/scorm.md, "Replacing a package"): uploading a new file to a lesson keeps the
earlier package, so that the learners' attempts at it keep their package and a draft in
review can still be previewed. A package is removed only when

- no lesson points at it, neither the page as saved nor its latest revision (a draft
  or a version in review);
- no attempt (SCORM) or result (H5P) points at it;
- it was uploaded more than `grace` ago (an upload being saved is never caught between
  unpacking and saving its page).

Its files are deleted before its row, in the row's transaction: a failure leaves the row
and the next run tries again; a second run finds nothing to do."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from wagtail.models import Revision

from lms.models.h5p import H5pLessonPage, H5pPackage, H5pResult
from lms.models.scorm import ScormAttempt, ScormLessonPage, ScormPackage

logger = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=24)


@dataclass(frozen=True)
class _Kind:
    package: type[Model]
    lesson: type[Model]
    record: type[Model]


KINDS = (
    _Kind(package=ScormPackage, lesson=ScormLessonPage, record=ScormAttempt),
    _Kind(package=H5pPackage, lesson=H5pLessonPage, record=H5pResult),
)


def _packages_in_lessons(kind: _Kind) -> set[int]:
    lessons: Any = kind.lesson.objects  # type: ignore[attr-defined]
    used = set(lessons.exclude(package_id=None).values_list("package_id", flat=True))
    revisions = Revision.objects.filter(
        pk__in=lessons.exclude(latest_revision_id=None).values("latest_revision_id")
    ).only("content")
    for revision in revisions:
        package_id = (revision.content or {}).get("package")
        if package_id:
            used.add(int(package_id))
    return used


def _storage_tree_delete(prefix: str) -> int:
    """Deletes every file under `prefix` (a folder in the default storage); the number
    deleted."""
    deleted = 0
    try:
        folders, files = default_storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    for name in files:
        default_storage.delete(prefix + name)
        deleted += 1
    for folder in folders:
        deleted += _storage_tree_delete(f"{prefix}{folder}/")
    return deleted


@dataclass
class CleanupResult:
    packages: int = 0
    files: int = 0


def content_packages_cleanup(
    *, grace: timedelta = DEFAULT_GRACE, dry_run: bool = False, now: datetime | None = None
) -> CleanupResult:
    """Removes the unused packages (see the module's docstring); with `dry_run`, only
    counts them."""
    now = now or timezone.now()
    outcome = CleanupResult()
    for kind in KINDS:
        packages: Any = kind.package.objects  # type: ignore[attr-defined]
        records: Any = kind.record.objects  # type: ignore[attr-defined]
        used = _packages_in_lessons(kind)
        candidates = (
            packages.filter(created_at__lt=now - grace)
            .exclude(pk__in=used)
            .exclude(pk__in=records.exclude(package_id=None).values("package_id"))
            .values_list("pk", flat=True)
        )
        for package_id in list(candidates):
            with transaction.atomic():
                package = packages.select_for_update().filter(pk=package_id).first()
                if package is None or package_id in _packages_in_lessons(kind):
                    continue
                if records.filter(package_id=package_id).exists():
                    continue
                outcome.packages += 1
                if dry_run:
                    continue
                outcome.files += _storage_tree_delete(package.storage_prefix)
                package.delete()
                logger.info(
                    "content package removed: %s %s", kind.package.__name__, package.token[:8]
                )
    return outcome
