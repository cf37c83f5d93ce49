"""Checking large import files in the background (docs/imports.md, "Large files").

A small upload is checked in the request. A large one would hold a web worker for many
seconds: its dry run runs in a Celery task, which stores its progress and
its report on the `PendingImport`, and the preview page shows a progress bar until the
report is there. The report is kept in the uploader's language."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone, translation

from competencies.imports.importers import IMPORTERS
from competencies.imports.report import import_report_to_json
from competencies.models import PendingImport
from config.celery import enqueue_on_commit

logger = logging.getLogger(__name__)

# Files above this size are checked by a Celery task, not in the request.
BACKGROUND_CHECK_BYTES = 256 * 1024
# A queued check that has not started after this long is queued again (the broker was
# away when it was first queued); a running one that has not reported progress for this
# long is taken over (its worker died).
CHECK_STALE_AFTER = datetime.timedelta(minutes=2)

Check = PendingImport.Check


def pending_import_in_background(*, pending: PendingImport) -> bool:
    return len(pending.data) > BACKGROUND_CHECK_BYTES


def pending_import_check_queue(*, pending: PendingImport) -> None:
    """Marks the upload as queued and queues its check after the commit."""
    from competencies.tasks import pending_import_check

    now = timezone.now()
    PendingImport.objects.filter(pk=pending.pk).update(
        check_status=Check.QUEUED, check_progress=0, check_updated_at=now
    )
    pending.check_status, pending.check_progress, pending.check_updated_at = (
        Check.QUEUED,
        0,
        now,
    )
    enqueue_on_commit(pending_import_check, pending.pk)


def pending_import_check_requeue_if_stale(*, pending: PendingImport) -> bool:
    """Called by the progress page: a check that is not moving is queued again."""
    stale = pending.check_updated_at is None or (
        pending.check_updated_at < timezone.now() - CHECK_STALE_AFTER
    )
    if pending.check_status not in (Check.QUEUED, Check.RUNNING) or not stale:
        return False
    pending_import_check_queue(pending=pending)
    return True


def pending_import_check(*, pending_id: int) -> bool:
    """The dry run of a queued upload; safe to run twice: only the run that moves the
    row from QUEUED to RUNNING works (a conditional UPDATE), a second one returns False,
    and so does a run for an upload that is gone or already checked."""
    now = timezone.now()
    claimed = PendingImport.objects.filter(pk=pending_id, check_status=Check.QUEUED).update(
        check_status=Check.RUNNING, check_progress=0, check_updated_at=now
    )
    if not claimed:
        return False
    pending = PendingImport.objects.select_related("user").filter(pk=pending_id).first()
    if pending is None:
        return False

    def progress(percent: int) -> None:
        PendingImport.objects.filter(pk=pending_id, check_status=Check.RUNNING).update(
            check_progress=percent, check_updated_at=timezone.now()
        )

    with translation.override(pending.language or settings.LANGUAGE_CODE):
        report = IMPORTERS[pending.kind](
            data=bytes(pending.data),
            filename=pending.name,
            actor=pending.user,
            dry_run=True,
            progress=progress,
        )
    PendingImport.objects.filter(pk=pending_id).update(
        check_status=Check.DONE,
        check_progress=100,
        check_report=import_report_to_json(report=report),
        check_updated_at=timezone.now(),
    )
    return True


def pending_import_check_fail(*, pending_id: int) -> None:
    """The task's on_failure: the page stops waiting and says so."""
    PendingImport.objects.filter(pk=pending_id).update(
        check_status=Check.FAILED, check_updated_at=timezone.now()
    )
