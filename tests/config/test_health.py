from __future__ import annotations

import json

from django.db import OperationalError, connection

import pytest

from tests.conftest import service_unavailable

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
        service_unavailable(f"no broker at {url}")
    settings.CELERY_TASK_ALWAYS_EAGER = False

    body = client.get("/health/").json()

    assert body["checks"]["broker"] == {"ok": True, "mode": "broker"}


def test_health_is_an_error_while_migrations_are_not_applied(client, monkeypatch):
    from django.db.migrations.recorder import MigrationRecorder

    from config import views

    monkeypatch.setattr(views, "_migrated", False)
    MigrationRecorder(connection).migration_qs.filter(
        app="lms", name="0010_worker_heartbeat"
    ).delete()

    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["unapplied_migrations"] >= 1


def _not_eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # unreachable: degraded anyway


def test_health_is_degraded_when_no_worker_ever_beat(client, settings):
    _not_eager(settings)

    body = client.get("/health/").json()

    assert body["status"] == "degraded"
    assert body["checks"]["worker"] == {"ok": False, "error": "no heartbeat"}


def test_health_reports_a_recent_worker_heartbeat_and_a_stale_one(client, settings):
    import datetime

    from django.utils import timezone

    from lms.models import WorkerHeartbeat
    from lms.tasks import worker_heartbeat_record

    _not_eager(settings)
    settings.HEALTH_CHECK_WORKER_MAX_AGE_MINUTES = 5
    worker_heartbeat_record.apply()
    worker_heartbeat_record.apply()  # twice: still one row per worker

    assert client.get("/health/").json()["checks"]["worker"]["ok"] is True
    assert WorkerHeartbeat.objects.count() == 1

    WorkerHeartbeat.objects.update(beat_at=timezone.now() - datetime.timedelta(minutes=6))
    body = client.get("/health/").json()

    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["age_seconds"] >= 6 * 60


def test_health_answers_json_when_a_check_itself_fails(client, monkeypatch):
    from config import views

    def broken() -> dict:
        raise RuntimeError("a bug in a check")

    monkeypatch.setattr(views, "_check_cache", broken)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {}, "error": "RuntimeError"}


def test_an_error_before_the_health_view_still_answers_json(rf):
    from config.views import server_error

    response = server_error(rf.get("/health/"))

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["status"] == "error"
