"""Tasks only the fault tests' workers load (CELERY_IMPORTS in worker_settings.py): a task
that is still running when the test stops Redis under it."""

from __future__ import annotations

import time
from pathlib import Path

from celery import shared_task


@shared_task(name="tests.fault.slow_marker")
def slow_marker(*, started: str, finished: str, seconds: float) -> None:
    """Touches `started`, sleeps, then touches `finished`: the test sees the task run."""
    Path(started).touch()
    time.sleep(seconds)
    Path(finished).touch()
