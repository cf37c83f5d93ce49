"""The one style of query-count guard: run an action once to warm the per-process caches,
count its queries, grow the data, warm up and count again; the two counts must be equal
(the count does not depend on the data size) and, where a limit applies, within it. A
failure prints the SQL of both runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

# ../shared/PRODUCT.md "Quality targets": every learner page (dashboard, catalogue, course,
# lesson, quiz, competency profile, training history) in at most this many queries.
# Loosening it needs a reason in bench/NOTES.md.
LEARNER_PAGE_LIMIT = 10


def captured(action: Callable[[], Any]) -> tuple[int, list[str]]:
    """(number of queries, their SQL) of one call of `action`."""
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries), [query["sql"] for query in queries.captured_queries]


def page_get(client, url: str | Callable[[], str], *, expect: int = 200) -> Callable[[], Any]:
    """An action that GETs `url` (or the URL a callable returns at that moment) and checks
    the status code."""

    def get() -> Any:
        target = url() if callable(url) else url
        response = client.get(target)
        assert response.status_code == expect, (target, response.status_code)
        return response

    return get


def _sql(title: str, sql: list[str]) -> str:
    return f"-- {title}: {len(sql)} queries\n" + "\n".join(sql)


def assert_constant_queries(
    action: Callable[[], Any],
    *,
    grow: Callable[[], Any],
    limit: int | None = None,
    warm_up: int = 1,
) -> int:
    """Fails unless `action` runs the same number of queries before and after `grow()`
    (and at most `limit`, when given). Returns the count. Before each count `action` runs
    `warm_up` times uncounted: once fills the per-process caches; an admin screen, whose
    site, menu and session caches fill over several requests, needs more; 0 counts a
    selector cold."""
    for _ in range(warm_up):
        action()
    small, small_sql = captured(action)
    grow()
    for _ in range(warm_up):  # growing invalidates the cached course structure, as an edit would
        action()
    large, large_sql = captured(action)
    report = _sql("before growing", small_sql) + "\n\n" + _sql("after growing", large_sql)
    assert large == small, f"{small} queries grew to {large}\n{report}"
    if limit is not None:
        assert large <= limit, f"{large} queries, more than {limit}\n{report}"
    return large
