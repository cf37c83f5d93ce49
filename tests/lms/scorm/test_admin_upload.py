"""A trainer adds a SCORM lesson in the Wagtail page editor: the package is uploaded on
the page's own form, checked there (errors on the field) and unpacked on save."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.test.utils.form_data import nested_form_data, streamfield

import pytest

from lms.models import ScormLessonPage, ScormPackage
from tests.lms.scorm.packages import scorm12_files, scorm2004_zip, zip_of

pytestmark = pytest.mark.django_db


def _form(package: bytes | None, **extra) -> dict:
    data = nested_form_data(
        {
            "title": "Etika ASN (SCORM)",
            "slug": "etika-scorm",
            "summary": "",
            "estimated_minutes": "20",
            "is_required": "on",
            "frame_height": "640",
            "mastery_score": "",
            "body": streamfield([]),
            "comments": {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"},
            **extra,
        }
    )
    if package is not None:
        data["package_file"] = SimpleUploadedFile("etika.zip", package, "application/zip")
    return data


def _add_url(course) -> str:
    return reverse("wagtailadmin_pages:add", args=("lms", "scormlessonpage", course.pk))


def test_admin_adds_a_scorm_lesson(client, course):
    from tests.factories.accounts import UserFactory

    client.force_login(UserFactory(is_superuser=True))
    response = client.post(_add_url(course), _form(scorm2004_zip()))
    assert response.status_code == 302, response.context["form"].errors
    lesson = ScormLessonPage.objects.get(slug="etika-scorm")
    assert lesson.get_parent().pk == course.pk
    assert not lesson.live  # a draft, to go through the course's review
    package = lesson.package
    assert package.version == "2004" and package.course_id == course.pk
    assert len(package.scos) == 2


def test_admin_refuses_a_bad_package_on_the_field(client, course):
    from tests.factories.accounts import UserFactory

    files = scorm12_files()
    files["../../escape.html"] = "x"
    client.force_login(UserFactory(is_superuser=True))
    response = client.post(_add_url(course), _form(zip_of(files)))
    assert response.status_code == 200
    errors = response.context["form"].errors["package_file"]
    # The portal speaks Indonesian unless the person chose English.
    assert errors == ["Paket berisi berkas di luar foldernya: ../../escape.html"]
    assert not ScormPackage.objects.exists()
    response = client.post(_add_url(course), _form(None))
    assert response.context["form"].errors["package_file"]
