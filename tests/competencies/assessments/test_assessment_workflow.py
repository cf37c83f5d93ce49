from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from wagtail.models import ModelLogEntry

import pytest

from accounts.roles import Role
from competencies.models import Assessment
from competencies.selectors.levels import current_levels
from competencies.services.assessments import (
    assessment_approve,
    assessment_create,
    assessment_reject,
    assessment_submit,
)
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(org):
    boss = org.employee(position=org.head, full_name="Kepala Bidang")
    member = org.employee(full_name="Anggota Tim")
    member.supervisor = boss
    member.save()
    outsider = org.employee(unit=org.unit_b, full_name="Orang Lain")
    return boss, member, outsider


def test_supervisor_rates_a_direct_report_and_hr_approves(org, team):
    boss, member, _ = team

    rating = assessment_create(
        actor=boss.user, employee=member, competency=org.m05, level=2,
        method=Assessment.Method.SUPERVISOR, submit=True,
    )  # fmt: skip
    assert rating.status == Assessment.Status.SUBMITTED
    assert current_levels(employee_ids=[member.pk]) == {}

    assessment_approve(actor=org.hr, assessment=rating, note="Sesuai bukti.")

    rating.refresh_from_db()
    assert (rating.status, rating.decided_by, rating.decision_note) == (
        Assessment.Status.APPROVED,
        org.hr,
        "Sesuai bukti.",
    )
    assert current_levels(employee_ids=[member.pk]) == {(member.pk, org.m05.pk): 2}


def test_supervisor_cannot_rate_someone_outside_their_team(org, team):
    boss, _, outsider = team

    with pytest.raises(PermissionDenied):
        assessment_create(
            actor=boss.user, employee=outsider, competency=org.m05, level=2,
            method=Assessment.Method.SUPERVISOR,
        )  # fmt: skip


def test_supervisor_cannot_pick_another_method(org, team):
    boss, member, _ = team

    with pytest.raises(PermissionDenied):
        assessment_create(
            actor=boss.user, employee=member, competency=org.m05, level=5,
            method=Assessment.Method.ASSESSMENT_CENTER,
        )  # fmt: skip


def test_self_assessment_counts_only_after_approval(org, team):
    _, member, _ = team
    own = assessment_create(
        actor=member.user, employee=member, competency=org.m01, level=3,
        method=Assessment.Method.SELF, submit=True,
    )  # fmt: skip
    assert current_levels(employee_ids=[member.pk]) == {}

    assessment_approve(actor=org.hr, assessment=own)

    assert current_levels(employee_ids=[member.pk]) == {(member.pk, org.m01.pk): 3}


def test_employee_cannot_self_assess_someone_else(org, team):
    _, member, outsider = team

    with pytest.raises(PermissionDenied):
        assessment_create(
            actor=member.user, employee=outsider, competency=org.m01, level=3,
            method=Assessment.Method.SELF,
        )  # fmt: skip


def test_only_hr_decides_and_never_on_themself(org, team):
    boss, member, _ = team
    rating = assessment_create(
        actor=boss.user, employee=member, competency=org.m05, level=2,
        method=Assessment.Method.SUPERVISOR, submit=True,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        assessment_approve(actor=boss.user, assessment=rating)

    hr_employee = org.employee()
    hr_employee.user.groups.add(*UserFactory(roles=[Role.PENGELOLA_SDM]).groups.all())
    own = assessment_create(
        actor=hr_employee.user, employee=hr_employee, competency=org.m05, level=4,
        method=Assessment.Method.SELF, submit=True,
    )  # fmt: skip
    hr_employee.user.__dict__.pop("_portal_roles", None)
    with pytest.raises(PermissionDenied):
        assessment_approve(actor=hr_employee.user, assessment=own)


def test_scoped_hr_manager_cannot_decide_outside_their_subtree(org, team):
    _, _, outsider = team
    rating = assessment_create(
        actor=org.hr, employee=outsider, competency=org.m05, level=2,
        method=Assessment.Method.TEST, submit=True,
    )  # fmt: skip

    with pytest.raises(PermissionDenied):
        assessment_approve(actor=org.scoped_hr, assessment=rating)


def test_reject_needs_a_reason_and_deciding_twice_is_a_no_op(org, team):
    boss, member, _ = team
    rating = assessment_create(
        actor=boss.user, employee=member, competency=org.m05, level=2,
        method=Assessment.Method.SUPERVISOR, submit=True,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        assessment_reject(actor=org.hr, assessment=rating, note="  ")

    assessment_reject(actor=org.hr, assessment=rating, note="Bukti kurang.")
    assessment_reject(actor=org.hr, assessment=rating, note="Bukti kurang.")

    assert ModelLogEntry.objects.filter(action="competencies.reject").count() == 1
    with pytest.raises(ValidationError):
        assessment_approve(actor=org.hr, assessment=rating)


def test_submitting_twice_submits_once(org, team):
    boss, member, _ = team
    draft = assessment_create(
        actor=boss.user, employee=member, competency=org.m05, level=2,
        method=Assessment.Method.SUPERVISOR,
    )  # fmt: skip

    assessment_submit(actor=boss.user, assessment=draft)
    assessment_submit(actor=boss.user, assessment=draft)

    assert ModelLogEntry.objects.filter(action="competencies.submit").count() == 1


def test_every_step_is_audited_with_who_and_what(org, team):
    boss, member, _ = team
    rating = assessment_create(
        actor=boss.user, employee=member, competency=org.m05, level=2,
        method=Assessment.Method.SUPERVISOR, submit=True,
    )  # fmt: skip
    assessment_approve(actor=org.hr, assessment=rating)

    entries = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Assessment), object_id=str(rating.pk)
    ).order_by("timestamp", "pk")
    assert [(e.action, e.user_id) for e in entries] == [
        ("wagtail.create", boss.user.pk),
        ("competencies.submit", boss.user.pk),
        ("competencies.approve", org.hr.pk),
    ]
    assert entries.last().data["changes"] == {"status": ["submitted", "approved"]}


def test_valid_until_cannot_precede_the_assessment(org, team, today):
    import datetime

    _, member, _ = team
    with pytest.raises(ValidationError):
        assessment_create(
            actor=org.hr, employee=member, competency=org.m05, level=2,
            method=Assessment.Method.TEST, assessed_on=today,
            valid_until=today - datetime.timedelta(days=1),
        )  # fmt: skip
