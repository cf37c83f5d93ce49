"""A trainer adds an H5P lesson to their draft course in the page editor; it goes
through the course's review like the other pages and is published on approval."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.urls import reverse

import pytest

from accounts.roles import Role
from lms.models import H5pLessonPage
from lms.services.authoring import TRAINING_HEAD_GROUP, course_authoring_setup
from tests.factories.accounts import UserFactory
from tests.factories.lms import CoursePageFactory
from tests.lms.h5p.packages import h5p_zip
from tests.lms.h5p.test_admin_upload import _add_url, _form

pytestmark = pytest.mark.django_db


def test_h5p_lesson_goes_through_the_course_review(client, course_index):
    course_authoring_setup(index=course_index)
    trainer = UserFactory(roles=[Role.PELATIH])
    course = CoursePageFactory(parent=course_index, title="Draf H5P", owner=trainer, live=False)
    course.save_revision(user=trainer)
    client.force_login(trainer)

    response = client.post(_add_url(course), _form(h5p_zip()))
    assert response.status_code == 302
    lesson = H5pLessonPage.objects.get(slug="kuis-h5p")
    assert not lesson.live and lesson.package.course_id == course.pk
    # The author reaches the draft's player and files (the reviewer's preview needs them).
    player = reverse("h5p:player", kwargs={"token": lesson.package.token})
    assert client.get(player).status_code == 200

    client.post(reverse("lms_course_review_submit", args=[course.pk]))
    head = UserFactory()
    head.groups.add(Group.objects.get(name=TRAINING_HEAD_GROUP))
    client.force_login(head)
    assert (
        "Kuis ASN (H5P)"
        in client.get(reverse("lms_course_review_approve", args=[course.pk])).content.decode()
    )
    assert client.get(player).status_code == 200
    client.post(reverse("lms_course_review_approve", args=[course.pk]))

    assert H5pLessonPage.objects.get(pk=lesson.pk).live
