from __future__ import annotations

import datetime

from django.urls import reverse

import pytest

from accounts.models import Notification, NotificationKind
from accounts.roles import Role
from lms.models import Assignment, AssignmentRecipient, TrainingProposal
from lms.services.assignments import assignment_create
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(unit, hr, course):
    """boss → middle → worker; a stranger elsewhere. worker and stranger are assigned."""
    boss = EmployeeFactory(unit=unit, user=UserFactory(roles=[Role.ATASAN]))
    middle = EmployeeFactory(unit=unit, supervisor=boss)
    worker = EmployeeFactory(unit=unit, supervisor=middle)
    stranger = EmployeeFactory(unit=unit)
    assignment_create(
        actor=hr,
        course=course,
        target_type=Assignment.Target.EMPLOYEES,
        employees=[worker, stranger],
        due_on=datetime.date(2020, 1, 31),
    )
    return boss, middle, worker, stranger


def _row(employee):
    return AssignmentRecipient.objects.get(employee=employee)


def test_supervisor_sees_direct_and_indirect_reports_but_not_others(client, chain):
    boss, middle, worker, stranger = chain
    client.force_login(boss.user)
    page = client.get(reverse("lms:team")).content.decode()
    assert middle.display_name in page
    assert worker.display_name in page
    assert stranger.display_name not in page
    assert "Pelayanan Prima" in page


def test_supervisor_cannot_act_on_others_by_url(client, chain):
    boss, _middle, worker, stranger = chain
    client.force_login(boss.user)
    assert client.get(reverse("lms:team_propose", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("lms:team_propose", args=[worker.pk])).status_code == 200
    url = reverse("lms:team_nudge", args=[_row(stranger).pk])
    assert client.post(url).status_code == 404
    assert not Notification.objects.filter(kind=NotificationKind.REMINDER).exists()


def test_nudge_sends_one_reminder_per_day(client, chain):
    boss, _middle, worker, _stranger = chain
    client.force_login(boss.user)
    url = reverse("lms:team_nudge", args=[_row(worker).pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    notices = Notification.objects.filter(kind=NotificationKind.REMINDER)
    assert [n.user_id for n in notices] == [worker.user_id]
    assert notices.get().params["sender"] == boss.display_name


def test_proposal_approved_by_hr_becomes_an_assignment(client, chain, hr, course, course_index):
    from tests.factories.lms import CoursePageFactory

    boss, _middle, worker, _stranger = chain
    other = CoursePageFactory(parent=course_index, title="Etika ASN")
    client.force_login(boss.user)
    response = client.post(
        reverse("lms:team_propose", args=[worker.pk]), {"course": other.pk, "reason": "gap"}
    )
    assert response.status_code == 302
    proposal = TrainingProposal.objects.get()

    client.force_login(hr)
    response = client.post(
        reverse("lms_assignment_proposals"), {"proposal": proposal.pk, "decision": "approve"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == TrainingProposal.Status.APPROVED
    assert proposal.assignment.course_id == other.pk
    assert [r.employee_id for r in proposal.assignment.recipients.all()] == [worker.pk]


def test_hr_screen_previews_then_creates_an_assignment(client, hr, course, unit, subunit):
    EmployeeFactory(unit=unit)
    EmployeeFactory(unit=subunit)
    client.force_login(hr)
    data = {
        "course": course.pk,
        "target_type": "units",
        "units": [unit.pk],
        "include_subunits": "on",
        "due_days": 30,
        "reason": "gap on Pelayanan Publik",
    }
    response = client.post(reverse("lms_assignment_create"), data)
    assert response.status_code == 200
    assert response.context["preview"] == 2
    assert not Assignment.objects.exists()

    response = client.post(reverse("lms_assignment_create"), {**data, "confirm": "1"})
    assignment = Assignment.objects.get()
    assert response.url == reverse("lms_assignment_detail", args=[assignment.pk])
    assert assignment.recipients.count() == 2
    assert client.get(reverse("lms_assignments")).status_code == 200
    assert client.get(response.url).status_code == 200


def test_hr_screen_extends_a_due_date_with_a_reason(client, hr, chain):
    _boss, _middle, worker, _stranger = chain
    row = _row(worker)
    client.force_login(hr)
    url = reverse("lms_assignment_extend", args=[row.pk])
    assert client.post(url, {"due_on": "2030-01-31", "reason": ""}).status_code == 200
    client.post(url, {"due_on": "2030-01-31", "reason": "Sakit"})
    row.refresh_from_db()
    assert row.due_on == datetime.date(2030, 1, 31)
    assert row.extensions.get().reason == "Sakit"


def test_scoped_hr_screen_cannot_target_outside_subtree(client, scoped_hr, course, other_unit):
    EmployeeFactory(unit=other_unit)
    client.force_login(scoped_hr)
    data = {"course": course.pk, "target_type": "units", "units": [other_unit.pk], "due_days": 3}
    response = client.post(reverse("lms_assignment_create"), {**data, "confirm": "1"})
    assert response.status_code == 200  # the unit is not even a valid choice
    assert not Assignment.objects.exists()


def test_compliance_report_shows_assignment_completion_and_overdue(client, hr, chain, unit):
    client.force_login(hr)
    response = client.get(reverse("competencies_compliance_report"))
    (summary,) = [s for s in response.context["summary"] if s.unit == unit]
    assert summary.assignments == (2, 0, 2)
    assert summary.assignment_completion == 0.0
    AssignmentRecipient.objects.filter(employee=chain[2]).update(status="completed")
    response = client.get(reverse("competencies_compliance_report"))
    (summary,) = [s for s in response.context["summary"] if s.unit == unit]
    assert summary.assignments == (2, 1, 1)
    assert "1/2 (50%)" in response.content.decode()
