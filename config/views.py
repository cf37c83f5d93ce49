"""Operational endpoints that belong to no app: /health/ for load balancers and uptime
monitors."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


# Set once every migration is applied: a process serves the code it started with, so
# the answer stays true until the next deploy restarts it.
_migrated = False


def _unapplied_migrations() -> int:
    global _migrated
    if _migrated:
        return 0
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections["default"])
    # Every migration on disk, not the plan to the leaves: a leaf already recorded hides
    # an earlier one that is missing (a half-restored database), and the plan would be empty.
    unapplied = len(set(executor.loader.graph.nodes) - set(executor.loader.applied_migrations))
    _migrated = unapplied == 0
    return unapplied


def _check_database() -> dict[str, Any]:
    """Reachable and migrated: an empty or half-migrated database serves errors."""
    vendor = connections["default"].vendor
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        unapplied = _unapplied_migrations()
    except DatabaseError as exc:
        logger.warning("health: database unreachable: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}
    if unapplied:
        logger.warning("health: %s migrations not applied", unapplied)
        return {"ok": False, "vendor": vendor, "unapplied_migrations": unapplied}
    return {"ok": True, "vendor": vendor}


def _check_cache() -> dict[str, Any]:
    """Writes and reads back a fresh value: the Redis backend answers an outage as a
    miss (config/cache.py), so a value that does not come back means "down"."""
    key, value = "health:probe", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        ok = cache.get(key) == value
    except Exception as exc:  # noqa: BLE001 - any cache backend error means "down"
        logger.warning("health: cache unreachable: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True} if ok else {"ok": False, "error": "unreachable"}


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


def _check_worker() -> dict[str, Any]:
    """A worker ran the heartbeat task beat queues every minute, recently enough."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    from lms.selectors.heartbeat import worker_heartbeat_latest

    try:
        latest = worker_heartbeat_latest()
    except DatabaseError as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    if latest is None:
        logger.warning("health: no worker heartbeat recorded yet")
        return {"ok": False, "error": "no heartbeat"}
    age = int((timezone.now() - latest).total_seconds())
    ok = age <= settings.HEALTH_CHECK_WORKER_MAX_AGE_MINUTES * 60
    if not ok:
        logger.warning("health: the last worker heartbeat is %s s old", age)
    return {"ok": ok, "last_heartbeat": latest.isoformat(), "age_seconds": age}


def _error_response(exc: BaseException) -> JsonResponse:
    return JsonResponse(
        {"status": "error", "checks": {}, "error": exc.__class__.__name__}, status=503
    )


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Without the database, or with migrations not applied, nothing works (503); a
    missing cache, broker or worker degrades the portal (200, status "degraded") so that
    a load balancer keeps serving pages. Always JSON, even when a check itself fails."""
    try:
        return _health()
    except Exception as exc:
        logger.exception("health: the check failed")
        return _error_response(exc)


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """handler500: JSON for /health/ (a middleware that failed before the view), the
    usual error page elsewhere."""
    if request.path_info == "/health/":
        return _error_response(RuntimeError())
    return defaults.server_error(request, *args, **kwargs)


def _health() -> JsonResponse:
    checks = {
        "database": _check_database(),
        "cache": _check_cache(),
        "broker": _check_broker(),
        "worker": _check_worker(),
    }
    if not checks["database"]["ok"]:
        status, code = "error", 503
    elif all(check["ok"] for check in checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and crawlers ask for whatever the page declares: a
    permanent redirect to the static icon (hashed name in production, so it is cached)."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/favicon.ico"))
