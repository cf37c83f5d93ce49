from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from lms.models import Enrolment, H5pLessonPage
from lms.services.enrolments import enrolment_create
from lms.services.h5p import h5p_package_check, h5p_package_store
from tests.lms.h5p.packages import h5p_zip


def upload(data: bytes, name: str = "kuis.h5p") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def stored_h5p(*, data: bytes, course, actor=None):
    checked = h5p_package_check(upload=upload(data))
    return h5p_package_store(checked=checked, actor=actor, course=course)


def h5p_lesson(*, course, data: bytes, title: str, **fields) -> H5pLessonPage:
    package = stored_h5p(data=data, course=course)
    lesson = H5pLessonPage(title=title, package=package, **fields)
    course.add_child(instance=lesson)
    lesson.save_revision().publish()
    return lesson


@pytest.fixture
def h5p(course):
    return h5p_lesson(course=course, data=h5p_zip(), title="Kuis interaktif")


@pytest.fixture
def enrolled(learner, course) -> Enrolment:
    return enrolment_create(user=learner, course=course, source=Enrolment.Source.ADMIN)
