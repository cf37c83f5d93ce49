"""Issue 23, item 4 (recommendations): a warm dashboard reads the learner's
recommendations (kept per user, in the request's one cache round trip) and computes
nothing; a new assessment, a changed position standard, a new course or an enrolment
changes them at the next request."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from competencies.models import Assessment, Competency, Employee, Position, PositionRequirement
from lms.services.enrolments import enrolment_create
from tests.factories.competencies import AssessmentFactory
from tests.factories.lms import CourseIndexPageFactory, CoursePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(home_page, user_factory):
    competency = Competency.objects.create(code="T.SKM", name_id="Survei Kepuasan", kind="teknis")
    position = Position.objects.create(code="PL", name="Pengelola Layanan", kind="pelaksana")
    PositionRequirement.objects.create(position=position, competency=competency, required_level=3)
    user = user_factory()
    employee = Employee.objects.create(user=user, full_name="Rina Lestari", position=position)
    index = CourseIndexPageFactory(parent=home_page)
    course = CoursePageFactory(parent=index, title="Mengolah SKM")
    course.course_competencies.create(competency=competency, target_level=3)
    course.save()
    return {"user": user, "employee": employee, "competency": competency, "course": course,
            "position": position, "index": index}  # fmt: skip


def _recommended(client) -> list[str]:
    response = client.get(reverse("lms:dashboard"))
    assert response.status_code == 200
    return [
        c.title for _gap, courses in response.context["dashboard"].recommendations for c in courses
    ]


def test_a_warm_dashboard_reads_the_recommendations(setup, client):
    client.force_login(setup["user"])
    assert _recommended(client) == ["Mengolah SKM"]
    with CaptureQueriesContext(connection) as queries:
        assert _recommended(client) == ["Mengolah SKM"]
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "competencies_positionrequirement" not in sql
    assert "lms_coursecompetency" not in sql


def test_an_approved_assessment_refreshes_them(setup, client):
    client.force_login(setup["user"])
    assert _recommended(client) == ["Mengolah SKM"]
    AssessmentFactory(
        employee=setup["employee"], competency=setup["competency"], level=3,
        status=Assessment.Status.APPROVED,
    )  # fmt: skip
    assert _recommended(client) == []  # the gap is closed


def test_a_changed_standard_a_new_course_and_an_enrolment_refresh_them(setup, client):
    client.force_login(setup["user"])
    other = Competency.objects.create(code="T.SPBE", name_id="SPBE", kind="teknis")
    course = CoursePageFactory(parent=setup["index"], title="Dasar SPBE")
    course.course_competencies.create(competency=other, target_level=2)
    course.save()
    assert _recommended(client) == ["Mengolah SKM"]

    PositionRequirement.objects.create(
        position=setup["position"], competency=other, required_level=2
    )
    assert sorted(_recommended(client)) == ["Dasar SPBE", "Mengolah SKM"]

    enrolment_create(user=setup["user"], course=setup["course"])
    assert _recommended(client) == ["Dasar SPBE"]


def test_the_positions_import_hook_refreshes_them(
    setup, client, django_capture_on_commit_callbacks
):
    from competencies.services.hooks import standards_changed

    client.force_login(setup["user"])
    assert _recommended(client) == ["Mengolah SKM"]
    # As the import does: rows changed without model signals, then the hook.
    PositionRequirement.objects.filter(position=setup["position"]).update(required_level=1)
    with django_capture_on_commit_callbacks(execute=True):
        standards_changed()
    assert _recommended(client) == ["Mengolah SKM"]  # level 3 course still reaches level 1
    PositionRequirement.objects.filter(position=setup["position"]).delete()
    with django_capture_on_commit_callbacks(execute=True):
        standards_changed()
    assert _recommended(client) == []
