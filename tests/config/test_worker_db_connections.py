"""A Celery worker keeps its database connection between tasks as CONN_MAX_AGE says,
and drops it after a task that did not succeed (config/celery.py). The handlers run on
this process's real connection; a worker process is tested in test_celery_worker.py."""

from __future__ import annotations

import time
from types import SimpleNamespace

from django.db import connection

import pytest

from config.celery import _db_connections_after_task, _db_connections_before_task

pytestmark = [
    # Closing the connection would end a test's own transaction.
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgresql(
        reason="Django never closes SQLite's in-memory test database; the worker's case is "
        "PostgreSQL's (CI runs these there)",
    ),
]


def _task(*, eager: bool = False) -> SimpleNamespace:
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


@pytest.fixture
def kept_connection():
    """This process's connection, open and due to be kept for a minute, as in production
    (DJANGO_CONN_MAX_AGE=60)."""
    connection.ensure_connection()
    connection.close_at = time.monotonic() + 60
    yield connection
    connection.close()


def _run_task(state: str, *, eager: bool = False) -> None:
    task = _task(eager=eager)
    _db_connections_before_task(task=task)
    with connection.cursor() as cursor:  # the task's own work
        cursor.execute("SELECT 1")
    _db_connections_after_task(task=task, state=state)


def test_the_connection_is_kept_across_successful_tasks(kept_connection):
    raw = kept_connection.connection

    _run_task("SUCCESS")
    _run_task("SUCCESS")

    assert kept_connection.connection is raw


@pytest.mark.parametrize("state", ["FAILURE", "RETRY", "REVOKED"])
def test_the_connection_is_closed_after_a_task_that_did_not_succeed(kept_connection, state):
    _run_task(state)

    assert kept_connection.connection is None
    with connection.cursor() as cursor:  # and the next task connects again
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_connection_past_its_age_is_closed_after_a_successful_task(kept_connection):
    kept_connection.close_at = time.monotonic() - 1  # CONN_MAX_AGE has passed (0 in dev)

    _run_task("SUCCESS")

    assert kept_connection.connection is None


def test_a_connection_with_errors_is_checked_and_replaced_before_the_next_task(
    kept_connection,
):
    raw = kept_connection.connection
    raw.close()  # the server went away; Django has not noticed yet
    kept_connection.errors_occurred = True

    _run_task("SUCCESS")

    assert kept_connection.connection is not raw


def test_eager_tasks_leave_the_caller_s_connection_alone(kept_connection):
    raw = kept_connection.connection

    _run_task("FAILURE", eager=True)

    assert kept_connection.connection is raw
