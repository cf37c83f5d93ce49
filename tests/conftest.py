from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from typing import NoReturn
from urllib.parse import quote

from django.core.cache import cache
from django.db import connection

import pytest

# SERIAL AND PARALLEL RUNS (pytest-xdist; docs/testing.md, "Running in parallel") -----------

# Tests that start processes of their own (Celery workers, a redis-server), stop or
# restart services, or drive a browser against the live server and wait on it: they run
# in one process, never under pytest-xdist, where they would compete with the other
# worker for time and for the shared broker. Everything else may run in parallel.
SERIAL_MARKERS = ("services", "e2e")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--serial",
        choices=("all", "exclude", "only"),
        default="all",
        help="all: every selected test (default); exclude: leave out the tests that must "
        f"run serially (markers {', '.join(SERIAL_MARKERS)}), for a `-n 2` run; only: run "
        "just those, in one process.",
    )


def is_serial(item: pytest.Item) -> bool:
    return any(item.get_closest_marker(name) for name in SERIAL_MARKERS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    mode = config.getoption("serial")
    if mode == "all":
        return
    keep = [item for item in items if is_serial(item) == (mode == "only")]
    if len(keep) != len(items):
        kept = set(keep)
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = keep


@pytest.fixture(autouse=True)
def _media_root(request, settings, tmp_path):
    """Each test writes media under its own directory; a test on the module's demo data
    (`demo_seeded`) under the directory the demo's files were written to."""
    if "demo_seeded" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("demo_seeded").media_root
        return
    if request.module.__name__ in _DEMO_SEEDED_MODULES:
        pytest.fail(
            "this module's demo data (demo_seeded) is in place for every test of the module "
            "until its last: mark the whole module with usefixtures('demo_seeded'), and "
            "test seeding itself in another module"
        )
    settings.MEDIA_ROOT = str(tmp_path / "media")


# THE DEMO DATA, SEEDED ONCE PER MODULE ---------------------------------------------------


# The modules whose demo data is in place (their transaction not yet rolled back).
_DEMO_SEEDED_MODULES: set[str] = set()


@dataclass(frozen=True)
class DemoSeeded:
    media_root: str
    # What `seed_demo --json` printed: one login per role.
    logins: list[dict[str, str]]


@pytest.fixture(scope="module")
def demo_seeded(
    request, django_db_setup, django_db_blocker, tmp_path_factory
) -> Iterator[DemoSeeded]:
    """`seed_demo --json` run once for the module's tests, in a transaction rolled back
    after the module's last test. Each test still runs in a savepoint of its own (the
    `db` fixture nests in this transaction), so what one test changes the next does not
    see. Seeding takes seconds (~7 s on SQLite, more on PostgreSQL under CI's load), and
    a module of tests that only read the demo would otherwise seed once per test.

    The data stays until the module's last test, whether a test asks for it or not: so
    only for a module all of whose tests read the demo (mark it
    `usefixtures("demo_seeded")`; a test that does not use it fails, see `_media_root`),
    none transactional (pytest-django runs those after the others, when this
    transaction is already rolled back). A test of seeding itself (twice, its on-commit
    callbacks, the signing key, refusing production) calls `seed_demo` in a module of its
    own."""
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    media_root = str(tmp_path_factory.mktemp("demo-media"))
    out = StringIO()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(MEDIA_ROOT=media_root):
                call_command("seed_demo", "--json", stdout=out)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    _DEMO_SEEDED_MODULES.add(request.module.__name__)
    try:
        yield DemoSeeded(media_root=media_root, logins=json.loads(out.getvalue()))
    finally:
        _DEMO_SEEDED_MODULES.discard(request.module.__name__)
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and Wagtail settings live in the cache; each test starts clean (the
    per-process layer of config/request_cache.py too)."""
    from config import request_cache

    cache.clear()
    request_cache.local_clear()
    yield
    cache.clear()
    request_cache.local_clear()


@pytest.fixture
def home_page(db):
    """The portal's home page and default site, as seed_demo makes them."""
    from lms.demo.seed import _demo_site

    return _demo_site().root_page.specific


@pytest.fixture
def user_factory(db):
    from tests.factories.accounts import UserFactory

    return UserFactory


@pytest.fixture
def broker_down():
    """A real (non-eager) publish to an address that refuses connections. Publishing
    uses broker_write_url, which (unlike broker_url) wins over CI's CELERY_BROKER_URL."""
    from celery import current_app

    conf = current_app.conf
    saved = (conf.task_always_eager, conf.get("broker_write_url"), conf.broker_connection_timeout)
    saved_pools = (current_app._pool, current_app.amqp._producer_pool)
    conf.task_always_eager = False
    conf.broker_write_url = "redis://127.0.0.1:1/0"
    conf.broker_connection_timeout = 1
    current_app._pool = current_app.amqp._producer_pool = None
    yield
    conf.task_always_eager, conf.broker_write_url, conf.broker_connection_timeout = saved
    current_app._pool, current_app.amqp._producer_pool = saved_pools


# TRANSACTIONAL TESTS THAT NEED THE ROWS MIGRATIONS CREATE ------------------------------


@pytest.fixture(scope="session")
def migration_rows(django_db_setup) -> str:
    """The rows migrations create, as Django serialised them when it set the test database
    up (serialized_rollback=True asks for that). See `browser` for why it is read here."""
    from django.db import connection

    rows = getattr(connection, "_test_serialized_contents", None)
    assert rows, "no serialized migration data: mark e2e tests serialized_rollback=True"
    return rows


@pytest.fixture(scope="module")
def _database_as_migrated(migration_rows, django_db_blocker) -> None:
    """Empties the database and puts back the content types exactly as migrations left
    them, before the first test of the module. An earlier transactional test without
    serialized_rollback (tests/config/test_celery_worker.py) ends with a flush that
    recreates content types under new ids, which the serialized rows would then collide
    with. Content types go first because restoring other rows looks them up.

    pytest-django runs every transactional test after the others, so the browser, fault
    and race tests follow each other: each module that marks its tests
    `django_db(transaction=True, serialized_rollback=True)` uses this fixture first."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    content_types = [
        row for row in json.loads(migration_rows) if row["model"] == "contenttypes.contenttype"
    ]
    with django_db_blocker.unblock():
        call_command(
            "flush",
            interactive=False,
            verbosity=0,
            inhibit_post_migrate=True,
            reset_sequences=False,
        )
        connection.creation.deserialize_db_from_string(json.dumps(content_types))
        ContentType.objects.clear_cache()


# REAL SERVICES (browser, Celery worker and fault tests) -----------------------------------


def service_unavailable(reason: str) -> NoReturn:
    """Skips a test whose service (browser, broker, PostgreSQL) is missing; with
    REQUIRE_SERVICES=1 (CI) fails it instead, so nothing skips there unnoticed."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def tools_required(*tools: str, package: str) -> None:
    """Skips (or, with REQUIRE_SERVICES=1, fails) a test whose command-line tools are not
    on the PATH; `package` is the apt package that provides them (.ci/run installs it)."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        service_unavailable(f"{', '.join(missing)} not installed (apt-get install {package})")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """`@pytest.mark.postgresql`: the test needs PostgreSQL (row locks, connection
    handling). Checked before the database fixtures, so SQLite does not build a
    transactional database for a test that then skips."""
    marker = item.get_closest_marker("postgresql")
    if marker is not None and connection.vendor != "postgresql":
        service_unavailable(marker.kwargs.get("reason", "needs PostgreSQL (DATABASE_URL)"))


@pytest.fixture
def shared_database_url() -> str:
    """The test database's URL, for Celery worker processes that must see its rows."""
    if connection.vendor != "postgresql":
        service_unavailable(
            "the worker must share the test database: run with DATABASE_URL pointing at "
            "PostgreSQL (see README, 'Running the test suites alone')"
        )
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
