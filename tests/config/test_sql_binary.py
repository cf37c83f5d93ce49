"""`config.sql.execute_binary` sends its parameters in PostgreSQL's binary format: a
10,000-element id array is not quoted into text in Python, element by element (a
regular expression per element in psycopg's text array dumper). Read off the wire:
libpq's trace of the Bind message lists each parameter's format code (0 text, 1 binary).
"""

from __future__ import annotations

import re
import tempfile

from django.db import connection

import pytest

from config.sql import execute_binary

pytestmark = pytest.mark.django_db


def _bind_formats(run) -> list[list[int]]:
    """The parameter format codes of every Bind message sent while `run()` runs."""
    from psycopg import pq

    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile("w+") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            run()
        finally:
            pgconn.untrace()
        trace.seek(0)
        lines = [line for line in trace if "\tBind\t" in line]
    formats = []
    for line in lines:
        # F <len> Bind "" "" <n formats> <format>... <n params> ...
        count, *rest = re.match(r'.*Bind\t "[^"]*" "[^"]*" (.*)', line).group(1).split(" ")
        formats.append([int(code) for code in rest[: int(count)]])
    return formats


def test_the_parameters_go_in_binary_format():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no wire format")

    formats = _bind_formats(
        lambda: execute_binary(
            "SELECT cardinality(%s::bigint[]), %s::text", [list(range(1, 1001)), "x"]
        )
    )

    assert formats == [[1, 1]]


def test_the_result_comes_back_as_python_values():
    # A `%s` inside a value stays a value; `%%` in the SQL is a literal percent sign.
    rows = execute_binary("SELECT %s || 'b', %s + 1, '100%%'", ["a%s", 41])

    assert rows == [("a%sb", 42, "100%")]
