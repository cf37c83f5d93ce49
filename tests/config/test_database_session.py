"""PostgreSQL session settings per process and ANALYZE after bulk fills
(docs/deployment.md, "PostgreSQL settings")."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection

import pytest

from config.database import database_with_session_options, postgres_options, process_kind
from lms.services.database import database_analyze
from tests.conftest import service_unavailable


@pytest.mark.parametrize(
    ("argv", "kind"),
    [
        ([".venv/bin/gunicorn", "config.wsgi:application"], "web"),
        (["manage.py", "runserver"], "web"),
        ([".venv/bin/celery", "-A", "config", "worker"], "worker"),
        (["/usr/lib/python3/site-packages/celery/__main__.py", "worker"], "worker"),
        (["manage.py", "migrate"], "command"),
        (["manage.py", "seed_scale"], "command"),
    ],
)
def test_each_process_is_recognised(argv, kind):
    assert process_kind(argv) == kind


def test_web_requests_get_short_timeouts_and_commands_none():
    web = postgres_options(kind="web", statement_timeout=None, lock_timeout=None, jit=False)
    command = postgres_options(kind="command", statement_timeout=None, lock_timeout=None, jit=False)

    assert web == "-c statement_timeout=30000 -c lock_timeout=10000 -c jit=off"
    assert command == "-c statement_timeout=0 -c lock_timeout=0 -c jit=off"


def test_the_environment_overrides_the_defaults():
    options = postgres_options(kind="web", statement_timeout=5000, lock_timeout=0, jit=True)

    assert options == "-c statement_timeout=5000 -c lock_timeout=0"


def test_only_postgresql_entries_get_options():
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"init_command": "x"}}
    postgres = {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {}}
    session = {"statement_timeout": None, "lock_timeout": None, "jit": False}

    database_with_session_options(sqlite, argv=["gunicorn"], **session)
    database_with_session_options(postgres, argv=["gunicorn"], **session)

    assert sqlite["OPTIONS"] == {"init_command": "x"}
    assert postgres["OPTIONS"]["options"].startswith("-c statement_timeout=30000")


@pytest.mark.django_db
def test_analyze_is_a_no_op_on_sqlite():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    assert database_analyze() is False


def _manual_analyses(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.services
@pytest.mark.django_db
def test_seed_demo_refreshes_planner_statistics_on_postgresql():
    if connection.vendor != "postgresql":
        service_unavailable("needs PostgreSQL (DATABASE_URL)")
    before = _manual_analyses("competencies_orgunit")

    call_command("seed_demo")

    assert _manual_analyses("competencies_orgunit") > before


@pytest.mark.services
@pytest.mark.django_db
def test_web_connections_carry_the_timeouts_on_postgresql(settings):
    if connection.vendor != "postgresql":
        service_unavailable("needs PostgreSQL (DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.services
@pytest.mark.django_db
def test_migrate_refreshes_planner_statistics_only_when_it_applied_something():
    from django.apps import apps
    from django.db.models.signals import post_migrate

    if connection.vendor != "postgresql":
        service_unavailable("needs PostgreSQL (DATABASE_URL)")
    lms = apps.get_app_config("lms")
    before = _manual_analyses("competencies_orgunit")

    post_migrate.send(sender=lms, app_config=lms, plan=[], using="default")
    assert _manual_analyses("competencies_orgunit") == before

    post_migrate.send(sender=lms, app_config=lms, plan=[("migration", False)], using="default")
    assert _manual_analyses("competencies_orgunit") == before + 1
