"""A trainer adds an H5P lesson in the Wagtail page editor: the .h5p file is uploaded on
the page's own form, checked there (errors on the field) and unpacked on save; the page
is a draft for the course's review like the other lessons."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.test.utils.form_data import nested_form_data, streamfield

import pytest

from lms.models import CoursePage, H5pLessonPage, H5pPackage, LessonPage
from tests.factories.accounts import UserFactory
from tests.lms.h5p.packages import h5p_files, h5p_zip, zip_of

pytestmark = pytest.mark.django_db


def _form(package: bytes | None) -> dict:
    data = nested_form_data(
        {
            "title": "Kuis ASN (H5P)",
            "slug": "kuis-h5p",
            "summary": "",
            "estimated_minutes": "10",
            "is_required": "on",
            "frame_height": "600",
            "passing_score": "",
            "body": streamfield([]),
            "comments": {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"},
        }
    )
    if package is not None:
        data["package_file"] = SimpleUploadedFile("kuis.h5p", package, "application/zip")
    return data


def _add_url(course) -> str:
    return reverse("wagtailadmin_pages:add", args=("lms", "h5plessonpage", course.pk))


def test_page_type_rules():
    assert "lms.H5pLessonPage" in CoursePage.subpage_types
    assert H5pLessonPage.parent_page_types == ["lms.CoursePage"]
    assert issubclass(H5pLessonPage, LessonPage)


def test_admin_adds_an_h5p_lesson_as_a_draft(client, course):
    client.force_login(UserFactory(is_superuser=True))
    response = client.post(_add_url(course), _form(h5p_zip()))
    assert response.status_code == 302, response.context["form"].errors
    lesson = H5pLessonPage.objects.get(slug="kuis-h5p")
    assert lesson.get_parent().pk == course.pk
    assert not lesson.live
    assert lesson.package.main_library == "H5P.PortalQuestion 1.0"
    assert lesson.package.course_id == course.pk


def test_admin_refuses_a_broken_package_on_the_field(client, course):
    files = h5p_files()
    files["h5p.json"] = "{"
    client.force_login(UserFactory(is_superuser=True))
    response = client.post(_add_url(course), _form(zip_of(files)))
    assert response.status_code == 200
    assert response.context["form"].errors["package_file"] == ["h5p.json bukan JSON yang valid."]
    assert not H5pPackage.objects.exists()
    response = client.post(_add_url(course), _form(None))
    assert response.context["form"].errors["package_file"]
