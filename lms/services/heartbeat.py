from __future__ import annotations

from django.utils import timezone

from lms.models import WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str) -> None:
    """Records that the worker `hostname` is alive now: one row per worker, updated in
    place, so running it twice (or on several workers) is harmless."""
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname[:255], defaults={"beat_at": timezone.now()}
    )
