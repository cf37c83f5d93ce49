"""A real Celery worker on a real broker. The worker is a separate process, so it needs
a database it can share with the test (PostgreSQL): on SQLite, or without a reachable
broker, these tests skip with the reason, and fail instead when REQUIRE_SERVICES=1 (CI)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.db import transaction

import pytest

from accounts.models import User
from accounts.services import user_create
from tests.conftest import service_unavailable as _unavailable

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broker_url() -> str:
    from kombu import Connection

    url = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001 - any transport error means "no broker"
        _unavailable(f"no Celery broker reachable at {url} ({exc.__class__.__name__})")
    return url


@pytest.fixture
def worker_env() -> dict[str, str]:
    """Extra environment for the worker; a test parametrizes it to change settings."""
    return {}


@pytest.fixture
def celery_worker(broker_url, shared_database_url, tmp_path, worker_env):
    """Starts `celery worker` on a queue of its own and points this process's Celery app
    at the same broker and queue, with eager mode off."""
    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:10]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": shared_database_url,
        "CELERY_BROKER_URL": broker_url,
        **worker_env,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
        "--queues", queue, "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--loglevel", "INFO", "--logfile", str(log),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.broker_url = broker_url
    app.conf.task_default_queue = queue
    try:
        yield log
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.task_default_queue = saved
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_for(predicate, *, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    pytest.fail(
        "the worker did not run the task in time. Worker log:\n"
        + (log.read_text() if log.exists() else "(no log)")
    )


def test_task_queued_after_commit_runs_in_a_real_worker(celery_worker):
    user = user_create(email="pekerja@uji.example")  # queues the invitation on commit

    _wait_for(
        lambda: User.objects.get(pk=user.pk).invitation_sent_at is not None,
        timeout=60,
        log=celery_worker,
    )


def test_task_of_a_rolled_back_transaction_never_runs(celery_worker):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        user_create(email="batal@uji.example")
        raise Abort

    committed = user_create(email="jadi@uji.example")
    _wait_for(
        lambda: User.objects.get(pk=committed.pk).invitation_sent_at is not None,
        timeout=60,
        log=celery_worker,
    )
    assert not User.objects.filter(email="batal@uji.example").exists()
    assert "batal@uji.example" not in celery_worker.read_text()


def _other_backends() -> dict[int, object]:
    """PostgreSQL backends on the test database other than this process's: pid -> start."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return dict(cursor.fetchall())


@pytest.mark.parametrize("worker_env", [{"DJANGO_CONN_MAX_AGE": "60"}])
def test_the_worker_keeps_its_database_connection_between_tasks(celery_worker):
    """Celery's Django fix-up would close it around every task: a new PostgreSQL backend
    per certificate (config/celery.py, bench/NOTES.md)."""
    first = user_create(email="pertama@uji.example")
    _wait_for(
        lambda: User.objects.get(pk=first.pk).invitation_sent_at is not None,
        timeout=60,
        log=celery_worker,
    )
    time.sleep(0.5)  # past the task's end, where the fix-up would close the connection
    after_first = _other_backends()

    second = user_create(email="kedua@uji.example")
    _wait_for(
        lambda: User.objects.get(pk=second.pk).invitation_sent_at is not None,
        timeout=60,
        log=celery_worker,
    )
    time.sleep(0.5)
    after_second = _other_backends()

    assert after_first, "the worker closed its connection after the first task"
    assert set(after_first.items()) & set(after_second.items()), (
        "the second task ran on a new connection"
    )
