"""SIASN type is not the delivery mode (DOMAIN.md §7: the jenisDiklat types classify the
kind of training, "blended" is a way of delivering a classical programme, SE LAN 18/2021 [P
id.scribd.com/document/594889367]). Only plain e-learning may go without an explicit type;
it is jenisDiklat 16 E-Learning."""

from __future__ import annotations

from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

import pytest

from accounts.roles import Role
from lms.checks import check_courses_without_siasn_type
from lms.models import CoursePage
from lms.selectors.courses import courses_without_siasn_type
from tests.factories.accounts import UserFactory
from tests.factories.lms import CoursePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def _course_form_data(*, mode: str, siasn_type: str) -> dict:
    return nested_form_data(
        {
            "title": "Kursus baru",
            "slug": "kursus-baru",
            "summary": "Ringkas",
            "learning_objectives": "",
            "description": rich_text(""),
            "jp_hours": "2",
            "delivery_mode": mode,
            "siasn_development_type": siasn_type,
            "language": "id",
            "enrolment_policy": "open",
            "course_competencies": inline_formset([]),
        }
    )


@pytest.mark.parametrize("mode", ["blended", "klasikal"])
def test_editor_must_pick_a_type_for_a_course_other_than_e_learning(
    admin_client, course_index, mode
):
    url = reverse("wagtailadmin_pages:add", args=("lms", "coursepage", course_index.pk))

    refused = admin_client.post(url, _course_form_data(mode=mode, siasn_type=""))

    assert refused.status_code == 200
    assert "siasn_development_type" in refused.context["form"].errors
    assert not CoursePage.objects.filter(slug="kursus-baru").exists()

    saved = admin_client.post(url, _course_form_data(mode=mode, siasn_type="8"))

    assert saved.status_code == 302
    assert CoursePage.objects.get(slug="kursus-baru").siasn_type_id == 8


def test_course_without_a_type_has_no_default_from_the_delivery_mode(course):
    # Not 25 for blended, not 13 for classroom.
    for mode in ["blended", "klasikal"]:
        course.delivery_mode = mode
        course.siasn_development_type = None
        assert course.siasn_type_id is None


def test_live_blended_course_without_a_type_can_still_be_published(course):
    """Courses saved before the rule have no type (lms.W001 lists them): publishing a
    revision of one, as Wagtail's approval and scheduled publishing do, must not fail."""
    CoursePage.objects.filter(pk=course.pk).update(
        delivery_mode="blended", siasn_development_type=None
    )
    course = CoursePage.objects.get(pk=course.pk)
    course.summary = "Ringkasan baru."
    revision = course.save_revision()

    revision.publish()

    course.refresh_from_db()
    assert course.live and course.summary == "Ringkasan baru."
    assert course.siasn_type_id is None


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
