"""One door: eligibility named, per-OPD and total quotas, HR's decisions, the waitlist
moving up, notices."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from accounts.models import Notification, NotificationKind
from competencies.models import Golongan, Position
from lms.models import Enrolment, Nomination
from lms.services.classroom_nominations import (
    nomination_apply,
    nomination_create,
    nomination_decide,
    nomination_endorse,
    nomination_withdraw,
)
from tests.factories.competencies import EmployeeFactory, PositionFactory
from tests.factories.lms import CoursePageFactory

pytestmark = pytest.mark.django_db


def test_supervisor_nominates_within_the_opd_quota_and_the_third_is_refused_naming_it(
    batch, supervisor, staff
):
    for employee in staff[:2]:
        nomination_create(batch=batch, employee=employee, actor=supervisor.user)
    with pytest.raises(ValidationError) as exc:
        nomination_create(batch=batch, employee=staff[2], actor=supervisor.user)
    assert "The quota of Dinas Kesehatan for this batch is 2" in exc.value.messages[0]
    assert Nomination.objects.filter(batch=batch).count() == 2
    notice = Notification.objects.filter(user=staff[0].user, kind=NotificationKind.CLASSROOM)
    assert notice.get().params["event"] == "nominated"


def test_a_unit_without_quota_row_is_refused(batch, classroom_course):
    from tests.factories.competencies import OrgUnitFactory

    other = OrgUnitFactory(name="Dinas Pariwisata")
    boss = EmployeeFactory(unit=other)
    employee = EmployeeFactory(unit=other, supervisor=boss)
    with pytest.raises(ValidationError, match="Dinas Pariwisata has no quota"):
        nomination_create(batch=batch, employee=employee, actor=boss.user)


def test_a_sub_unit_uses_its_opd_quota(batch, opd_b):
    from tests.factories.competencies import OrgUnitFactory

    bidang = OrgUnitFactory(parent=opd_b, name="Bidang SD")
    boss = EmployeeFactory(unit=bidang)
    first, second = (EmployeeFactory(unit=bidang, supervisor=boss) for _ in range(2))
    nomination = nomination_create(batch=batch, employee=first, actor=boss.user)
    assert nomination.unit == opd_b
    with pytest.raises(ValidationError, match="quota of Dinas Pendidikan for this batch is 1"):
        nomination_create(batch=batch, employee=second, actor=boss.user)


def test_only_the_supervisor_or_hr_in_scope_nominates(batch, staff):
    stranger = EmployeeFactory()
    with pytest.raises(PermissionDenied):
        nomination_create(batch=batch, employee=staff[0], actor=stranger.user)


def test_eligibility_rules_are_refused_by_name(batch, supervisor, staff, course_index):
    position = PositionFactory(name="Analis Kebijakan", jenjang=Position.Jenjang.AHLI_MUDA)
    batch.eligible_positions.add(position)
    batch.golongan_min = Golongan.III_A
    batch.golongan_max = Golongan.III_D
    prerequisite = CoursePageFactory(parent=course_index, title="Dasar Pelayanan")
    batch.prerequisite_courses.add(prerequisite)
    batch.save()
    staff[0].golongan = Golongan.II_C
    staff[0].save()
    with pytest.raises(ValidationError) as exc:
        nomination_create(batch=batch, employee=staff[0], actor=supervisor.user)
    text = " ".join(exc.value.messages)
    assert "Only these positions may take part: Analis Kebijakan." in text
    assert "The golongan must be between III/a and III/d." in text
    assert "The prerequisite courses are not completed: Dasar Pelayanan." in text
    assert not Nomination.objects.exists()


def test_a_closed_registration_takes_no_nominations(batch, supervisor, staff):
    batch.status = batch.Status.SELECTION
    batch.save()
    with pytest.raises(ValidationError, match="not taking nominations"):
        nomination_create(batch=batch, employee=staff[0], actor=supervisor.user)


def test_application_claims_the_quota_only_when_the_supervisor_endorses(batch, supervisor, staff):
    applied = nomination_apply(batch=batch, user=staff[0].user)
    assert applied.status == Nomination.Status.APPLIED
    assert Notification.objects.filter(user=supervisor.user, params__event="applied").exists()
    for employee in staff[1:]:
        nomination_create(batch=batch, employee=employee, actor=supervisor.user)
    with pytest.raises(ValidationError, match="quota of Dinas Kesehatan"):
        nomination_endorse(nomination=applied, actor=supervisor.user, approve=True)
    declined = nomination_endorse(
        nomination=applied, actor=supervisor.user, approve=False, reason="Beban kerja"
    )
    assert declined.status == Nomination.Status.REJECTED


def test_hr_selects_up_to_the_total_quota_then_waitlists(batch, supervisor, staff, hr, opd_b):
    boss_b = EmployeeFactory(unit=opd_b)
    nominations = [
        nomination_create(batch=batch, employee=e, actor=supervisor.user) for e in staff[:2]
    ]
    nominations.append(
        nomination_create(
            batch=batch, employee=EmployeeFactory(unit=opd_b, supervisor=boss_b), actor=boss_b.user
        )
    )
    for n in nominations[:2]:
        nomination_decide(nomination=n, actor=hr, status=Nomination.Status.SELECTED)
    with pytest.raises(ValidationError, match="total quota of 2 participants is full"):
        nomination_decide(nomination=nominations[2], actor=hr, status=Nomination.Status.SELECTED)
    waiting = nomination_decide(
        nomination=nominations[2], actor=hr, status=Nomination.Status.WAITLISTED
    )
    assert waiting.status == Nomination.Status.WAITLISTED
    selected = Nomination.objects.get(pk=nominations[0].pk)
    assert selected.enrolment is not None
    assert selected.enrolment.status == Enrolment.Status.ACTIVE
    assert selected.enrolment.course_id == batch.course_id


def test_rejection_needs_a_reason(batch, supervisor, staff, hr):
    nomination = nomination_create(batch=batch, employee=staff[0], actor=supervisor.user)
    with pytest.raises(ValidationError, match="reason"):
        nomination_decide(nomination=nomination, actor=hr, status=Nomination.Status.REJECTED)
    rejected = nomination_decide(
        nomination=nomination, actor=hr, status=Nomination.Status.REJECTED, reason="Kuota penuh"
    )
    notice = Notification.objects.filter(user=staff[0].user, params__event="rejected").get()
    assert notice.params["reason"] == "Kuota penuh"
    assert rejected.status == Nomination.Status.REJECTED


def test_withdrawal_of_a_participant_promotes_the_first_on_the_waitlist(
    batch, supervisor, staff, hr, opd_b
):
    batch.quota_total = 1
    batch.save()
    boss_b = EmployeeFactory(unit=opd_b)
    first = nomination_create(batch=batch, employee=staff[0], actor=supervisor.user)
    second = nomination_create(batch=batch, employee=staff[1], actor=supervisor.user)
    third = nomination_create(
        batch=batch, employee=EmployeeFactory(unit=opd_b, supervisor=boss_b), actor=boss_b.user
    )
    nomination_decide(nomination=first, actor=hr, status=Nomination.Status.SELECTED)
    nomination_decide(nomination=second, actor=hr, status=Nomination.Status.WAITLISTED)
    nomination_decide(nomination=third, actor=hr, status=Nomination.Status.WAITLISTED)

    nomination_withdraw(nomination=first, actor=staff[0].user, reason="Sakit")

    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.status == Nomination.Status.WITHDRAWN
    assert first.enrolment.status == Enrolment.Status.WITHDRAWN
    assert second.status == Nomination.Status.SELECTED
    assert second.enrolment is not None
    assert third.status == Nomination.Status.WAITLISTED
    assert Notification.objects.filter(user=staff[1].user, params__event="promoted").exists()


def test_hr_outside_the_batch_scope_cannot_decide(batch, supervisor, staff):
    from tests.factories.competencies import HRScopeFactory, OrgUnitFactory

    scoped = HRScopeFactory(unit=OrgUnitFactory()).user
    nomination = nomination_create(batch=batch, employee=staff[0], actor=supervisor.user)
    with pytest.raises(Exception) as exc:
        nomination_decide(nomination=nomination, actor=scoped, status=Nomination.Status.SELECTED)
    assert exc.type.__name__ in {"Http404", "PermissionDenied"}
