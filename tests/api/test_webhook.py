from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from celery.exceptions import Retry

from accounts.roles import Role
from competencies.services.records import training_record_approve
from competencies.webhooks import webhook_deliver, webhook_signature
from tests.api.conftest import make_record
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "rahasia-webhook"


@pytest.fixture
def receiver():
    """A real HTTP server on localhost that records what it receives."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        status = 200

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"headers": dict(self.headers), "body": body})
            self.send_response(type(self).status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received, Handler
    server.shutdown()


@pytest.fixture
def webhook_on(settings, receiver):
    url, _received, _handler = receiver
    settings.API_WEBHOOK_URL = url
    settings.API_WEBHOOK_SECRET = SECRET


def test_an_approval_posts_a_signed_body_after_commit(
    webhook_on, receiver, employee, django_capture_on_commit_callbacks
):
    _url, received, _handler = receiver
    record = make_record(employee, status="submitted")
    manager = UserFactory(roles=[Role.PENGELOLA_SDM])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        training_record_approve(actor=manager, record=record)
    assert received == []  # nothing is sent inside the request's transaction
    for callback in callbacks:
        callback()

    assert len(received) == 1
    headers, body = received[0]["headers"], received[0]["body"]
    expected = hmac.new(
        SECRET.encode(), headers["X-Portal-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Portal-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["event"] == "training_record.changed"
    assert payload["delivery_id"] == headers["X-Portal-Delivery"]
    assert payload["record"]["id"] == record.pk
    assert payload["record"]["status"] == "approved"
    assert payload["siasn_kursus"]["tanggalSelesaiKursus"] == "05-03-2026"


def test_no_url_means_nothing_is_queued(
    settings, employee, django_capture_on_commit_callbacks, monkeypatch
):
    queued: list[dict] = []
    monkeypatch.setattr(webhook_deliver, "delay", lambda **kwargs: queued.append(kwargs))
    settings.API_WEBHOOK_SECRET = SECRET
    manager = UserFactory(roles=[Role.PENGELOLA_SDM])

    settings.API_WEBHOOK_URL = ""
    without_url = make_record(employee, status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        training_record_approve(actor=manager, record=without_url)
    assert queued == []

    # The same approval with a URL queues one delivery: the stub above is the real seam.
    settings.API_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    with_url = make_record(employee, status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        training_record_approve(actor=manager, record=with_url)
    assert [call["record_id"] for call in queued] == [with_url.pk]


def test_a_server_error_is_retried_with_the_same_delivery_id(webhook_on, receiver, employee):
    _url, received, handler = receiver
    handler.status = 503
    record = make_record(employee)

    with pytest.raises(Retry):
        webhook_deliver.apply(kwargs={"record_id": record.pk, "delivery_id": "abc123"})

    assert len(received) == 1
    assert {r["headers"]["X-Portal-Delivery"] for r in received} == {"abc123"}


def test_a_client_error_is_not_retried(webhook_on, receiver, employee):
    _url, received, handler = receiver
    handler.status = 410
    record = make_record(employee)
    assert webhook_deliver.run(record_id=record.pk, delivery_id="d1") == 410
    assert len(received) == 1


def test_signature_recipe_from_the_docs():
    body = b'{"event":"training_record.changed"}'
    signature = webhook_signature(secret="s3cret", timestamp="1700000000", body=body)
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature == f"sha256={expected}"


def test_a_redirect_is_not_followed_and_not_counted_as_delivered(webhook_on, receiver, employee):
    _url, received, handler = receiver
    handler.status = 302  # no Location needed: urllib must not follow it at all
    record = make_record(employee)

    assert webhook_deliver.run(record_id=record.pk, delivery_id="r1") == 302
    assert len(received) == 1


def test_an_approval_succeeds_when_the_broker_is_down(
    webhook_on, broker_down, employee, django_capture_on_commit_callbacks, caplog
):
    record = make_record(employee, status="submitted")

    with django_capture_on_commit_callbacks(execute=True):
        training_record_approve(actor=UserFactory(roles=[Role.PENGELOLA_SDM]), record=record)

    record.refresh_from_db()
    assert record.status == "approved"
    assert "Could not queue the webhook" in caplog.text
