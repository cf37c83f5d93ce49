"""The outbound webhook (docs/api.md): every training-record change is POSTed as JSON to
settings.API_WEBHOOK_URL, signed with HMAC-SHA256 under settings.API_WEBHOOK_SECRET.

competencies.services.records calls `record_changed` after commit; it queues `webhook_deliver`, so a request never waits for the receiver. The task
retries with exponential backoff; each change has one delivery id (sent as
X-Portal-Delivery and inside the body) that stays the same across retries, so the
receiver can drop duplicates."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from celery import shared_task

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Portal-Signature"
TIMESTAMP_HEADER = "X-Portal-Timestamp"
DELIVERY_HEADER = "X-Portal-Delivery"
EVENT = "training_record.changed"


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>." + body)."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def webhook_payload(
    *, record_id: int, delivery_id: str, occurred_at: str | None = None
) -> dict[str, Any] | None:
    """The body: the record as /api/v1/training-records/ shows it (its state when the
    delivery is made), plus its SIASN row. None when the record has gone."""
    from competencies.api import TrainingRecordSerializer
    from competencies.models import TrainingRecord
    from competencies.siasn import siasn_kursus_row

    record = TrainingRecord.objects.select_related("employee__user").filter(pk=record_id).first()
    if record is None:
        return None
    return {
        "event": EVENT,
        "delivery_id": delivery_id,
        "occurred_at": occurred_at or timezone.now().isoformat(),
        "record": TrainingRecordSerializer(record).data,
        "siasn_kursus": siasn_kursus_row(record),
    }


def record_changed(*, record_id: int) -> None:
    """Called by competencies.services.records after a record change commits."""
    if not settings.API_WEBHOOK_URL:
        return
    if not settings.API_WEBHOOK_SECRET:
        logger.error("API_WEBHOOK_URL is set without API_WEBHOOK_SECRET: nothing is sent")
        return
    from kombu.exceptions import OperationalError as BrokerError

    try:
        webhook_deliver.delay(
            record_id=record_id,
            delivery_id=uuid.uuid4().hex,
            occurred_at=timezone.now().isoformat(),
        )
    except (BrokerError, ConnectionError, OSError):
        # The change is committed; a broker outage must not turn it into an error page.
        # Receivers reconcile with /api/v1/training-records/?updated_since= (docs/api.md).
        logger.exception("Could not queue the webhook for training record %s", record_id)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """urllib would follow a 301/302 by turning the POST into a GET without the body and
    count its 2xx as delivered: a redirect is an error here (the receiver's URL is
    wrong), logged and not retried."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, f"redirect to {newurl}", headers, fp)


_opener = urllib.request.build_opener(_NoRedirects)


class WebhookDeliveryError(Exception):
    pass


@shared_task(
    # Named by its first home so that queued deliveries survive the move (pinned in
    # tests/config/test_celery_task_names.py).
    name="config.api.webhooks.webhook_deliver",
    bind=True,
    autoretry_for=(WebhookDeliveryError,),
    retry_backoff=30,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=8,
)
def webhook_deliver(
    self, *, record_id: int, delivery_id: str, occurred_at: str | None = None
) -> int | None:
    """POSTs one change. A 2xx answer ends it; a network error or a 5xx/429 retries
    (30 s, 1 min, 2 min … up to 1 h apart); another 4xx is logged and dropped."""
    url, secret = settings.API_WEBHOOK_URL, settings.API_WEBHOOK_SECRET
    if not url or not secret:  # an unsigned body would be worthless to the receiver
        return None
    payload = webhook_payload(record_id=record_id, delivery_id=delivery_id, occurred_at=occurred_at)
    if payload is None:
        return None
    body = json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 - the URL is an administrator's setting
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "asn-portal-webhook/1",
            DELIVERY_HEADER: delivery_id,
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: webhook_signature(secret=secret, timestamp=timestamp, body=body),
        },
    )
    try:
        with _opener.open(request, timeout=settings.API_WEBHOOK_TIMEOUT) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code == 429:
            raise WebhookDeliveryError(f"HTTP {exc.code}") from exc
        logger.warning("Webhook %s refused delivery %s: HTTP %s", url, delivery_id, exc.code)
        return exc.code
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise WebhookDeliveryError(str(exc)) from exc
