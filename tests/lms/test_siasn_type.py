"""SIASN type is not the delivery mode (issue 20 item 5; DOMAIN.md §7: the jenisDiklat
types classify the kind of training, "blended" is a way of delivering a classical
programme, SE LAN 18/2021 [P id.scribd.com/document/594889367]). Only plain e-learning
may go without an explicit type; it is jenisDiklat 16 E-Learning."""

from __future__ import annotations

from django.core.exceptions import ValidationError

import pytest

from lms.checks import check_courses_without_siasn_type
from lms.models import CoursePage
from lms.selectors import courses_without_siasn_type
from tests.factories.lms import CoursePageFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("mode", ["blended", "klasikal"])
def test_course_other_than_e_learning_needs_an_explicit_type(course, mode):
    course.delivery_mode = mode
    course.siasn_development_type = None
    with pytest.raises(ValidationError) as error:
        course.clean()
    assert "siasn_development_type" in error.value.message_dict
    # No default from the delivery mode: not 25 for blended, not 13 for classroom.
    assert course.siasn_type_id is None

    course.siasn_development_type = 8  # Bimbingan Teknis
    course.clean()
    assert course.siasn_type_id == 8


def test_plain_e_learning_is_jenis_diklat_16(course):
    course.delivery_mode = CoursePage.DeliveryMode.E_LEARNING
    course.siasn_development_type = None
    course.clean()
    assert course.siasn_type_id == 16


def test_check_flags_published_courses_without_a_type(course_index):
    # Courses saved before the rule (the old code defaulted blended to 25, classroom to 13)
    # are made with the validation's consent and then changed in the table directly.
    missing = CoursePageFactory(parent=course_index, title="Tanpa jenis")
    CoursePageFactory(
        parent=course_index,
        title="Dengan jenis",
        delivery_mode="klasikal",
        siasn_development_type=3,
    )
    CoursePageFactory(parent=course_index, title="E-learning", delivery_mode="e_learning")
    draft = CoursePageFactory(parent=course_index, title="Draf")
    draft.unpublish()
    CoursePage.objects.filter(pk__in=[missing.pk, draft.pk]).update(delivery_mode="blended")

    warnings = check_courses_without_siasn_type(app_configs=None)

    assert [w.id for w in warnings] == ["lms.W001"]
    assert "Tanpa jenis" in warnings[0].msg
    assert "Draf" not in warnings[0].msg and "Dengan jenis" not in warnings[0].msg
    assert [c.pk for c in courses_without_siasn_type()] == [missing.pk]
