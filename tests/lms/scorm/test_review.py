"""A trainer adds a SCORM lesson to their draft course in the page editor; it goes
through the course's review like the other pages and is published on approval."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.urls import reverse

import pytest

from accounts.roles import Role
from lms.models import ScormLessonPage
from lms.services.authoring import TRAINING_HEAD_GROUP, course_authoring_setup
from tests.factories.accounts import UserFactory
from tests.factories.lms import CoursePageFactory
from tests.lms.scorm.packages import scorm12_zip
from tests.lms.scorm.test_admin_upload import _add_url, _form

pytestmark = pytest.mark.django_db


def test_scorm_lesson_goes_through_the_course_review(client, course_index):
    course_authoring_setup(index=course_index)
    trainer = UserFactory(roles=[Role.PELATIH])
    course = CoursePageFactory(parent=course_index, title="Draf SCORM", owner=trainer, live=False)
    course.save_revision(user=trainer)
    client.force_login(trainer)

    response = client.post(_add_url(course), _form(scorm12_zip()))
    assert response.status_code == 302
    lesson = ScormLessonPage.objects.get(slug="etika-scorm")
    assert not lesson.live and lesson.package.course_id == course.pk

    client.post(reverse("lms_course_review_submit", args=[course.pk]))
    head = UserFactory()
    head.groups.add(Group.objects.get(name=TRAINING_HEAD_GROUP))
    client.force_login(head)
    assert (
        "Etika ASN (SCORM)"
        in client.get(reverse("lms_course_review_approve", args=[course.pk])).content.decode()
    )
    client.post(reverse("lms_course_review_approve", args=[course.pk]))

    assert ScormLessonPage.objects.get(pk=lesson.pk).live
