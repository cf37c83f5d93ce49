from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """When each Celery worker last ran the heartbeat task (queued by beat every minute,
    lms.tasks.worker_heartbeat_record). /health/ reports "degraded" when the newest is
    older than HEALTH_CHECK_WORKER_MAX_AGE_MINUTES: no worker, or no beat, is running."""

    hostname = models.CharField(_("worker"), max_length=255, unique=True)
    beat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname}: {self.beat_at:%Y-%m-%d %H:%M:%S}"
