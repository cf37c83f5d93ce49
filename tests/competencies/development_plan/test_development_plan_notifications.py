"""Issue 18: submitting the agency's plan tells those who may approve it; approving or
returning it tells its preparer. Once per event, in the recipient's language."""

from __future__ import annotations

from django.core import mail

import pytest

from accounts.models import Notification, NotificationKind
from accounts.notifications import notice_render
from accounts.services import notification_email_send
from competencies.services.development_plan import (
    plan_approve,
    plan_item_save,
    plan_return,
    plan_submit,
)
from tests.competencies.development_plan.conftest import make_item
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _notices(event: str):
    return [
        n
        for n in Notification.objects.filter(kind=NotificationKind.DEVELOPMENT_PLAN)
        if n.params.get("event") == event
    ]


@pytest.fixture
def submitted(draft, bkpsdm, competency, opd_a, staff_a, head):
    plan_item_save(actor=bkpsdm, item=make_item(draft, competency=competency, target_unit=opd_a))
    return plan_submit(actor=bkpsdm, plan=draft)


def test_submitted_plan_tells_the_approvers_only(submitted, head, bkpsdm, scoped_hr):
    notices = _notices("submitted")
    assert {n.user_id for n in notices} == {head.pk}
    with pytest.raises(Exception):  # noqa: B017 - submitting twice is refused
        plan_submit(actor=bkpsdm, plan=submitted)
    assert len(_notices("submitted")) == 1
    rendered = notice_render(notices[0], language="en")
    assert "waiting for approval" in rendered.title and str(submitted.year) in rendered.title


def test_approved_plan_tells_its_preparer_once(submitted, head, bkpsdm):
    plan = plan_approve(actor=head, plan=submitted)
    with pytest.raises(Exception):  # noqa: B017 - approving twice is refused
        plan_approve(actor=head, plan=plan)
    notices = _notices("approved")
    assert [n.user_id for n in notices] == [bkpsdm.pk]
    bkpsdm.preferred_language = "id"
    bkpsdm.save()
    mail.outbox.clear()
    assert notification_email_send(notification_id=notices[0].pk)
    assert "disetujui" in mail.outbox[0].subject.lower()


def test_returned_plan_tells_its_preparer_with_the_reason(submitted, head, bkpsdm):
    plan_return(actor=head, plan=submitted, reason="Kurangi biaya butir 1.")
    notices = _notices("returned")
    assert [n.user_id for n in notices] == [bkpsdm.pk]
    assert notices[0].params["reason"] == "Kurangi biaya butir 1."
    rendered = notice_render(notices[0], language="en")
    assert "Kurangi biaya butir 1." in rendered.body


def test_approvers_by_group_and_superusers_are_told(draft, bkpsdm, competency, opd_a, staff_a):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Kepala daerah")
    group.permissions.add(Permission.objects.get(codename="approve_developmentplan"))
    by_group = UserFactory()
    by_group.groups.add(group)
    root = UserFactory(is_superuser=True)
    UserFactory(is_superuser=True, is_active=False)
    plan_item_save(actor=bkpsdm, item=make_item(draft, competency=competency, target_unit=opd_a))
    plan_submit(actor=bkpsdm, plan=draft)
    assert {n.user_id for n in _notices("submitted")} == {by_group.pk, root.pk}
