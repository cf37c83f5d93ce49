"""Database upkeep after bulk writes (docs/deployment.md, "PostgreSQL settings")."""

from __future__ import annotations

import logging

from django.db import connections

logger = logging.getLogger(__name__)


def database_analyze(*, using: str = "default") -> bool:
    """Refreshes PostgreSQL's planner statistics after a bulk fill (seed_demo, seed_scale,
    migrations). Until autovacuum gets to a freshly filled table the planner thinks it
    is empty and picks plans that are slow at real sizes. A no-op elsewhere (SQLite);
    returns whether it ran."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    logger.info("Planner statistics refreshed (ANALYZE) on %s", using)
    return True
