"""What HR sees when selecting: the "assignment or training-needs list" eligibility rule,
a participant in two overlapping batches (flagged, not refused), and the candidates'
competency gaps for the course, in a constant number of queries."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from competencies.models import Assessment
from lms.models import AssignmentRecipient, CourseCompetency, Nomination, TrainingProposal
from lms.selectors.classroom import (
    course_gaps_by_employee,
    eligibility_problems_by_employee,
    nomination_overlaps_by_employee,
)
from lms.services.classroom_nominations import nomination_create, nomination_decide
from tests.factories.competencies import (
    AssessmentFactory,
    CompetencyFactory,
    EmployeeFactory,
    PositionFactory,
    PositionRequirementFactory,
)
from tests.factories.lms import (
    AssignmentFactory,
    BatchFactory,
    TrainingNeedProposalFactory,
    TrainingNeedSupportFactory,
)

pytestmark = pytest.mark.django_db

NEED_RULE = "Only people with this course in their assignments or training needs may take part."


# --- assignment or training-needs list ------------------------------------------------------


def test_a_batch_for_the_training_needs_list_refuses_others_naming_the_rule(
    batch, supervisor, staff
):
    batch.requires_training_need = True
    batch.save()
    with pytest.raises(ValidationError) as exc:
        nomination_create(batch=batch, employee=staff[0], actor=supervisor.user)
    assert NEED_RULE in exc.value.messages
    assert not Nomination.objects.exists()


def test_an_assigned_employee_is_eligible_but_a_withdrawn_assignment_is_not(
    batch, supervisor, staff
):
    batch.requires_training_need = True
    batch.save()
    assignment = AssignmentFactory(course=batch.course)
    today = timezone.localdate()
    for employee, status in (
        (staff[0], AssignmentRecipient.Status.OPEN),
        (staff[1], AssignmentRecipient.Status.WITHDRAWN),
    ):
        AssignmentRecipient.objects.create(
            assignment=assignment,
            employee=employee,
            user=employee.user,
            assigned_at=timezone.now(),
            due_on=today,
            status=status,
        )
    problems = eligibility_problems_by_employee(batch=batch, employees=staff[:2])
    assert problems[staff[0].pk] == []
    assert problems[staff[1].pk] == [NEED_RULE]
    nomination_create(batch=batch, employee=staff[0], actor=supervisor.user)


def test_a_supervisors_proposal_or_a_planned_training_need_makes_eligible(batch, supervisor, staff):
    batch.requires_training_need = True
    batch.save()
    TrainingProposal.objects.create(
        employee=staff[0], course=batch.course, proposed_by=supervisor.user
    )
    TrainingNeedProposalFactory(
        proposed_by=staff[1].user, status="planned", planned_course=batch.course
    )
    other = TrainingNeedProposalFactory(status="planned", planned_course=batch.course)
    TrainingNeedSupportFactory(proposal=other, user=staff[2].user)
    problems = eligibility_problems_by_employee(batch=batch, employees=staff)
    assert problems == {e.pk: [] for e in staff}


def test_a_rejected_proposal_does_not_make_eligible(batch, supervisor, staff):
    batch.requires_training_need = True
    batch.save()
    TrainingProposal.objects.create(
        employee=staff[0],
        course=batch.course,
        proposed_by=supervisor.user,
        status=TrainingProposal.Status.REJECTED,
    )
    problems = eligibility_problems_by_employee(batch=batch, employees=[staff[0]])
    assert problems[staff[0].pk] == [NEED_RULE]


# --- overlapping batches ----------------------------------------------------------------


def test_a_participant_in_an_overlapping_batch_is_flagged_and_hr_can_still_select(
    client, batch, supervisor, staff, hr, opd_a
):
    from lms.models import BatchUnitQuota

    other = BatchFactory(
        course=batch.course,
        number="Angkatan Lain",
        starts_on=batch.starts_on - datetime.timedelta(days=1),
        ends_on=batch.ends_on + datetime.timedelta(days=1),
    )
    BatchUnitQuota.objects.create(batch=other, unit=opd_a, quota=5)
    nomination_create(batch=other, employee=staff[0], actor=supervisor.user)
    later = BatchFactory(
        course=batch.course,
        number="Angkatan Nanti",
        starts_on=batch.ends_on + datetime.timedelta(days=30),
        ends_on=batch.ends_on + datetime.timedelta(days=31),
    )
    nomination_create(batch=later, employee=staff[1], actor=supervisor.user)
    mine = [nomination_create(batch=batch, employee=e, actor=supervisor.user) for e in staff[:2]]
    overlaps = nomination_overlaps_by_employee(batch=batch, employee_ids=[e.pk for e in staff[:2]])
    assert len(overlaps[staff[0].pk]) == 1
    assert "Angkatan Lain" in overlaps[staff[0].pk][0]
    assert overlaps[staff[1].pk] == []

    client.force_login(hr)
    page = client.get(reverse("lms_classroom_batch", args=[batch.pk]))
    assert "Angkatan Lain" in page.content.decode()
    response = client.post(
        reverse("lms_classroom_nomination_decide", args=[mine[0].pk]),
        {"status": "selected"},
        follow=True,
    )
    mine[0].refresh_from_db()
    assert mine[0].status == Nomination.Status.SELECTED
    shown = [str(m) for m in response.context["messages"]]
    assert any("Angkatan Lain" in m for m in shown)


def test_a_cancelled_or_withdrawn_other_batch_is_not_an_overlap(batch, supervisor, staff, opd_a):
    from lms.models import Batch, BatchUnitQuota
    from lms.services.classroom_nominations import nomination_withdraw

    other = BatchFactory(course=batch.course)
    BatchUnitQuota.objects.create(batch=other, unit=opd_a, quota=5)
    withdrawn = nomination_create(batch=other, employee=staff[0], actor=supervisor.user)
    nomination_withdraw(nomination=withdrawn, actor=supervisor.user)
    cancelled = BatchFactory(course=batch.course)
    nomination_create(batch=cancelled, employee=staff[1], actor=supervisor.user)
    cancelled.status = Batch.Status.CANCELLED
    cancelled.save()
    overlaps = nomination_overlaps_by_employee(batch=batch, employee_ids=[e.pk for e in staff])
    assert all(v == [] for v in overlaps.values())


# --- competency gaps --------------------------------------------------------------------


@pytest.fixture
def course_competencies(batch):
    planning = CompetencyFactory(code="T.PLAN", name_id="Perencanaan", name_en="Planning")
    service = CompetencyFactory(code="T.SERV", name_id="Pelayanan", name_en="Service")
    CourseCompetency.objects.create(course=batch.course, competency=planning, target_level=3)
    CourseCompetency.objects.create(course=batch.course, competency=service, target_level=2)
    return planning, service


def test_gaps_for_the_course_use_the_position_requirement_or_the_course_target(
    batch, staff, course_competencies
):
    planning, service = course_competencies
    position = PositionFactory()
    PositionRequirementFactory(position=position, competency=planning, required_level=4)
    staff[0].position = position
    staff[0].save()
    AssessmentFactory(
        employee=staff[0], competency=planning, level=2, status=Assessment.Status.APPROVED
    )
    gaps = course_gaps_by_employee(batch=batch, employees=staff[:2])
    first = {g.competency: g for g in gaps[staff[0].pk]}
    assert (first["Planning"].current_level, first["Planning"].required_level) == (2, 4)
    assert first["Planning"].gap == 2
    assert (first["Service"].current_level, first["Service"].required_level) == (None, 2)
    second = {g.competency: g for g in gaps[staff[1].pk]}
    assert second["Planning"].required_level == 3 and second["Planning"].gap == 3


def _overview_queries(client, batch) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("lms_classroom_batch", args=[batch.pk]))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_overview_shows_gaps_beside_each_nomination_in_constant_queries(
    client, batch, supervisor, staff, hr, opd_a, course_competencies
):
    planning, _service = course_competencies
    batch.quota_total = 20
    batch.save()
    batch.unit_quotas.filter(unit=opd_a).update(quota=20)
    client.force_login(hr)
    nomination_create(batch=batch, employee=staff[0], actor=hr)
    # Rules added after the nomination: the overview still names them for every row.
    batch.requires_training_need = True
    batch.save()
    batch.prerequisite_courses.add(batch.course)
    AssessmentFactory(
        employee=staff[0], competency=planning, level=1, status=Assessment.Status.APPROVED
    )
    client.get(reverse("lms_classroom_batch", args=[batch.pk]))  # warm the session, menus
    few, content = _overview_queries(client, batch)
    assert "Planning: 1 / 3" in content or "Perencanaan: 1 / 3" in content
    batch.requires_training_need = False
    batch.prerequisite_courses.clear()
    batch.save()
    for i in range(6):
        employee = EmployeeFactory(unit=opd_a, supervisor=supervisor, full_name=f"Lain {i}")
        nomination = nomination_create(batch=batch, employee=employee, actor=hr)
        if i % 2:
            nomination_decide(nomination=nomination, actor=hr, status=Nomination.Status.SELECTED)
    batch.requires_training_need = True
    batch.save()
    batch.prerequisite_courses.add(batch.course)
    many, content = _overview_queries(client, batch)
    from django.utils import translation

    with translation.override("id"):
        shown = translation.gettext(NEED_RULE)
    assert content.count(NEED_RULE) + (content.count(shown) if shown != NEED_RULE else 0) == 7
    assert many == few
