"""Browser tests: Python Playwright driving Debian's chromium against a live server that
holds the demo data. See docs/testing.md for running them and adding a journey.

Each test module sets
    pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
because the live server runs in another thread (so the data must be committed), and the
flush after each transactional test takes the rows that migrations create (the roles,
Wagtail's root page) away. serialized_rollback makes pytest-django keep a copy of those
rows (see `browser` for a catch).

Without chromium, Python playwright or axe-core the tests skip with the reason; with
REQUIRE_SERVICES=1 (CI) they fail instead."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

import pytest

from tests.conftest import service_unavailable as _unavailable

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_ROOT = ROOT / "var" / "e2e"
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
AXE_SCRIPT = Path(
    os.environ.get("E2E_AXE_SCRIPT", ROOT / "var/node/node_modules/axe-core/axe.min.js")
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.1 A and AA rules; violations of these with the impacts below fail the test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_FAILING_IMPACTS = {"serious", "critical"}
# Where the Wagtail and Django admins run under the relaxed CSP (config/csp.py); a CSP
# violation anywhere else fails the test.
ADMIN_PREFIXES = tuple(settings.CSP_ADMIN_URL_PREFIXES)
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        _unavailable(f"axe-core is not installed at {AXE_SCRIPT}: run `make e2e-deps`")
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser(migration_rows, _database_as_migrated) -> Iterator[Any]:
    """One chromium per test module.

    Playwright's sync API keeps an asyncio loop running in this thread, which has two
    effects on Django. It refuses ORM calls ("You cannot call this from an async
    context"); they are in fact synchronous, so that check is switched off while the
    browser runs, and only then (module scope keeps the window short). And it hands out
    a fresh connection object, without the serialized migration rows that
    serialized_rollback restores (and whose presence stops the flush after each test from
    recreating content types); they are copied onto it."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Python playwright is not installed: pip install -r requirements-dev.txt")
    if not CHROMIUM.is_file():
        _unavailable(f"no chromium at {CHROMIUM}: apt-get install chromium (or set E2E_CHROMIUM)")
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            from django.db import connection

            connection._test_serialized_contents = migration_rows
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


class DemoSnapshot:
    """`demo_seed()` once per session, then its rows copied back for each later test.

    Seeding takes seconds on PostgreSQL and every browser test needs the demo data,
    committed, in a database that the test before emptied (a transactional test ends
    with a flush). So the first test seeds for real and keeps a copy of every table
    (`COPY ... TO STDOUT`); a later test that starts from the same rows as that one did
    (compared by the row count of each table: the rows migrations create, which
    serialized_rollback has just put back) gets the copy back in one transaction
    (TRUNCATE, `COPY ... FROM STDIN`, sequences reset past the copied ids; Django's
    foreign keys are deferred, so the table order does not matter). The rows are those
    `demo_seed()` would write, with the ids of the first run. Anything else (SQLite, a
    test that made rows before asking for the demo data) seeds for real."""

    def __init__(self) -> None:
        self.logins: list[Any] | None = None
        self.before: dict[str, int] | None = None
        self.tables: dict[str, bytes] = {}

    def seed(self) -> list[Any]:
        from django.db import connection

        from lms.demo.seed import demo_seed

        if connection.vendor != "postgresql":
            return demo_seed()
        counts = self._counts()
        if self.logins is not None and counts == self.before:
            self._restore()
            return self.logins
        logins = demo_seed()
        if self.logins is None:
            self.before, self.logins = counts, logins
            self.tables = self._copy_out()
        return logins

    @staticmethod
    def _table_names() -> list[str]:
        from django.db import connection

        return sorted(connection.introspection.django_table_names(only_existing=True))

    def _counts(self) -> dict[str, int]:
        from django.db import connection

        qn = connection.ops.quote_name
        tables = self._table_names()
        sql = " UNION ALL ".join(f"SELECT %s, COUNT(*) FROM {qn(t)}" for t in tables)  # noqa: S608 - table names from Django's introspection
        with connection.cursor() as cursor:
            cursor.execute(sql, tables)
            return dict(cursor.fetchall())

    def _copy_out(self) -> dict[str, bytes]:
        from django.db import connection

        qn = connection.ops.quote_name
        tables = {}
        with connection.cursor() as cursor:
            for table in self._table_names():
                with cursor.cursor.copy(f"COPY {qn(table)} TO STDOUT") as copy:
                    tables[table] = b"".join(bytes(chunk) for chunk in copy)
        return tables

    def _restore(self) -> None:
        from django.apps import apps
        from django.core.management.color import no_style
        from django.db import connection, transaction

        qn = connection.ops.quote_name
        models = apps.get_models(include_auto_created=True)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(qn(t) for t in self.tables)}")
            for table, data in self.tables.items():
                if data:
                    with cursor.cursor.copy(f"COPY {qn(table)} FROM STDIN") as copy:
                        copy.write(data)
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


