from __future__ import annotations

from django.urls import reverse

import pytest

from competencies.models import Competency, Employee, Position, PositionRequirement
from lms.selectors.catalogue import course_list_for_gaps
from tests.factories.lms import CoursePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def competency():
    return Competency.objects.create(code="T.SKM", name_id="Survei Kepuasan", kind="teknis")


def _course_developing(course_index, competency, level, **kwargs):
    course = CoursePageFactory(parent=course_index, **kwargs)
    course.course_competencies.create(competency=competency, target_level=level)
    course.save()
    return course


def test_course_list_for_gaps_returns_live_courses_reaching_the_level(course_index, competency):
    basic = _course_developing(course_index, competency, 2, title="SKM dasar")
    advanced = _course_developing(course_index, competency, 4, title="SKM lanjut")
    _course_developing(course_index, competency, 5, title="SKM draf", live=False)
    other = Competency.objects.create(code="T.SPBE", name_id="SPBE", kind="teknis")

    result = course_list_for_gaps(gaps={competency.pk: 3, other.pk: 1})

    assert [c.pk for c in result[competency.pk]] == [advanced.pk]
    assert result[other.pk] == []
    assert [c.pk for c in course_list_for_gaps(gaps={competency.pk: 2})[competency.pk]] == [
        basic.pk,
        advanced.pk,
    ]


def test_the_competency_profile_setting_points_at_the_selector(settings):
    from django.utils.module_loading import import_string

    assert import_string(settings.COMPETENCY_GAP_COURSE_SELECTOR) is course_list_for_gaps


def test_dashboard_recommends_courses_for_gaps(client, course_index, competency, learner):
    position = Position.objects.create(code="PL", name="Pengelola Layanan", kind="pelaksana")
    PositionRequirement.objects.create(position=position, competency=competency, required_level=3)
    Employee.objects.create(user=learner, full_name="Rina Lestari", position=position)
    _course_developing(course_index, competency, 3, title="Mengolah SKM")
    client.force_login(learner)

    html = client.get(reverse("lms:dashboard")).content.decode()

    assert "Mengolah SKM" in html
