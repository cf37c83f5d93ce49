"""Work queued after commit never turns a saved change into an error page when the
broker is down (config.celery.enqueue_on_commit); the periodic sweeps pick it up."""

from __future__ import annotations

import pytest

from accounts.models import Notification, NotificationKind
from accounts.services import notify
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_a_notice_is_kept_and_its_email_stays_pending_when_the_broker_is_down(
    broker_down, django_capture_on_commit_callbacks, caplog
):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        notice = notify(
            user=user, kind=NotificationKind.REMINDER, params={"course": "Pelayanan Prima"}
        )

    assert notice is not None
    notice.refresh_from_db()
    assert notice.email_status == Notification.EmailStatus.PENDING
    assert "Could not queue" in caplog.text
