"""A test whose service or tool is missing skips on a developer's machine, and fails under
REQUIRE_SERVICES=1 (CI), so that CI never passes with a PostgreSQL, QR or HTML-validator
test silently skipped (tests/conftest.py)."""

from __future__ import annotations

from types import SimpleNamespace

from django.db import connection

import pytest

from tests.conftest import pytest_runtest_setup, service_unavailable, tools_required

MISSING_TOOL = "no-such-tool-on-any-path"


def _item(*markers: pytest.Mark) -> SimpleNamespace:
    """Just enough of a pytest item for the setup hook: its closest marker by name."""
    by_name = {mark.name: mark for mark in markers}
    return SimpleNamespace(get_closest_marker=by_name.get)


def test_a_missing_service_skips_without_require_services(monkeypatch):
    monkeypatch.delenv("REQUIRE_SERVICES", raising=False)

    with pytest.raises(pytest.skip.Exception, match="no broker"):
        service_unavailable("no broker")


def test_a_missing_service_fails_under_require_services(monkeypatch):
    monkeypatch.setenv("REQUIRE_SERVICES", "1")

    with pytest.raises(pytest.fail.Exception, match="REQUIRE_SERVICES=1 but no broker"):
        service_unavailable("no broker")


def test_a_missing_tool_fails_under_require_services(monkeypatch):
    monkeypatch.setenv("REQUIRE_SERVICES", "1")

    with pytest.raises(pytest.fail.Exception, match=f"{MISSING_TOOL} not installed"):
        tools_required(MISSING_TOOL, package="zbar-tools")


def test_a_missing_tool_skips_without_require_services(monkeypatch):
    monkeypatch.delenv("REQUIRE_SERVICES", raising=False)

    with pytest.raises(pytest.skip.Exception, match="apt-get install zbar-tools"):
        tools_required(MISSING_TOOL, package="zbar-tools")


def test_tools_on_the_path_let_the_test_run(monkeypatch):
    monkeypatch.setenv("REQUIRE_SERVICES", "1")

    tools_required("sh", package="dash")


def test_a_postgresql_test_fails_on_sqlite_under_require_services(monkeypatch):
    monkeypatch.setenv("REQUIRE_SERVICES", "1")
    monkeypatch.setattr(connection, "vendor", "sqlite")

    with pytest.raises(pytest.fail.Exception, match="row locks"):
        pytest_runtest_setup(_item(pytest.mark.postgresql(reason="row locks").mark))


def test_a_postgresql_test_skips_on_sqlite_without_require_services(monkeypatch):
    monkeypatch.delenv("REQUIRE_SERVICES", raising=False)
    monkeypatch.setattr(connection, "vendor", "sqlite")

    with pytest.raises(pytest.skip.Exception, match="needs PostgreSQL"):
        pytest_runtest_setup(_item(pytest.mark.postgresql.mark))


def test_a_postgresql_test_runs_on_postgresql(monkeypatch):
    monkeypatch.setenv("REQUIRE_SERVICES", "1")
    monkeypatch.setattr(connection, "vendor", "postgresql")

    pytest_runtest_setup(_item(pytest.mark.postgresql.mark))
    pytest_runtest_setup(_item())
