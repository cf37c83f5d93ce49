"""The trainer's course report lists each learner once: their current cycle."""

from __future__ import annotations

from django.utils import timezone

import pytest

from lms.models import Enrolment
from lms.selectors.trainer import course_report
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_a_learner_with_an_earlier_cycle_appears_once(course):
    user = UserFactory()
    Enrolment.objects.create(
        user=user, course=course, course_title=course.title, source="self",
        status="completed", completed_at=timezone.now(), is_current=False,
    )  # fmt: skip
    current = Enrolment.objects.create(
        user=user, course=course, course_title=course.title, source="self", cycle=2
    )

    report = course_report(course=course, user=course.owner)

    assert [row.enrolment.pk for row in report.rows] == [current.pk]
