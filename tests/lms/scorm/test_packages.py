"""Checking and unpacking uploaded SCORM packages (lms.scorm_manifest, lms.services.scorm)."""

from __future__ import annotations

import io
import stat
import zipfile

from django.core.files.storage import default_storage
from django.utils import translation

import pytest

from lms.models import ScormPackage
from lms.scorm_manifest import ManifestError, manifest_parse
from lms.services.scorm import PackageError, scorm_package_check
from tests.lms.scorm.conftest import stored_package, upload
from tests.lms.scorm.packages import (
    MANIFEST_12,
    MANIFEST_2004,
    scorm12_files,
    scorm12_zip,
    scorm2004_zip,
    zip_of,
)


def test_scorm12_manifest():
    manifest = manifest_parse(MANIFEST_12.format(launch="index.html").encode())
    assert manifest.version == "1.2"
    assert manifest.title == "Pelayanan Prima"
    [sco] = manifest.scos
    assert (sco.identifier, sco.href, sco.mastery_score) == ("item-1", "index.html", 80)


def test_scorm2004_manifest_two_items_with_base_and_parameters():
    manifest = manifest_parse(MANIFEST_2004.encode())
    assert manifest.version == "2004"
    assert [(s.identifier, s.title, s.href) for s in manifest.scos] == [
        ("bagian-1", "Bagian 1: Nilai dasar", "sco1/index.html"),
        ("bagian-2", "Bagian 2: Kode etik", "sco2/index.html?bagian=2"),
    ]
    assert manifest.files == {"sco1/index.html", "sco2/index.html"}


def test_scorm12_written_in_the_ims_cp_11_namespace_is_still_12():
    xml = MANIFEST_12.format(launch="index.html").replace(
        "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "http://www.imsglobal.org/xsd/imscp_v1p1"
    )
    assert manifest_parse(xml.encode()).version == "1.2"


@pytest.mark.parametrize(
    "xml",
    [
        b"<manifest><broken",
        b'<?xml version="1.0"?><manifest xmlns="urn:other"/>',
        b'<!DOCTYPE m [<!ENTITY x "y">]><manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1">&x;</manifest>',
    ],
)
def test_unusable_manifests_are_refused(xml):
    with pytest.raises(ManifestError):
        manifest_parse(xml)


def test_valid_packages_pass_the_check():
    assert scorm_package_check(upload=upload(scorm12_zip())).manifest.version == "1.2"
    assert len(scorm_package_check(upload=upload(scorm2004_zip())).manifest.scos) == 2


def _refused(data: bytes) -> str:
    with translation.override("en"), pytest.raises(PackageError) as error:
        scorm_package_check(upload=upload(data))
    return str(error.value)


def test_broken_manifest_is_refused():
    files = scorm12_files()
    files["imsmanifest.xml"] = "<manifest"
    assert "not valid XML" in _refused(zip_of(files))


def test_missing_manifest_is_refused():
    files = scorm12_files()
    del files["imsmanifest.xml"]
    assert "imsmanifest.xml is missing" in _refused(zip_of(files))


def test_missing_launch_file_is_refused():
    assert "start.html named in the manifest is not in the package" in _refused(
        scorm12_zip(launch="start.html")
    )


def test_launch_file_outside_the_package_is_refused():
    assert "outside the package" in _refused(scorm12_zip(launch="../index.html"))
    assert "outside the package" in _refused(scorm12_zip(launch="https://example.com/x.html"))


@pytest.mark.parametrize(
    "name", ["../evil.html", "a/../../evil.html", "/etc/evil", "C:/evil", "a\\b"]
)
def test_paths_outside_the_package_are_refused(name):
    files = scorm12_files()
    files[name] = "x"
    assert "outside its folder" in _refused(zip_of(files))


def test_indonesian_message():
    files = scorm12_files()
    files["../evil.html"] = "x"
    with translation.override("id"), pytest.raises(PackageError) as error:
        scorm_package_check(upload=upload(zip_of(files)))
    assert "../evil.html" in str(error.value)


def test_symlink_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in scorm12_files().items():
            archive.writestr(name, content)
        link = zipfile.ZipInfo("link.html")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    assert "symbolic link" in _refused(buffer.getvalue())


def test_zip_bomb_is_refused():
    files = scorm12_files()
    files["bom.bin"] = b"\0" * (20 * 1024 * 1024)  # compresses ~1000 times
    assert "ZIP bomb" in _refused(zip_of(files))


def test_unpacked_total_and_file_count_limits(settings):
    settings.SCORM_PACKAGE_MAX_UNPACKED_BYTES = 1000
    assert "Unpacked, the package would be larger" in _refused(scorm12_zip())
    settings.SCORM_PACKAGE_MAX_UNPACKED_BYTES = 10**9
    settings.SCORM_PACKAGE_MAX_FILES = 2
    assert "more than 2 files" in _refused(scorm12_zip())


def test_upload_size_limit(settings):
    settings.SCORM_PACKAGE_MAX_BYTES = 100
    assert "larger than" in _refused(scorm12_zip())


def test_not_a_zip():
    assert "not a ZIP archive" in _refused(b"PK\x03\x04 nope")


def test_store_unpacks_under_an_unguessable_prefix(course):
    package = stored_package(data=scorm2004_zip(), course=course)
    assert len(package.token) >= 43
    assert package.version == ScormPackage.Version.SCORM_2004
    assert package.file_count == 4
    with default_storage.open(f"scorm/{package.token}/sco2/index.html") as handle:
        assert b"Kode etik" in handle.read()
    assert [s["identifier"] for s in package.scos] == ["bagian-1", "bagian-2"]
    assert package.course_id == course.pk
