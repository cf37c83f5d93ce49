from __future__ import annotations

from django.db import OperationalError, connection

import pytest

pytestmark = pytest.mark.django_db


def test_health_reports_ok_when_everything_answers(client):
    response = client.get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True
    assert body["checks"]["broker"] == {"ok": True, "mode": "eager"}
    assert response["Cache-Control"].startswith("max-age=0")


def _database_down(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


def test_health_returns_503_when_the_database_is_down(client):
    with connection.execute_wrapper(_database_down):
        response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}


def test_health_is_degraded_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Port 9 (discard) on loopback: nothing listens there, so the connection is refused.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"

    response = client.get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["ok"] is False


def test_health_reaches_a_real_broker_when_not_eager(client, settings):
    from kombu import Connection

    url = settings.CELERY_BROKER_URL
    try:
        with Connection(url, connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
    except Exception:  # noqa: BLE001
        pytest.skip(f"no broker at {url}")
    settings.CELERY_TASK_ALWAYS_EAGER = False

    body = client.get("/health/").json()

    assert body["checks"]["broker"] == {"ok": True, "mode": "broker"}
