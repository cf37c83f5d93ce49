"""Celery tasks for lms (thin: they call the service of the same name)."""

from __future__ import annotations

import logging

from django.db import OperationalError, transaction

from celery import Task, shared_task

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def assignment_rules_apply(employee_ids: list[int] | None = None) -> int:
    from lms.services.assignments import assignment_rules_apply as service

    return service(employee_ids=employee_ids)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def assignment_reminders_send() -> int:
    from lms.services.assignments import assignment_reminders_send as service

    return service()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def assignment_enrolment_completed(enrolment_id: int) -> None:
    from lms.services.assignments import assignment_enrolment_completed as service

    service(enrolment_id=enrolment_id)


def assignment_enrolment_completed_hook(*, enrolment_id: int) -> None:
    """Listed in settings.LMS_ENROLMENT_COMPLETED_HOOKS; runs after commit."""
    assignment_enrolment_completed.delay(enrolment_id)


class _CertificateMarkFailed(Task):
    """After the last retry, the pending certificate is marked FAILED so HR sees it."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from lms.services.certificates import certificate_mark_failed

        enrolment_id = args[0] if args else kwargs["enrolment_id"]
        certificate_mark_failed(enrolment_id=enrolment_id, error=repr(exc))


@shared_task(
    base=_CertificateMarkFailed,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def certificate_issue(enrolment_id: int) -> int | None:
    """Safe to run twice (status guard, row locks, unique constraints). Returns the
    certificate's id, or None when there is nothing to issue."""
    from lms.services.certificates import certificate_issue as service

    certificate = service(enrolment_id=enrolment_id)
    return certificate.pk if certificate else None


def _certificate_issue_enqueue(enrolment_id: int) -> None:
    """Queues the issue; a broker that is down must not break the learner's request
    (the completion is committed already): log it, and certificate_issue_sweep queues
    the enrolment again within 10 minutes."""
    from kombu.exceptions import OperationalError as BrokerError

    try:
        certificate_issue.apply_async((enrolment_id,), retry=False)
    except (BrokerError, ConnectionError, OSError):
        logger.exception(
            "Could not queue certificate_issue for enrolment %s; the sweep will", enrolment_id
        )


def certificate_issue_hook(*, enrolment_id: int) -> None:
    """Listed in settings.LMS_ENROLMENT_COMPLETED_HOOKS: queues the issue after commit."""
    transaction.on_commit(lambda: _certificate_issue_enqueue(enrolment_id))


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def certificate_issue_sweep(batch_size: int = 200, limit: int = 5000) -> int:
    """Every 10 minutes (CELERY_BEAT_SCHEDULE): queues certificate_issue for completed
    enrolments of certificate courses whose certificate is missing, pending or failed
    (older than a minute), e.g. after the broker was down. In batches; issuing is
    idempotent, so queuing one twice is harmless. Returns how many were queued."""
    from lms.services.certificates import certificate_sweep_enrolment_ids

    ids = list(certificate_sweep_enrolment_ids().values_list("pk", flat=True)[:limit])
    queued = 0
    for start in range(0, len(ids), batch_size):
        for enrolment_id in ids[start : start + batch_size]:
            certificate_issue.apply_async((enrolment_id,))
            queued += 1
    if queued:
        logger.info("certificate_issue_sweep queued %s enrolments", queued)
    return queued


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def certificate_expiry_reminders_send() -> int:
    from lms.services.certificates import certificate_expiry_reminders_send as service

    return service()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def certificate_pdfs_regenerate(certificate_ids: list[int]) -> int:
    from lms.services.certificates import certificate_pdfs_regenerate as service

    return service(certificate_ids=certificate_ids)


def certificate_pdfs_regenerate_queue(*, certificate_ids: list[int], batch_size: int = 100) -> int:
    """One task per batch of certificates; returns the number of batches queued."""
    batches = 0
    for start in range(0, len(certificate_ids), batch_size):
        certificate_pdfs_regenerate.delay(certificate_ids[start : start + batch_size])
        batches += 1
    return batches


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def certificate_bulk_zip(job_id: int) -> None:
    from lms.services.certificates import certificate_bulk_job_run as service

    service(job_id=job_id)


def enrolment_competency_evidence_hook(*, enrolment_id: int) -> None:
    """Listed in settings.LMS_ENROLMENT_COMPLETED_HOOKS: the competency levels the course
    develops become assessments (method "course completion") of the employee."""
    from lms.services.certificates import enrolment_competency_evidence

    enrolment_competency_evidence(enrolment_id=enrolment_id)
