from __future__ import annotations

from typing import Any

from django.db import InterfaceError, OperationalError

from celery import Task, shared_task


class _PendingImportCheckTask(Task):
    def on_failure(self, exc: Any, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        from competencies.imports.checks import pending_import_check_fail

        pending_id = args[0] if args else kwargs.get("pending_id")
        if pending_id is not None:
            pending_import_check_fail(pending_id=pending_id)


@shared_task(
    base=_PendingImportCheckTask,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
)
def pending_import_check(pending_id: int) -> bool:
    """The dry run of a large import upload (competencies.imports.checks)."""
    from competencies.imports.checks import pending_import_check as service

    return service(pending_id=pending_id)


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=5)
def jp_years_refresh_for_activity(activity: str) -> int:
    """The JP table after a conversion-table version of this activity was saved
    (competencies.services.summaries); safe to run twice."""
    from competencies.services.summaries import jp_years_refresh_for_activity as service

    return service(activity=activity)


@shared_task
def held_proofs_delete_expired() -> int:
    """Removes proof files held for an external-record form that was never sent again
    (competencies.services.proofs); safe to run twice."""
    from competencies.services.proofs import held_proofs_delete_expired as service

    return service()


@shared_task
def current_levels_sweep() -> int:
    """Refreshes the current levels whose day has come (an assessment's validity ended
    or started: competencies.services.summaries); safe to run twice."""
    from competencies.services.summaries import current_levels_sweep as service

    return service()


class _JpRecomputeTask(Task):
    def on_failure(self, exc: Any, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        from competencies.services.jp_conversion import jp_recompute_fail

        run_id = args[0] if args else kwargs.get("run_id")
        if run_id is not None:
            jp_recompute_fail(run_id=run_id)


@shared_task(
    base=_JpRecomputeTask,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
)
def jp_recompute_preview(run_id: int) -> None:
    """The preview of a JP re-computation (competencies.services.jp_conversion)."""
    from competencies.services.jp_conversion import jp_recompute_preview as service

    service(run_id=run_id)


@shared_task(
    base=_JpRecomputeTask,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
)
def jp_recompute_apply(run_id: int) -> int:
    """The confirmed change of a JP re-computation, chunk by chunk with its progress
    (competencies.services.jp_conversion); safe to run twice."""
    from competencies.services.jp_conversion import jp_recompute_apply as service

    return service(run_id=run_id)
