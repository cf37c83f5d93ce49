"""The training-needs report (analisis kebutuhan diklat): ranking, HR scope, the one-click
assignment of exactly the employees with the gap, CSV, and a constant query count."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

import pytest

from accounts.roles import Role
from competencies.models import Assessment, HRScope
from competencies.selectors.gaps import employee_gaps
from competencies.services.summaries import summaries_refresh_for_employees
from lms.models import Assignment, CourseCompetency
from lms.selectors.assignments import training_needs
from tests.factories.accounts import UserFactory
from tests.factories.competencies import (
    CompetencyFactory,
    EmployeeFactory,
    OrgUnitFactory,
    PositionFactory,
    PositionRequirementFactory,
)
from tests.factories.lms import CoursePageFactory, TrainingNeedProposalFactory
from tests.perf.queries import assert_constant_queries

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
        summaries_refresh_for_employees(employee_ids=[employee.pk])  # as the services do
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
    small = training_needs(employees=_employees(org))

    def grow():
        for _ in range(15):
            org.employee()
            org.employee(org.subunit, c1=1)

    # Three gap queries, the course links, and who is already in those courses.
    assert_constant_queries(
        lambda: training_needs(employees=_employees(org)), grow=grow, limit=5, warm_up=0
    )
    assert training_needs(employees=_employees(org))[0].employees > small[0].employees


def test_employee_gaps_match_the_single_employee_selector(org, people):
    from competencies.selectors.gaps import competency_gaps_for_employee

    batch = {(e, c) for e, c, _r, _l in employee_gaps(employees=_employees(org))}
    for employee in people.values():
        if employee.unit_id == org.other.pk:
            continue
        single = {
            (employee.pk, g.competency.pk)
            for g in competency_gaps_for_employee(employee=employee)
            if g.gap
        }
        assert single == {pair for pair in batch if pair[0] == employee.pk}


def test_grouped_gaps_are_the_gaps_grouped_including_a_stale_level(org, people):
    """`employee_gap_groups` (what the report reads) is `employee_gaps` grouped per
    competency and required level, also for an employee whose level row is stale: the
    assessment that lifted e4 to c2's standard is no longer valid today, which the
    table does not know until the daily sweep."""
    from competencies.models import CurrentLevel
    from competencies.selectors.gaps import employee_gap_groups

    e4 = people["e4"]
    Assessment.objects.filter(employee=e4, competency=org.c2).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    CurrentLevel.objects.filter(employee=e4).update(refresh_on=timezone.localdate())
    flat: dict = {}
    for employee_id, competency_id, required, _current in employee_gaps(employees=_employees(org)):
        flat.setdefault(competency_id, {}).setdefault(required, set()).add(employee_id)
    groups, count = employee_gap_groups(employees=_employees(org))
    assert groups == flat
    assert e4.pk in groups[org.c2.pk][2]
    assert count == 4
    only_c1, _ = employee_gap_groups(employees=_employees(org), competency_ids=[org.c1.pk])
    assert only_c1 == {org.c1.pk: flat[org.c1.pk]}
    assert employee_gap_groups(employees=_employees(org), competency_ids=[]) == ({}, 4)


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


def test_open_proposals_of_the_subtree_show_in_the_proposals_slot(client, org, people, scoped_hr):
    for unit, topic in ((org.subunit, "Arsip digital"), (org.other, "Kurikulum merdeka")):
        TrainingNeedProposalFactory(
            topic=topic, competency=org.c2, proposed_by=people["e1"].user, unit=unit
        )
    client.force_login(scoped_hr)
    response = client.get(reverse("lms_training_needs"))
    body = response.content.decode()
    assert [g.competency.pk for g in response.context["proposals"]] == [org.c2.pk]
    assert "Arsip digital" in body
    assert "Kurikulum merdeka" not in body


# Already in the course: neither counted nor assigned again --------------------------------


def _enrol(employee, course, status, *, is_current=True, cycle=1):
    from lms.models import Enrolment

    return Enrolment.objects.create(
        user=employee.user, course=course, status=status, is_current=is_current, cycle=cycle,
        completed_at=timezone.now() if status == Enrolment.Status.COMPLETED else None,
    )  # fmt: skip


def test_employees_enrolled_or_assigned_are_not_counted(org, people, scoped_hr):
    from lms.models import AssignmentRecipient, Enrolment
    from lms.services.assignments import assignment_create

    _enrol(people["e1"], org.a, Enrolment.Status.ACTIVE)
    _enrol(people["e2"], org.b, Enrolment.Status.COMPLETED)
    # Neither a past cycle nor a withdrawn enrolment counts as being in the course.
    _enrol(people["e3"], org.b, Enrolment.Status.COMPLETED, is_current=False)
    _enrol(people["e3"], org.b, Enrolment.Status.WITHDRAWN, cycle=2)
    assignment = assignment_create(
        actor=scoped_hr, course=org.b, target_type=Assignment.Target.EMPLOYEES,
        employees=[people["e1"]], due_on=datetime.date(2030, 1, 31),
    )  # fmt: skip
    assert assignment.recipients.get().status == AssignmentRecipient.Status.OPEN
    # The open assignment row alone keeps e1 out, whatever became of the enrolment.
    Enrolment.objects.filter(user=people["e1"].user, course=org.b).delete()

    needs = {n.course.pk: n for n in training_needs(employees=_employees(org))}

    ids = {k: e.pk for k, e in people.items()}
    assert needs[org.a.pk].employee_ids == [ids["e3"]]
    assert needs[org.a.pk].already_ids == [ids["e1"]]
    assert needs[org.b.pk].employee_ids == [ids["e3"]]
    assert needs[org.b.pk].already_ids == sorted([ids["e1"], ids["e2"]])
    assert [c.employees for c in needs[org.b.pk].competencies] == [1]


def test_a_withdrawn_assignment_row_does_not_exclude(org, people, scoped_hr):
    from lms.models import AssignmentRecipient, Enrolment
    from lms.services.assignments import assignment_create

    assignment = assignment_create(
        actor=scoped_hr, course=org.a, target_type=Assignment.Target.EMPLOYEES,
        employees=[people["e1"]], due_on=datetime.date(2030, 1, 31),
    )  # fmt: skip
    assignment.recipients.update(status=AssignmentRecipient.Status.WITHDRAWN)
    Enrolment.objects.filter(course=org.a).update(status=Enrolment.Status.WITHDRAWN)

    [need] = training_needs(employees=_employees(org), course_id=org.a.pk)

    assert people["e1"].pk in need.employee_ids and need.already == 0


def test_query_count_stays_constant_with_enrolments_and_assignments(org, people, scoped_hr):
    from lms.models import Enrolment

    def grow():
        for _ in range(5):
            _enrol(org.employee(), org.a, Enrolment.Status.ACTIVE)
            _enrol(org.employee(org.subunit, c1=1), org.b, Enrolment.Status.COMPLETED)

    assert_constant_queries(lambda: training_needs(employees=_employees(org)), grow=grow, warm_up=0)


def test_one_click_leaves_out_and_mentions_those_already_enrolled(client, org, people, scoped_hr):
    from lms.models import Enrolment

    _enrol(people["e1"], org.a, Enrolment.Status.ACTIVE)
    client.force_login(scoped_hr)
    report = client.get(reverse("lms_training_needs")).content.decode()
    assert "tidak dihitung untuk kursus tersebut" in report  # Indonesian by default
    url = reverse("lms_training_need_assign", args=[org.a.pk])
    page = client.get(url, {"unit": org.unit.pk})
    assert "sudah terdaftar di kursus ini" in page.content.decode()
    assert people["e1"].display_name not in page.content.decode()

    client.post(url, {"unit": org.unit.pk, "due_days": 30, "reason": ""})

    assert {r.employee_id for r in Assignment.objects.get().recipients.all()} == {people["e3"].pk}


# Double submit -----------------------------------------------------------------------------


def _token(response) -> str:
    import re

    match = re.search(r'name="submit_token" value="([^"]+)"', response.content.decode())
    assert match, "the form carries a one-time token"
    return match.group(1)


def test_a_double_submitted_one_click_assigns_once(client, org, people, scoped_hr):
    client.force_login(scoped_hr)
    url = reverse("lms_training_need_assign", args=[org.a.pk])
    page = client.get(url, {"unit": org.unit.pk})
    assert "js/submit-once.js" in page.content.decode()
    data = {"unit": org.unit.pk, "due_days": 30, "reason": "", "submit_token": _token(page)}

    first = client.post(url, data)
    second = client.post(url, data)

    assignment = Assignment.objects.get()
    assert (
        first["Location"]
        == second["Location"]
        == reverse("lms_assignment_detail", args=[assignment.pk])
    )
    assert assignment.recipients.count() == 2


def test_a_new_form_token_assigns_again_only_the_ones_left(client, org, people, scoped_hr):
    """A fresh form is a new request: nobody is left with the gap and out of the course, so
    there is nothing to assign (404) rather than a duplicate."""
    client.force_login(scoped_hr)
    url = reverse("lms_training_need_assign", args=[org.a.pk])
    first = client.get(url, {"unit": org.unit.pk})
    client.post(url, {"unit": org.unit.pk, "due_days": 30, "submit_token": _token(first)})

    assert client.get(url, {"unit": org.unit.pk}).status_code == 404
    assert Assignment.objects.count() == 1
