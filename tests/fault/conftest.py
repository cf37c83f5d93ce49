"""Fault tolerance: real Celery workers on a Redis server of the test's own, which the
tests stop, restart and kill. Marked `services`, like tests/config/test_celery_worker.py:
they need PostgreSQL (the worker is another process and must share the test database)
and `redis-server` on the PATH; without them they skip with the reason, and with
REQUIRE_SERVICES=1 (CI) they fail instead.

The shared Redis on 6379 is never touched: each test starts `redis-server` on a free
port and stops it at the end."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import service_unavailable as _unavailable

ROOT = Path(__file__).resolve().parents[2]
WORKER_SETTINGS = "tests.fault.worker_settings"


def wait_for(predicate: Callable[[], bool], *, timeout: float, what: str, logs=()) -> None:
    """Polls `predicate` until it holds; fails with the worker logs after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    text = "\n".join(
        f"--- {log} ---\n{log.read_text() if log.exists() else '(no log)'}" for log in logs
    )
    pytest.fail(f"timed out waiting for {what}.\n{text}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class OwnRedis:
    """A redis-server of the test's own (no persistence), which it may stop and start."""

    port: int
    directory: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            shutil.which("redis-server") or "redis-server", "--port", str(self.port),
            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(self.directory), "--logfile", str(self.directory / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command)
        wait_for(self.is_up, timeout=15, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None

    def is_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def own_redis(shared_database_url, tmp_path) -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        _unavailable("redis-server is not installed (apt-get install redis-server)")
    redis = OwnRedis(port=_free_port(), directory=tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@dataclass
class Workers:
    """Starts real `celery worker` processes (solo pool) on one queue of the test's own,
    and points this process's Celery app at the same broker and queue, eager mode off."""

    broker_url: str
    database_url: str
    directory: Path
    queue: str = field(default_factory=lambda: f"fault-{uuid.uuid4().hex[:10]}")
    processes: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def start(self, *, pool: str = "solo", concurrency: int = 1) -> subprocess.Popen:
        log = self.directory / f"worker-{len(self.logs) + 1}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS,
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "FAULT_TEST_QUEUE": self.queue,
        }
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", pool,
            "--concurrency", str(concurrency), "--queues", self.queue, "--without-gossip",
            "--without-mingle", "--without-heartbeat", "--loglevel", "INFO", "--logfile", str(log),
        ]  # fmt: skip
        process = subprocess.Popen(command, cwd=ROOT, env=env)
        self.processes.append(process)
        self.logs.append(log)
        wait_for(
            lambda: log.exists() and " ready." in log.read_text(),
            timeout=60,
            what="the Celery worker to start",
            logs=self.logs,
        )
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """kill -9: no warm shutdown, the task in hand stays unacknowledged."""
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=15)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


@pytest.fixture
def workers(own_redis, shared_database_url, tmp_path) -> Iterator[Workers]:
    from config.celery import app

    pool = Workers(broker_url=own_redis.url, database_url=shared_database_url, directory=tmp_path)
    saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.task_default_queue)
    saved_write_url = app.conf.get("broker_write_url")
    app.conf.task_always_eager = False
    app.conf.broker_url = own_redis.url
    # Celery prefers the CELERY_BROKER_URL environment variable (set in CI) over
    # conf.broker_url; the write URL, which publishing uses, takes the setting first.
    app.conf.broker_write_url = own_redis.url
    app.conf.task_default_queue = pool.queue
    _forget_connections(app)
    try:
        yield pool
    finally:
        pool.stop_all()
        app.conf.task_always_eager, app.conf.broker_url, app.conf.task_default_queue = saved
        app.conf.broker_write_url = saved_write_url
        _forget_connections(app)


def _forget_connections(app) -> None:
    """Drops the app's pooled broker connections, so the next publish connects to the
    broker now configured (and none to a stopped Redis survives the test)."""
    from kombu import pools

    # The app's pool is kombu's global pool for the broker URL: closing it alone would
    # leave a closed pool in kombu's registry for the next test that publishes there
    # ("Acquire on closed pool"). reset() closes every pool and empties the registry.
    pools.reset()
    app._pool = None
    app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)


@pytest.fixture
def certificate_course(db):
    """A published course with one lesson and a certificate, no quiz, no evaluation."""
    from django.conf import settings

    from wagtail.models import Locale, Page

    from lms.demo.seed import _demo_site
    from tests.factories.lms import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory

    # An earlier transactional test's flush may have taken the rows migrations create.
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    home = _demo_site().root_page.specific
    index = CourseIndexPageFactory(parent=home, slug=f"katalog-{uuid.uuid4().hex[:6]}")
    course = CoursePageFactory(
        parent=index, title="Ketahanan Layanan", certificate_enabled=True, jp_hours=2
    )
    lesson = LessonPageFactory(parent=course, title="Satu-satunya pelajaran")
    return course, lesson
