"""The training-needs report (analisis kebutuhan diklat): ranking, HR scope, the one-click
assignment of exactly the employees with the gap, CSV, and a constant query count."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

import pytest

from accounts.roles import Role
from competencies.models import Assessment, HRScope
from competencies.selectors import employee_gaps
from lms.admin_training_needs import _proposal_summary
from lms.models import Assignment, CourseCompetency
from lms.selectors import training_needs
from tests.factories.accounts import UserFactory
from tests.factories.competencies import (
    CompetencyFactory,
    EmployeeFactory,
    OrgUnitFactory,
    PositionFactory,
    PositionRequirementFactory,
)
from tests.factories.lms import CoursePageFactory

pytestmark = pytest.mark.django_db


class Org:
    def __init__(self, course_index):
        self.unit = OrgUnitFactory(name="Dinas Kesehatan")
        self.subunit = OrgUnitFactory(parent=self.unit, name="Bidang Pelayanan")
        self.other = OrgUnitFactory(name="Dinas Pendidikan")
        self.c1 = CompetencyFactory(name_id="Pelayanan Publik")
        self.c2 = CompetencyFactory(name_id="Manajemen Arsip")
        self.position = PositionFactory()
        PositionRequirementFactory(position=self.position, competency=self.c1, required_level=3)
        PositionRequirementFactory(position=self.position, competency=self.c2, required_level=2)
        # A closes c1 (3 ≥ 3); B is too low for c1 (2 < 3) but closes c2; C closes nothing.
        self.a = self.course(course_index, "Kursus A", (self.c1, 3))
        self.b = self.course(course_index, "Kursus B", (self.c1, 2), (self.c2, 2))
        self.c = self.course(course_index, "Kursus C", (self.c2, 1))

    @staticmethod
    def course(index, title, *links):
        course = CoursePageFactory(parent=index, title=title)
        for competency, level in links:
            CourseCompetency.objects.create(
                course=course, competency=competency, target_level=level
            )
        return course

    def employee(self, unit=None, **levels):
        employee = EmployeeFactory(unit=unit or self.unit, position=self.position)
        for attr, level in levels.items():
            Assessment.objects.create(
                employee=employee, competency=getattr(self, attr), level=level,
                method=Assessment.Method.TEST, assessed_on=datetime.date(2025, 1, 1),
                status=Assessment.Status.APPROVED,
            )  # fmt: skip
        return employee


@pytest.fixture
def org(course_index):
    return Org(course_index)


@pytest.fixture
def people(org):
    return {
        "e1": org.employee(),  # gaps c1, c2
        "e2": org.employee(c1=3),  # gap c2
        "e3": org.employee(org.subunit, c1=1),  # gaps c1, c2
        "e4": org.employee(c1=3, c2=2),  # no gap
        "far": org.employee(org.other),  # gaps, but in another unit
    }


@pytest.fixture
def scoped_hr(org):
    user = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=user, unit=org.unit)
    return user


def _employees(org):
    from competencies.models import Employee

    return Employee.objects.filter(unit__path__startswith=org.unit.path)


def test_courses_are_ranked_by_the_employees_whose_gap_they_close(org, people):
    needs = training_needs(employees=_employees(org))

    assert [n.course.title for n in needs] == ["Kursus B", "Kursus A"]
    b, a = needs
    ids = {k: e.pk for k, e in people.items()}
    assert b.employee_ids == sorted([ids["e1"], ids["e2"], ids["e3"]])
    assert [(c.competency.pk, c.target_level, c.employees) for c in b.competencies] == [
        (org.c2.pk, 2, 3)
    ]
    assert a.employee_ids == sorted([ids["e1"], ids["e3"]])
    assert [(c.competency.pk, c.employees) for c in a.competencies] == [(org.c1.pk, 2)]


def test_training_needs_query_count_is_constant_as_employees_grow(org, people):
    with CaptureQueriesContext(connection) as few:
        small = training_needs(employees=_employees(org))
    for _ in range(15):
        org.employee()
        org.employee(org.subunit, c1=1)
    with CaptureQueriesContext(connection) as many:
        large = training_needs(employees=_employees(org))
    assert large[0].employees > small[0].employees
    assert len(many.captured_queries) == len(few.captured_queries) <= 4


def test_employee_gaps_match_the_single_employee_selector(org, people):
    from competencies.selectors import competency_gaps_for_employee

    batch = {(e, c) for e, c, _r, _l in employee_gaps(_employees(org))}
    for employee in people.values():
        if employee.unit_id == org.other.pk:
            continue
        single = {
            (employee.pk, g.competency.pk) for g in competency_gaps_for_employee(employee) if g.gap
        }
        assert single == {pair for pair in batch if pair[0] == employee.pk}


def test_report_page_is_scoped_to_the_hr_managers_units(client, org, people, scoped_hr):
    client.force_login(scoped_hr)
    response = client.get(reverse("lms_training_needs"))
    assert response.status_code == 200
    assert response.context["employee_count"] == 4  # "far" is outside the scope
    assert [n.course.title for n in response.context["needs"]] == ["Kursus B", "Kursus A"]
    assert "proposals" in response.context
    # Another agency's unit is not a valid choice.
    assert client.get(reverse("lms_training_needs"), {"unit": org.other.pk}).status_code == 404
    sub = client.get(reverse("lms_training_needs"), {"unit": org.subunit.pk})
    assert sub.context["employee_count"] == 1


def test_report_is_for_hr_only(client, org):
    trainer = UserFactory(roles=[Role.PELATIH])
    client.force_login(trainer)
    response = client.get(reverse("lms_training_needs"))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_csv_export_lists_each_course_and_competency(client, org, people, scoped_hr):
    client.force_login(scoped_hr)
    response = client.get(reverse("lms_training_needs"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert len(lines) == 3
    assert lines[1].startswith("Kursus B,3,")
    assert "Pelayanan Publik" in lines[2]


def test_one_click_assigns_exactly_the_employees_with_the_gap(client, org, people, scoped_hr):
    client.force_login(scoped_hr)
    url = reverse("lms_training_need_assign", args=[org.a.pk])
    page = client.get(url, {"unit": org.unit.pk})
    assert page.status_code == 200
    # "Kesenjangan pada …" once the Indonesian catalogue has var/i18n/assign.json merged.
    expected = gettext("Gap in %(competency)s") % {"competency": "Pelayanan Publik"}
    assert page.context["form"].initial["reason"] == expected
    assert people["e2"].display_name not in page.content.decode()

    response = client.post(url, {"unit": org.unit.pk, "due_days": 30, "reason": ""})

    assignment = Assignment.objects.get()
    assert response.status_code == 302
    assert assignment.target_type == Assignment.Target.EMPLOYEES
    assert {r.employee_id for r in assignment.recipients.all()} == {
        people["e1"].pk,
        people["e3"].pk,
    }
    assert assignment.reason == expected


def test_one_click_refuses_a_course_that_closes_no_gap(client, org, people, scoped_hr):
    client.force_login(scoped_hr)
    url = reverse("lms_training_need_assign", args=[org.c.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"due_days": 30}).status_code == 404
    assert not Assignment.objects.exists()


def test_proposals_slot_is_empty_without_the_proposals_selector(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "lms.selectors_proposals" else real(name, *a),
    )
    assert _proposal_summary(unit_ids=None) is None


def test_open_proposals_of_the_subtree_show_in_the_proposals_slot(client, org, people, scoped_hr):
    from lms.models.proposals import TrainingNeedProposal

    for unit, topic in ((org.subunit, "Arsip digital"), (org.other, "Kurikulum merdeka")):
        TrainingNeedProposal.objects.create(
            topic=topic, reason="perlu", competency=org.c2, proposed_by=people["e1"].user,
            unit=unit,
        )  # fmt: skip
    client.force_login(scoped_hr)
    response = client.get(reverse("lms_training_needs"))
    body = response.content.decode()
    assert [g.competency.pk for g in response.context["proposals"]] == [org.c2.pk]
    assert "Arsip digital" in body
    assert "Kurikulum merdeka" not in body
