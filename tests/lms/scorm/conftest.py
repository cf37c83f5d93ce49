from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from lms.models import Enrolment, ScormLessonPage
from lms.services.enrolments import enrolment_create
from lms.services.scorm import scorm_package_check, scorm_package_store
from tests.lms.scorm.packages import scorm12_zip, scorm2004_zip


def upload(data: bytes, name: str = "paket.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def stored_package(*, data: bytes, course, actor=None):
    checked = scorm_package_check(upload=upload(data))
    return scorm_package_store(checked=checked, actor=actor, course=course)


def scorm_lesson(*, course, data: bytes, title: str, **fields) -> ScormLessonPage:
    package = stored_package(data=data, course=course)
    lesson = ScormLessonPage(title=title, package=package, **fields)
    course.add_child(instance=lesson)
    lesson.save_revision().publish()
    return lesson


@pytest.fixture
def lesson12(course):
    return scorm_lesson(course=course, data=scorm12_zip(), title="Modul SCORM 1.2")


@pytest.fixture
def lesson2004(course):
    return scorm_lesson(course=course, data=scorm2004_zip(), title="Modul SCORM 2004")


@pytest.fixture
def enrolled(learner, course) -> Enrolment:
    return enrolment_create(user=learner, course=course, source=Enrolment.Source.ADMIN)
