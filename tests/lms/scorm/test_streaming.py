"""Issue 21, "Speed and limits": a large package uploads and unpacks without being loaded
into memory. A package with a 24 MB member (stored, incompressible) is checked and
unpacked from a file on disk, as Django hands over a large upload (a temporary file), while
tracemalloc records the peak of Python's allocations: it must stay a fraction of the
member's size. Reading a member whole (`archive.read`) or saving it as one `ContentFile`
would put at least 24 MB on that peak."""

from __future__ import annotations

import os
import tracemalloc
import zipfile

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

import pytest

from lms.services.scorm import scorm_package_check, scorm_package_store
from tests.lms.scorm.packages import scorm12_files

pytestmark = pytest.mark.django_db

MEMBER_BYTES = 24 * 1024 * 1024
PEAK_LIMIT_BYTES = 6 * 1024 * 1024


def _large_package(path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, content in scorm12_files().items():
            archive.writestr(name, content)
        with archive.open("media/video.bin", "w") as member:
            for _ in range(MEMBER_BYTES // (1024 * 1024)):
                member.write(os.urandom(1024 * 1024))


def test_a_large_package_is_checked_and_unpacked_in_chunks(tmp_path, course):
    path = tmp_path / "paket-besar.zip"
    _large_package(path)
    with open(path, "rb") as handle:
        upload = UploadedFile(
            file=handle,
            name="paket-besar.zip",
            content_type="application/zip",
            size=path.stat().st_size,
        )
        tracemalloc.start()
        try:
            checked = scorm_package_check(upload=upload)
            package = scorm_package_store(checked=checked, actor=None, course=course)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    stored = package.storage_prefix + "media/video.bin"
    assert default_storage.size(stored) == MEMBER_BYTES
    assert package.size_bytes > MEMBER_BYTES
    assert peak < PEAK_LIMIT_BYTES, f"peak {peak / 2**20:.1f} MB for a 24 MB member"
