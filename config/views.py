"""Operational endpoints that belong to no app: /health/ for load balancers and uptime
monitors."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> dict[str, Any]:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("health: database unreachable: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connections["default"].vendor}


def _check_cache() -> dict[str, Any]:
    key = "health:probe"
    try:
        cache.set(key, "1", timeout=10)
        ok = cache.get(key) == "1"
    except Exception as exc:  # noqa: BLE001 - any cache backend error means "down"
        logger.warning("health: cache unreachable: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": ok}


def _check_broker() -> dict[str, Any]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # Tasks run inside the web process: there is no broker to reach.
        return {"ok": True, "mode": "eager"}
    from config.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.HEALTH_CHECK_BROKER_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - kombu raises many transport errors
        logger.warning("health: broker unreachable: %s", exc)
        return {"ok": False, "mode": "broker", "error": exc.__class__.__name__}
    return {"ok": True, "mode": "broker"}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Without the database nothing works (503); a missing cache or broker degrades the
    portal (200, status "degraded") so that a load balancer keeps serving pages."""
    checks = {
        "database": _check_database(),
        "cache": _check_cache(),
        "broker": _check_broker(),
    }
    if not checks["database"]["ok"]:
        status, code = "error", 503
    elif all(check["ok"] for check in checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)
