"""Checking and unpacking uploaded .h5p packages (lms.services.h5p): generated packages,
valid and broken."""

from __future__ import annotations

import json

from django.core.files.storage import default_storage
from django.utils import translation

import pytest

from lms.services.h5p import h5p_package_check
from lms.services.scorm import PackageError
from tests.lms.h5p.conftest import stored_h5p, upload
from tests.lms.h5p.packages import LIBRARY, bomb_zip, h5p_files, h5p_zip, zip_of


def _refused(data: bytes) -> str:
    with translation.override("en"), pytest.raises(PackageError) as error:
        h5p_package_check(upload=upload(data))
    return str(error.value)


def test_valid_package_passes_the_check():
    checked = h5p_package_check(upload=upload(h5p_zip()))
    assert checked.title == "Kuis ASN"
    assert checked.main_library == f"{LIBRARY} 1.0"
    assert len(checked.members) == 5


def test_broken_h5p_json_is_refused():
    files = h5p_files()
    files["h5p.json"] = "{not json"
    assert "h5p.json is not valid JSON" in _refused(zip_of(files))
    files["h5p.json"] = "[1, 2]"
    assert "h5p.json is not valid JSON" in _refused(zip_of(files))


def test_missing_h5p_json_is_refused():
    files = h5p_files()
    del files["h5p.json"]
    assert "h5p.json is missing" in _refused(zip_of(files))


def test_main_library_must_be_named_listed_and_present():
    assert "names no main library" in _refused(h5p_zip(mainLibrary=""))
    assert "does not list its main library H5P.Other" in _refused(h5p_zip(mainLibrary="H5P.Other"))
    files = h5p_files()
    del files[f"{LIBRARY}-1.0/library.json"]
    assert "export the content with its libraries" in _refused(zip_of(files))


def test_library_script_and_content_must_be_present():
    files = h5p_files()
    del files[f"{LIBRARY}-1.0/portal-question.js"]
    assert "missing its file portal-question.js" in _refused(zip_of(files))
    files = h5p_files()
    del files["content/content.json"]
    assert "content/content.json is missing" in _refused(zip_of(files))


@pytest.mark.parametrize("name", ["../evil.js", "content/../../evil.js", "/etc/evil", "a\\b"])
def test_path_traversal_is_refused(name):
    files = h5p_files()
    files[name] = "x"
    assert "outside its folder" in _refused(zip_of(files))


def test_zip_bomb_is_refused():
    assert "ZIP bomb" in _refused(bomb_zip())


def test_not_a_zip_and_size_limit(settings):
    assert "not a ZIP archive" in _refused(b"PK\x03\x04 nope")
    settings.SCORM_PACKAGE_MAX_BYTES = 100
    assert "larger than" in _refused(h5p_zip())


def test_indonesian_message():
    files = h5p_files()
    del files["h5p.json"]
    with translation.override("id"), pytest.raises(PackageError) as error:
        h5p_package_check(upload=upload(zip_of(files)))
    assert "h5p.json" in str(error.value) and "missing" not in str(error.value)


@pytest.mark.django_db
def test_store_unpacks_under_an_unguessable_prefix(course):
    package = stored_h5p(data=h5p_zip(), course=course)
    assert len(package.token) >= 43
    assert package.file_count == 5 and package.course_id == course.pk
    with default_storage.open(f"h5p/{package.token}/content/content.json") as handle:
        assert json.load(handle)["correct"] == 0
