"""One statement with binary parameters, for the set-based bulk writes (issue 23).

Django's psycopg cursors bind parameters on the client: a 10,000-element array becomes a
quoted text literal built in Python (0.17 s of a 10,000-recipient assignment in the
profile, bench/NOTES.md). `execute_binary` sends the parameters in PostgreSQL's binary
format instead (psycopg server-side binding; each `%s` is sent as psycopg's `%b`, the
binary placeholder: `binary=True` alone asks only for binary *results*, and a `%s`
parameter of a list still went through psycopg's text array dumper, a regular
expression per element), through Django's cursor wrapper, so the statement is still
logged, counted by query-count tests and wrapped by `connection.execute_wrapper`.
Elsewhere (SQLite) it is a plain `cursor.execute`. tests/config/test_sql_binary.py reads
the formats off the wire.

The SQL uses `%s` placeholders like any Django SQL; give every parameter an explicit cast
(`%s::bigint[]`, `%s::date`): a binary parameter has the type of its Python value, which
PostgreSQL does not coerce the way it coerces an untyped text literal."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

# `%s` (a parameter) becomes `%b` (a binary parameter); `%%` (a literal %) stays.
_PLACEHOLDER = re.compile(r"%([%s])")


def _binary_placeholders(sql: str) -> str:
    return _PLACEHOLDER.sub(lambda m: "%%" if m.group(1) == "%" else "%b", sql)


def execute_binary(sql: str, params: Sequence[Any]) -> list[tuple] | None:
    """Runs `sql` on the default connection; returns its rows when it returns any."""
    from django.db import connection

    with connection.cursor() as wrapper:
        if connection.vendor != "postgresql":
            wrapper.execute(sql, params)
            return wrapper.fetchall() if wrapper.description else None
        import psycopg

        binary = psycopg.Cursor(wrapper.cursor.connection)

        def run(sql: str, params: Any, many: bool, context: dict) -> None:
            with connection.wrap_database_errors:
                binary.execute(_binary_placeholders(sql), params, binary=True)

        try:
            if hasattr(wrapper, "debug_sql"):  # DEBUG or a test counting queries
                with wrapper.debug_sql(sql, params):
                    wrapper._execute_with_wrappers(sql, params, many=False, executor=run)
            else:
                wrapper._execute_with_wrappers(sql, params, many=False, executor=run)
            return binary.fetchall() if binary.description else None
        finally:
            binary.close()
