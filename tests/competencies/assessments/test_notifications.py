from __future__ import annotations

import pytest

from accounts.models import Notification, NotificationKind
from accounts.roles import Role
from competencies.models import Assessment
from competencies.services.assessments import assessment_approve, assessment_create
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_submitted_assessment_notifies_the_hr_managers_whose_scope_covers_it(org):
    unscoped_extra = UserFactory(roles=[Role.PENGELOLA_SDM])
    boss = org.employee(position=org.head)
    member = org.employee(unit=org.unit_b)
    member.supervisor = boss
    member.save()

    rating = assessment_create(
        actor=boss.user, employee=member, competency=org.m05, level=2,
        method=Assessment.Method.SUPERVISOR, submit=True,
    )  # fmt: skip

    told = set(
        Notification.objects.filter(kind=NotificationKind.ASSESSMENT_TO_APPROVE).values_list(
            "user", flat=True
        )
    )
    assert told == {org.hr.pk, unscoped_extra.pk}  # the manager scoped to unit A is not told
    assessment_approve(actor=org.hr, assessment=rating)
    decided = Notification.objects.get(kind=NotificationKind.ASSESSMENT_DECIDED)
    assert decided.user == member.user and decided.params["approved"] is True
