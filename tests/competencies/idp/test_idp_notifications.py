"""Issue 18: the IDP workflow tells the other side, through the portal's notifications
(in-app, and e-mail in the recipient's language), once per event."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core import mail
from django.utils import timezone, translation

import pytest

from accounts.models import Notification, NotificationKind
from accounts.notifications import notice_render
from accounts.services import notification_email_send
from competencies.models import IdpActivity
from competencies.services.idp import (
    coaching_session_log,
    idp_activity_add,
    idp_agree,
    idp_create,
    idp_propose,
    idp_reopen,
)

pytestmark = pytest.mark.django_db


def _ready(line):
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    for goal in idp.goals.all():
        idp_activity_add(
            actor=line.employee.user, goal=goal, kind=IdpActivity.Kind.COACHING,
            coach=line.coach, target_date=datetime.date(line.year, 12, 31),
            expected_jp=Decimal(4),
        )  # fmt: skip
    return idp


def _notices(user, event: str):
    return [
        n
        for n in Notification.objects.filter(user=user, kind=NotificationKind.IDP)
        if n.params.get("event") == event
    ]


def test_proposed_plan_tells_the_supervisor_once(line):
    idp = _ready(line)
    idp_propose(actor=line.employee.user, idp=idp)
    idp_propose(actor=line.employee.user, idp=idp)  # a double click

    notices = _notices(line.supervisor.user, "proposed")
    assert len(notices) == 1
    assert notices[0].url.endswith(f"/learning/idp/{idp.pk}/")
    assert not _notices(line.employee.user, "proposed")
    with translation.override("en"):
        rendered = notice_render(notices[0], language="en")
    assert str(line.year) in rendered.title and "proposed" in rendered.title
    assert line.employee.display_name in rendered.body


def test_agreed_plan_tells_the_employee_once_in_their_language(line):
    idp = _ready(line)
    idp_propose(actor=line.employee.user, idp=idp)
    line.employee.user.preferred_language = "id"
    line.employee.user.save()
    idp_agree(actor=line.supervisor.user, idp=idp)
    idp_agree(actor=line.supervisor.user, idp=idp)  # a double click

    notices = _notices(line.employee.user, "agreed")
    assert len(notices) == 1
    mail.outbox.clear()
    assert notification_email_send(notification_id=notices[0].pk)
    assert len(mail.outbox) == 1
    assert "disetujui" in mail.outbox[0].subject.lower()


def test_plan_sent_back_by_the_supervisor_tells_the_employee(line):
    idp = _ready(line)
    idp_propose(actor=line.employee.user, idp=idp)
    idp_reopen(actor=line.supervisor.user, idp=idp)
    idp_reopen(actor=line.supervisor.user, idp=idp)  # a double click: already a draft

    assert len(_notices(line.employee.user, "returned")) == 1
    # The employee reopening their own plan tells nobody that it was returned.
    idp_propose(actor=line.employee.user, idp=idp)
    idp_reopen(actor=line.employee.user, idp=idp)
    assert len(_notices(line.employee.user, "returned")) == 1
    assert not _notices(line.supervisor.user, "returned")


def test_coaching_session_waiting_tells_the_supervisor_once(line):
    idp = _ready(line)
    idp_propose(actor=line.employee.user, idp=idp)
    idp_agree(actor=line.supervisor.user, idp=idp)
    activity = IdpActivity.objects.filter(goal__idp=idp).first()
    session = coaching_session_log(
        actor=line.employee.user, activity=activity,
        date=min(timezone.localdate(), datetime.date(line.year, 6, 1)), topic="Analisis data",
        notes="pribadi",
    )  # fmt: skip

    notices = _notices(line.supervisor.user, "session_waiting")
    assert len(notices) == 1
    assert notices[0].params["topic"] == "Analisis data"
    assert "pribadi" not in str(notices[0].params)  # the notes stay private
    # The same session notified again (a retried request) adds nothing.
    from competencies.services.development_notices import coaching_session_waiting_notify

    coaching_session_waiting_notify(session=session, actor=line.employee.user)
    assert len(_notices(line.supervisor.user, "session_waiting")) == 1
