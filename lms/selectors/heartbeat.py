from __future__ import annotations

import datetime

from django.db.models import Max

from lms.models import WorkerHeartbeat


def worker_heartbeat_latest() -> datetime.datetime | None:
    """The newest heartbeat of any worker (lms.tasks.worker_heartbeat_record), or None."""
    return WorkerHeartbeat.objects.aggregate(latest=Max("beat_at"))["latest"]
