"""Redis stops while the worker runs a task: the worker must not die ("Unrecoverable error"
in kombu's Redis transport) but wait for the broker, reconnect, and take new work once Redis
is back. Nothing restarts it in this test, so a worker that only survives under systemd's
Restart=always fails here."""

from __future__ import annotations

import pytest

from tests.fault.conftest import wait_for

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("_database_as_migrated"),
]


def test_the_worker_survives_redis_stopping_under_a_running_task(own_redis, workers, tmp_path):
    from config.celery import app
    from tests.fault.conftest import _forget_connections
    from tests.fault.tasks import slow_marker

    worker = workers.start(pool="prefork", concurrency=2)
    started, finished = tmp_path / "first.started", tmp_path / "first.finished"
    slow_marker.delay(started=str(started), finished=str(finished), seconds=8)
    wait_for(started.exists, timeout=60, what="the task to start", logs=workers.logs)

    own_redis.stop()
    wait_for(finished.exists, timeout=60, what="the task to finish", logs=workers.logs)
    log = workers.logs[0]
    wait_for(
        lambda: "lost" in log.read_text() or worker.poll() is not None,
        timeout=60,
        what="the worker to notice the outage",
        logs=workers.logs,
    )
    own_redis.start()
    assert worker.poll() is None, log.read_text()

    _forget_connections(app)  # this process's pooled connection went with the old Redis
    again_started, again = tmp_path / "second.started", tmp_path / "second.finished"
    slow_marker.delay(started=str(again_started), finished=str(again), seconds=0)
    wait_for(again.exists, timeout=90, what="the worker to take new work", logs=workers.logs)
    assert worker.poll() is None, log.read_text()


def test_health_says_degraded_once_the_worker_is_gone(own_redis, workers, settings):
    """The worker's heartbeat (queued by beat every minute) keeps /health/ "ok"; after
    the worker is killed no heartbeat follows, and once the last one is older than
    HEALTH_CHECK_WORKER_MAX_AGE_MINUTES /health/ says "degraded"."""
    import datetime

    from django.test import Client
    from django.utils import timezone

    from lms.models import WorkerHeartbeat
    from lms.tasks import worker_heartbeat_record

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = own_redis.url
    worker = workers.start()
    worker_heartbeat_record.delay()
    wait_for(WorkerHeartbeat.objects.exists, timeout=60, what="the heartbeat", logs=workers.logs)
    body = Client().get("/health/").json()
    assert body["status"] == "ok", body
    assert body["checks"]["worker"]["ok"] is True

    workers.kill(worker)
    # The minutes without a heartbeat, without waiting for them.
    stale = timezone.now() - datetime.timedelta(
        minutes=settings.HEALTH_CHECK_WORKER_MAX_AGE_MINUTES + 1
    )
    WorkerHeartbeat.objects.update(beat_at=stale)

    response = Client().get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["worker"]["ok"] is False
