from __future__ import annotations

import datetime
import smtplib

from celery import Task, shared_task


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def user_invitation_send(user_id: int, requested_at: str) -> bool:
    from accounts.services import user_invitation_send as service

    return service(user_id=user_id, requested_at=datetime.datetime.fromisoformat(requested_at))


# A batch larger than this is split into tasks of this size, so that no single task
# comes near the Celery time limits when the SMTP server is slow.
INVITATION_BATCH_SIZE = 200


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def user_invitations_send_batch(user_ids: list[int], requested_at: str) -> int:
    """Invites every account created by one import. Safe to run twice, and a retry after
    a failure part-way sends only the invitations still missing, because the per-user
    service skips anyone already invited for this request. Returns how many were sent
    by this task (0 when it split a large batch into smaller tasks)."""
    if len(user_ids) > INVITATION_BATCH_SIZE:
        for start in range(0, len(user_ids), INVITATION_BATCH_SIZE):
            user_invitations_send_batch.delay(
                user_ids[start : start + INVITATION_BATCH_SIZE], requested_at
            )
        return 0

    from accounts.services import user_invitation_send as service

    requested = datetime.datetime.fromisoformat(requested_at)
    return sum(service(user_id=user_id, requested_at=requested) for user_id in user_ids)


class _MarkFailedOnFailure(Task):
    """After the last retry, the e-mail is marked failed; the in-app notice stays."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from accounts.services import notification_email_failed

        notification_email_failed(notification_id=args[0] if args else kwargs["notification_id"])


@shared_task(
    base=_MarkFailedOnFailure,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def notification_email_send(notification_id: int) -> bool:
    from accounts.services import notification_email_send as service

    return service(notification_id=notification_id)


@shared_task
def notification_emails_send_pending(limit: int = 5000) -> int:
    """Sends the e-mails of pending notices, oldest first (after a bulk notify, and every
    few minutes from beat as a safety net). Each send is idempotent, so overlapping runs
    do no harm. Returns how many were sent."""
    from accounts.models import Notification
    from accounts.services import notification_email_send as service

    ids = list(
        Notification.objects.filter(email_status=Notification.EmailStatus.PENDING)
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    sent = 0
    for notification_id in ids:
        try:
            sent += service(notification_id=notification_id)
        except (smtplib.SMTPException, ConnectionError, TimeoutError):
            break  # the mail server is down: leave the rest pending for the next run
    return sent