@pytest.fixture(scope="session")
def demo_snapshot() -> DemoSnapshot:
    return DemoSnapshot()


@pytest.fixture
def demo_logins(live_server, settings, demo_snapshot) -> dict[str, Any]:
    """The demo data, committed so that the live server thread sees it. Keyed by role
    ("Peserta", "Administrator"...); each has .email, .nip, .password and .role."""
    # The Wagtail user bar loads its scripts from this base URL.
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    return {login.role: login for login in demo_snapshot.seed()}


@dataclass
class BrowserLog:
    """What the browser reported while the test ran."""

    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def page(browser, axe_source, demo_logins, live_server, browser_log) -> Iterator[Any]:
    """A fresh browser tab (no cookies) speaking Indonesian, with the live server as base
    URL, so `page.goto("/accounts/login/")` works. After the test, any CSP violation
    outside the admin, or any uncaught script error, fails it."""
    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()

    def on_console(message) -> None:
        if "Content Security Policy" in message.text and not _is_admin(tab.url, live_server.url):
            browser_log.csp_violations.append(f"{tab.url}: {message.text}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: browser_log.page_errors.append(f"{tab.url}: {error}"))
    yield tab
    context.close()
    problems = browser_log.csp_violations + browser_log.page_errors
    if problems:
        pytest.fail("the browser reported:\n" + "\n".join(problems))


def _is_admin(url: str, base: str) -> bool:
    return url.removeprefix(base).startswith(ADMIN_PREFIXES)


@pytest.fixture
def shot(request) -> Callable[[Any, str], Path]:
    """shot(page, "login-form") saves var/e2e/<test-name>/NN-login-form.png (full page)."""
    folder = SCREENSHOT_ROOT / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    counter = iter(range(1, 100))

    def take(page, name: str) -> Path:
        path = folder / f"{next(counter):02d}-{re.sub(r'[^A-Za-z0-9_-]+', '-', name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def check_a11y(axe_source) -> Callable[..., None]:
    """check_a11y(page) runs axe-core (WCAG 2.1 A/AA rules) on the current page and fails
    on any serious or critical violation, listing the rule, help URL and elements.
    Pass exclude=["selector", ...] only for third-party markup we cannot change."""

    def check(page, *, exclude: list[str] | None = None) -> None:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source)  # through DevTools, so the page's CSP does not apply
        # Let fades and slide-ins (Wagtail's messages) settle: axe measures the colours
        # on screen, and a half-faded banner is not what a person reads.
        page.evaluate(
            """async () => {
                const running = document.getAnimations().filter((a) => isFinite(a.effect?.getTiming().iterations ?? 1));
                await Promise.race([
                    Promise.all(running.map((a) => a.finished.catch(() => null))),
                    new Promise((resolve) => setTimeout(resolve, 3000)),
                ]);
            }"""
        )
        results = page.evaluate(
            """async ([tags, exclude]) => {
                const context = exclude.length ? {exclude: exclude.map((s) => [s])} : document;
                return await window.axe.run(context, {
                    runOnly: {type: "tag", values: tags},
                    resultTypes: ["violations"],
                });
            }""",
            [AXE_TAGS, exclude or []],
        )
        failing = [v for v in results["violations"] if v["impact"] in AXE_FAILING_IMPACTS]
        if failing:
            report = [
                {
                    "rule": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "url": v["helpUrl"],
                    "nodes": [n["target"] for n in v["nodes"]][:10],
                    "summary": v["nodes"][0]["failureSummary"] if v["nodes"] else "",
                }
                for v in failing
            ]
            pytest.fail(f"accessibility violations on {page.url}:\n" + json.dumps(report, indent=2))

    return check
