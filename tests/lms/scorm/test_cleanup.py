"""Removing unpacked packages nothing uses any more (lms.services.content_packages, the
content_packages_cleanup command and task): replaced packages go, the lesson's current
package, a draft's package and any package an attempt points at stay; twice is safe."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

import pytest

from lms.models import H5pPackage, ScormAttempt, ScormPackage
from lms.services.content_packages import content_packages_cleanup
from lms.tasks import content_packages_cleanup as cleanup_task
from tests.lms.h5p.conftest import h5p_lesson, stored_h5p
from tests.lms.h5p.packages import h5p_zip
from tests.lms.scorm.conftest import stored_package
from tests.lms.scorm.packages import scorm12_zip

pytestmark = pytest.mark.django_db

LATER = timezone.now() + timedelta(days=2)


def _exists(package, name="index.html") -> bool:
    return default_storage.exists(package.storage_prefix + name)


def _replace(lesson, package, *, publish=True):
    lesson.package = package
    revision = lesson.save_revision()
    if publish:
        revision.publish()


def test_replaced_package_is_removed_and_current_ones_stay(course, lesson12):
    old = lesson12.package
    new = stored_package(data=scorm12_zip(), course=course)
    _replace(lesson12, new)
    result = content_packages_cleanup(now=LATER)
    assert result.packages == 1 and result.files == 3
    assert not ScormPackage.objects.filter(pk=old.pk).exists()
    assert not _exists(old)
    assert ScormPackage.objects.filter(pk=new.pk).exists() and _exists(new)
    # A second run finds nothing.
    assert content_packages_cleanup(now=LATER).packages == 0


def test_package_of_an_attempt_or_a_draft_stays(course, lesson12, enrolled):
    old = lesson12.package
    ScormAttempt.objects.create(
        enrolment=enrolled,
        user=enrolled.user,
        lesson=lesson12,
        package=old,
        version=old.version,
        sco_identifier="item-1",
    )
    draft = stored_package(data=scorm12_zip(), course=course)
    _replace(lesson12, draft, publish=False)  # in review: the live page keeps `old`
    newest = stored_package(data=scorm12_zip(), course=course)
    _replace(lesson12, newest, publish=False)  # the draft replaced again before review
    assert content_packages_cleanup(now=LATER).packages == 1
    assert ScormPackage.objects.filter(pk=old.pk).exists() and _exists(old)
    assert not ScormPackage.objects.filter(pk=draft.pk).exists()
    assert ScormPackage.objects.filter(pk=newest.pk).exists()


def test_recent_uploads_stay_and_dry_run_removes_nothing(course, lesson12):
    orphan = stored_package(data=scorm12_zip(), course=course)
    assert content_packages_cleanup().packages == 0  # within the grace period
    assert content_packages_cleanup(now=LATER, dry_run=True).packages == 1
    assert _exists(orphan)


def test_h5p_packages_too_and_the_command_and_task(course):
    lesson = h5p_lesson(course=course, data=h5p_zip(), title="Kuis")
    old = lesson.package
    _replace(lesson, stored_h5p(data=h5p_zip(), course=course))
    H5pPackage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    out = StringIO()
    call_command("content_packages_cleanup", "--dry-run", stdout=out)
    assert "would remove 1 packages" in out.getvalue()
    assert cleanup_task() == 1
    assert not H5pPackage.objects.filter(pk=old.pk).exists()
    assert not _exists(old, "h5p.json")
    assert cleanup_task() == 0
