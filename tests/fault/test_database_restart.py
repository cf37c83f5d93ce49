"""The database restarts under the worker: a 10-second restart must not lose invitations.
The invitation tasks retry database errors with backoff, and what is still owed afterwards
(User.invitation_sweep_at) the sweep sends: every new account gets exactly one invitation.

A restart of the shared PostgreSQL server is out of the question here: the test makes
its own database unreachable instead, from a separate connection: no new connections
(ALLOW_CONNECTIONS false) and every backend but the test's own terminated, for 10 s."""

from __future__ import annotations

import contextlib
import datetime
import email
import time
from pathlib import Path

from django.db import connection
from django.utils import timezone

import psycopg
import pytest

from accounts.models import User
from competencies.imports.employees import employees_import
from tests.competencies.imports.files import csv_bytes
from tests.factories.competencies import valid_nip
from tests.fault.conftest import wait_for

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("_database_as_migrated"),
]

ACCOUNTS = 20


def _import_new_accounts(prefix: str) -> list[str]:
    rows = [
        [valid_nip(500 + i), f"Pegawai {prefix} {i}", f"{prefix}{i}@bontang.example"]
        for i in range(ACCOUNTS)
    ]
    report = employees_import(
        data=csv_bytes(["nip", "nama", "email"], rows),
        filename="pegawai.csv",
        actor=None,
        dry_run=False,
    )
    assert report.ok, report.errors
    return [row[2] for row in rows]


def _recipients(directory: Path) -> list[str]:
    """Every recipient of every e-mail the worker wrote (filebased backend)."""
    found = []
    for path in directory.glob("*.log"):
        for part in path.read_text().split("-" * 79):
            if part.strip():
                found.append(email.message_from_string(part.strip())["To"])
    return found


@contextlib.contextmanager
def _database_unreachable(seconds: float):
    """Our test database refuses connections and loses every backend but ours, for
    `seconds`, as in a restart. Run from a connection to the `postgres` database."""
    settings = connection.settings_dict
    name = settings["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (own_pid,) = cursor.fetchone()
    admin = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    quoted = connection.ops.quote_name(name)
    try:
        admin.execute(f"ALTER DATABASE {quoted} WITH ALLOW_CONNECTIONS false")
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> %s",
            [name, own_pid],
        )
        yield
        time.sleep(seconds)
    finally:
        admin.execute(f"ALTER DATABASE {quoted} WITH ALLOW_CONNECTIONS true")
        admin.close()


def test_invitations_survive_a_database_restart_under_the_worker(
    own_redis, workers, tmp_path, monkeypatch
):
    outbox = tmp_path / "mail"
    outbox.mkdir()
    monkeypatch.setenv("FAULT_TEST_EMAIL_DIR", str(outbox))
    workers.start()

    with _database_unreachable(10):
        # Committed before the outage hits the worker: the batch is queued after commit
        # and the worker takes it while its database is away.
        addresses = _import_new_accounts("restart")

    invited = User.objects.filter(email__in=addresses, invitation_sent_at__isnull=False)
    wait_for(
        lambda: invited.count() == ACCOUNTS,
        timeout=150,
        what=f"{ACCOUNTS} invitations after the database came back",
        logs=workers.logs,
    )
    assert not User.objects.filter(invitation_sweep_at__isnull=False).exists()
    assert sorted(_recipients(outbox)) == sorted(addresses)  # each exactly once


def test_the_sweep_sends_invitations_whose_task_was_lost_exactly_once(
    own_redis, workers, tmp_path, monkeypatch, caplog
):
    from accounts import tasks

    outbox = tmp_path / "mail"
    outbox.mkdir()
    monkeypatch.setenv("FAULT_TEST_EMAIL_DIR", str(outbox))
    workers.start()

    own_redis.stop()
    addresses = _import_new_accounts("lost")  # the after-commit batch cannot be queued
    assert "the periodic sweep will retry it" in caplog.text
    own_redis.start()
    owed = User.objects.filter(email__in=addresses, invitation_sweep_at__isnull=False)
    assert owed.count() == ACCOUNTS
    owed.update(invitation_sweep_at=timezone.now() - datetime.timedelta(seconds=1))

    tasks.user_invitations_sweep.delay()
    wait_for(
        lambda: not owed.exists(),
        timeout=120,
        what=f"the sweep to send {ACCOUNTS} invitations",
        logs=workers.logs,
    )
    # A second sweep finds nothing owed; nobody got two.
    assert tasks.user_invitations_sweep.apply().get() == 0
    assert sorted(_recipients(outbox)) == sorted(addresses)
