"""One refused address does not hold up the rest of its e-mail batch: the others are
sent, the refused one is marked (a notice's e-mail failed, an invitation no longer
owed), so the sweep does not build the same batch around it again; a transient error
is raised only after the rest went out, so the retry sends only what is missing."""

from __future__ import annotations

import datetime
import smtplib

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

import pytest

from accounts import tasks
from accounts.models import Notification, NotificationKind, User
from accounts.services import notify_many, user_create
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

PARAMS = {"course": "Pelayanan Prima", "due": "31 Desember 2026", "reason": ""}
REFUSED = "ditolak@uji.example"
AWAY = "sibuk@uji.example"


class RefusingBackend(EmailBackend):
    """locmem, but the server refuses one address for good and one for now."""

    def send_messages(self, messages):
        for message in messages:
            if REFUSED in message.to:
                raise smtplib.SMTPRecipientsRefused({REFUSED: (550, b"5.1.1 No such user")})
            if AWAY in message.to:
                raise smtplib.SMTPResponseException(421, b"4.3.2 Try again later")
        return super().send_messages(messages)


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_email_batches.RefusingBackend"


def _notices(*emails: str) -> list[int]:
    notify_many(
        users=[UserFactory(email=email) for email in emails],
        kind=NotificationKind.ASSIGNMENT_NEW,
        params=PARAMS,
        dedupe_prefix="a:batch",
    )
    return list(Notification.objects.order_by("pk").values_list("pk", flat=True))


def _owed_invitations(django_capture_on_commit_callbacks, *emails: str) -> list[int]:
    with django_capture_on_commit_callbacks():  # the on-commit tasks never run
        users = [user_create(email=email) for email in emails]
    User.objects.filter(pk__in=[u.pk for u in users]).update(
        invitation_sweep_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    return [u.pk for u in users]


def test_notification_batch_sends_the_rest_and_marks_a_refused_address_failed(refusing):
    ids = _notices(REFUSED, "a@uji.example", "b@uji.example")

    assert tasks.notification_emails_send_batch(ids) == 2

    assert sorted(m.to[0] for m in mail.outbox) == ["a@uji.example", "b@uji.example"]
    refused = Notification.objects.get(user__email=REFUSED)
    assert refused.email_status == Notification.EmailStatus.FAILED
    assert tasks.notification_emails_send_batch(ids) == 0
    assert tasks.notification_emails_send_pending() == 0
    assert len(mail.outbox) == 2


def test_notification_batch_raises_a_transient_error_after_sending_the_rest(refusing):
    ids = _notices(AWAY, "a@uji.example", REFUSED)

    with pytest.raises(smtplib.SMTPResponseException):
        tasks.notification_emails_send_batch(ids)

    assert [m.to[0] for m in mail.outbox] == ["a@uji.example"]
    away = Notification.objects.get(user__email=AWAY)
    assert away.email_status == Notification.EmailStatus.PENDING  # the retry sends it
    assert Notification.objects.get(user__email=REFUSED).email_status == (
        Notification.EmailStatus.FAILED
    )


def test_invitation_batch_sends_the_rest_and_stops_owing_a_refused_address(
    refusing, django_capture_on_commit_callbacks
):
    ids = _owed_invitations(
        django_capture_on_commit_callbacks, REFUSED, "a@uji.example", "b@uji.example"
    )
    requested_at = timezone.now().isoformat()

    assert tasks.user_invitations_send_batch(ids, requested_at, True) == 2

    assert sorted(m.to[0] for m in mail.outbox) == ["a@uji.example", "b@uji.example"]
    refused = User.objects.get(email=REFUSED)
    assert refused.invitation_sweep_at is None
    assert refused.invitation_sent_at is None
    assert tasks.user_invitations_send_batch(ids, requested_at, True) == 0
    assert tasks.user_invitations_sweep() == 0
    assert len(mail.outbox) == 2


def test_invitation_batch_raises_a_transient_error_after_sending_the_rest(
    refusing, django_capture_on_commit_callbacks
):
    ids = _owed_invitations(django_capture_on_commit_callbacks, AWAY, "a@uji.example")

    with pytest.raises(smtplib.SMTPResponseException):
        tasks.user_invitations_send_batch(ids, timezone.now().isoformat(), True)

    assert [m.to[0] for m in mail.outbox] == ["a@uji.example"]
    assert User.objects.get(email=AWAY).invitation_sweep_at is not None  # still owed
