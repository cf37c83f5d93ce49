from __future__ import annotations

import datetime
import smtplib

from celery import shared_task


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def user_invitation_send(user_id: int, requested_at: str) -> bool:
    from accounts.services import user_invitation_send as service

    return service(user_id=user_id, requested_at=datetime.datetime.fromisoformat(requested_at))
