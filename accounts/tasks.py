from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Callable

from django.db import InterfaceError, OperationalError

from celery import Task, shared_task
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

# Transient: the mail server, the database (without retries a 10-second restart loses
# about a third of 10,000 invitations) or the broker (a batch queuing its parts) briefly
# away. The retries are bounded; what is still owed after them, the sweeps send
# (docs/deployment.md).
TRANSIENT_ERRORS = (
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
    OperationalError,
    InterfaceError,
    BrokerError,
)


def _is_permanent(exc: Exception) -> bool:
    """A refusal that no retry changes: the recipient refused, a 5xx reply to this
    message, or an error that is not transient at all. A 5xx about the sender or the
    login concerns every message, so it stays transient (retried, nothing marked)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in exc.recipients.values()]
        return not codes or any(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError):
        return False
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return not isinstance(exc, TRANSIENT_ERRORS)


def _send_each(
    ids: list[int], send: Callable[[int], bool], failed: Callable[[int], None], what: str
) -> int:
    """Sends each item on its own: a permanent failure marks that item failed and the
    batch carries on; the first transient error is raised once the rest are sent, so
    the task's retry sends only what is still missing. Returns how many were sent."""
    sent = 0
    transient: Exception | None = None
    for item_id in ids:
        try:
            sent += send(item_id)
        except Exception as exc:  # noqa: BLE001 - sorted below, transient ones re-raised
            if not _is_permanent(exc):
                transient = transient or exc
                continue
            logger.warning("%s %s refused for good, marked failed: %r", what, item_id, exc)
            failed(item_id)
    if transient is not None:
        raise transient
    return sent


@shared_task(
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=8,
)
def user_invitation_send(user_id: int, requested_at: str) -> bool:
    from accounts.services import user_invitation_send as service

    return service(user_id=user_id, requested_at=datetime.datetime.fromisoformat(requested_at))


# A batch larger than this is split into tasks of this size, so that no single task
# comes near the Celery time limits when the SMTP server is slow.
INVITATION_BATCH_SIZE = 200


@shared_task(
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=8,
)
def user_invitations_send_batch(
    user_ids: list[int], requested_at: str, owed_only: bool = False
) -> int:
    """Invites every account created by one import (or owed, from the sweep), over one
    e-mail connection. Safe to run twice, and a retry after a failure part-way (the
    database restarting, the mail server away) sends only the invitations still missing,
    because the per-user service skips anyone already invited. Returns how many were
    sent by this task (0 when it split a large batch into smaller tasks)."""
    if len(user_ids) > INVITATION_BATCH_SIZE:
        for start in range(0, len(user_ids), INVITATION_BATCH_SIZE):
            user_invitations_send_batch.delay(
                user_ids[start : start + INVITATION_BATCH_SIZE], requested_at, owed_only
            )
        return 0

    from django.core.mail import get_connection

    from accounts.services import user_invitation_failed
    from accounts.services import user_invitation_send as service

    requested = datetime.datetime.fromisoformat(requested_at)
    with get_connection() as email_connection:
        return _send_each(
            user_ids,
            lambda user_id: service(
                user_id=user_id,
                requested_at=requested,
                email_connection=email_connection,
                owed_only=owed_only,
            ),
            lambda user_id: user_invitation_failed(user_id=user_id),
            "Invitation for user",
        )


@shared_task(autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, max_retries=3)
def user_invitations_sweep(limit: int = 5000) -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): queues, in batches, every invitation still
    owed (User.invitation_sweep_at due: the on-commit task was lost, or ran out of
    retries). Each batch is leased for a few minutes once queued, so a queue backlog is
    not queued again each minute. Sending is idempotent. Returns how many were queued."""
    from django.utils import timezone

    from accounts.services import user_invitations_lease, user_invitations_owed_ids

    ids = user_invitations_owed_ids(limit=limit)
    requested_at = timezone.now().isoformat()
    for start in range(0, len(ids), INVITATION_BATCH_SIZE):
        batch = ids[start : start + INVITATION_BATCH_SIZE]
        user_invitations_send_batch.delay(batch, requested_at, True)
        user_invitations_lease(user_ids=batch)
    if ids:
        logger.info("user_invitations_sweep queued %s owed invitations", len(ids))
    return len(ids)


class _MarkFailedOnFailure(Task):
    """After the last retry, the e-mail is marked failed; the in-app notice stays."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from accounts.services import notification_email_failed

        notification_email_failed(notification_id=args[0] if args else kwargs["notification_id"])


@shared_task(
    base=_MarkFailedOnFailure,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def notification_email_send(notification_id: int) -> bool:
    from accounts.services import notification_email_send as service

    return service(notification_id=notification_id)


# One task sent 5,000 e-mails in 244-266 s against a 300 s soft limit; a batch of this
# size takes seconds, and each opens one connection to the mail server.
NOTIFICATION_EMAIL_BATCH_SIZE = 200


@shared_task(autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, max_retries=5)
def notification_emails_send_batch(notification_ids: list[int]) -> int:
    """Sends these notices' pending e-mails over one connection. Safe to run twice (only
    a pending notice is sent, under its row lock); a retry after a failure part-way
    sends only the rest. What is still pending after the retries, the sweep queues
    again once the lease ends. Returns how many were sent."""
    from django.core.mail import get_connection

    from accounts.services import notification_email_failed
    from accounts.services import notification_email_send as service

    with get_connection() as email_connection:
        return _send_each(
            notification_ids,
            lambda notification_id: service(
                notification_id=notification_id, email_connection=email_connection
            ),
            lambda notification_id: notification_email_failed(notification_id=notification_id),
            "E-mail of notification",
        )


@shared_task(autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, max_retries=3)
def notification_emails_send_pending(limit: int = 5000) -> int:
    """The e-mail sweep (after a bulk notify, and every minute from beat): queues the
    pending e-mails, oldest first, in batches (notification_emails_send_batch). A batch
    once queued is leased for a few minutes, so a backlog is not queued twice. Returns
    how many e-mails were queued."""
    from accounts.services import notification_emails_lease, notification_emails_pending_ids

    ids = notification_emails_pending_ids(limit=limit)
    for start in range(0, len(ids), NOTIFICATION_EMAIL_BATCH_SIZE):
        batch = ids[start : start + NOTIFICATION_EMAIL_BATCH_SIZE]
        notification_emails_send_batch.delay(batch)
        notification_emails_lease(notification_ids=batch)
    return len(ids)
