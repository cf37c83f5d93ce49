"""Celery tasks for lms (thin: they call the service of the same name)."""

from __future__ import annotations

import datetime
import logging

from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from celery import Task, shared_task

logger = logging.getLogger(__name__)


# Queued after commit when employees change; a database restart used up three quick
# retries in a fault run, so this one backs off for longer (its sweep runs nightly).
@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=8,
)
def assignment_rules_apply(employee_ids: list[int] | None = None) -> int:
    from lms.services.assignments import assignment_rules_apply as service

    return service(employee_ids=employee_ids)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def assignment_reminders_send() -> int:
    from lms.services.assignment_due_dates import assignment_reminders_send as service

    return service()


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def assignment_enrolment_completed(enrolment_id: int) -> None:
    from lms.services.assignments import assignment_enrolment_completed as service

    service(enrolment_id=enrolment_id)


def assignment_enrolment_completed_hook(*, enrolment_id: int) -> None:
    """Called by lms.services.enrolments after a completion commits. A broker that
    is down is logged, and assignment_enrolment_completed_sweep catches up."""
    _enqueue_for_enrolment(assignment_enrolment_completed, enrolment_id)


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def assignment_enrolment_completed_sweep(limit: int = 5000) -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): queues assignment_enrolment_completed for
    enrolments completed in the last 7 days whose "course completed" notice is missing
    (the hook's task was lost: broker down, worker lost, retries run out), so that the
    learner's assignment does not stay open. The hook is idempotent. Returns how many
    were queued."""
    from lms.selectors.assignments import assignment_completion_sweep_enrolment_ids

    ids = list(assignment_completion_sweep_enrolment_ids().values_list("pk", flat=True)[:limit])
    for enrolment_id in ids:
        assignment_enrolment_completed.apply_async((enrolment_id,))
    if ids:
        logger.info("assignment_enrolment_completed_sweep queued %s enrolments", len(ids))
    return len(ids)


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


def _enqueue_for_enrolment(task: Task, enrolment_id: int) -> None:
    """Queues `task(enrolment_id)`; a broker that is down must not break the learner's
    request (the completion is committed already): log it, and the task's sweep queues
    the enrolment again within a minute or two."""
    from kombu.exceptions import OperationalError as BrokerError

    try:
        task.apply_async((enrolment_id,), retry=False)
    except (BrokerError, ConnectionError, OSError):
        logger.exception(
            "Could not queue %s for enrolment %s; the sweep will",
            task.name.rsplit(".", 1)[-1],
            enrolment_id,
        )


def _certificate_issue_enqueue(enrolment_id: int) -> None:
    """Queues the issue; see _enqueue_for_enrolment (certificate_issue_sweep)."""
    _enqueue_for_enrolment(certificate_issue, enrolment_id)


def certificate_issue_hook(*, enrolment_id: int) -> None:
    """Called by lms.services.enrolments on a completion: queues the issue after commit."""
    transaction.on_commit(lambda: _certificate_issue_enqueue(enrolment_id))


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def certificate_issue_sweep(
    batch_size: int = 200, limit: int = 5000, within_days: int | None = None
) -> int:
    """Every minute over the last `within_days` days (an index range on completed_at,
    cheap when nothing is owed) and hourly over all (CELERY_BEAT_SCHEDULE): queues
    certificate_issue for completed enrolments of certificate courses whose certificate
    is missing, pending or failed (older than a minute), e.g. after the broker was down.
    In batches; issuing is idempotent, so queuing one twice is harmless. Returns how many
    were queued."""
    from lms.selectors.certificates import certificate_sweep_enrolment_ids

    owed = certificate_sweep_enrolment_ids()
    if within_days is not None:
        owed = owed.filter(completed_at__gte=timezone.now() - datetime.timedelta(days=within_days))
    ids = list(owed.values_list("pk", flat=True)[:limit])
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
    from lms.services.certificate_reminders import certificate_expiry_reminders_send as service

    return service()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def certificate_pdfs_regenerate(certificate_ids: list[int]) -> int:
    from lms.services.certificate_pdfs import certificate_pdfs_regenerate as service

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
    from lms.services.certificate_bulk import certificate_bulk_job_run as service

    service(job_id=job_id)


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def certificate_bulk_zip_sweep() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): queues certificate_bulk_zip again for jobs
    still queued five minutes after the request (the task was lost to a broker or
    worker fault), and jobs still running after their lease (their worker died). Five,
    not one: a ZIP may wait behind others. A copy queued while another builds the job
    does nothing (certificate_bulk_job_run claims it first). Returns how many were
    queued."""
    from lms.selectors.certificates import certificate_bulk_jobs_stuck_ids

    ids = list(certificate_bulk_jobs_stuck_ids())
    for job_id in ids:
        certificate_bulk_zip.apply_async((job_id,))
    if ids:
        logger.info("certificate_bulk_zip_sweep queued %s jobs", len(ids))
    return len(ids)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def certificate_bulk_jobs_delete_expired() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): ZIPs older than LMS_CERTIFICATE_ZIP_RETENTION_HOURS."""
    from lms.services.certificate_bulk import certificate_bulk_jobs_delete_expired as service

    return service()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def enrolment_competency_evidence(enrolment_id: int) -> int:
    """The competency levels the course develops become assessments (method "course
    completion") of the employee. Idempotent (keyed by the enrolment, under the employee
    row's lock), so a retry or the sweep running it again creates nothing more."""
    from lms.services.competency_evidence import enrolment_competency_evidence as service

    return service(enrolment_id=enrolment_id)


def enrolment_competency_evidence_hook(*, enrolment_id: int) -> None:
    """Called by lms.services.enrolments on a completion: queues the evidence after commit,
    out of the learner's request (writes and HR notices); a broker that is down is
    logged and enrolment_competency_evidence_sweep catches up."""
    transaction.on_commit(
        lambda: _enqueue_for_enrolment(enrolment_competency_evidence, enrolment_id)
    )


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def enrolment_competency_evidence_sweep(limit: int = 5000) -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): queues enrolment_competency_evidence for
    enrolments completed in the last 7 days whose evidence is missing. Returns how many
    were queued."""
    from lms.selectors.certificates import enrolment_evidence_sweep_ids

    ids = list(enrolment_evidence_sweep_ids().values_list("pk", flat=True)[:limit])
    for enrolment_id in ids:
        enrolment_competency_evidence.apply_async((enrolment_id,))
    if ids:
        logger.info("enrolment_competency_evidence_sweep queued %s enrolments", len(ids))
    return len(ids)


@shared_task(bind=True, ignore_result=True)
def worker_heartbeat_record(self: Task) -> None:
    """Every minute (CELERY_BEAT_SCHEDULE, expiring unrun): the worker that takes it
    records that it is alive, which /health/ checks (HEALTH_CHECK_WORKER_MAX_AGE_MINUTES)."""
    from lms.services.heartbeat import worker_heartbeat_record as record

    record(hostname=self.request.hostname or "eager")


@shared_task(
    bind=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=5
)
def certificate_signing_job_run(self: Task, job_id: int) -> None:
    """The signer's batch. A gateway or TSA that does not answer is retried with backoff
    (the batch resumes where it stopped); after the last retry the batch is marked failed
    and a new one picks up the certificates still waiting."""
    from lms.services.certificate_signing import certificate_signing_job_give_up
    from lms.services.certificate_signing import certificate_signing_job_run as service
    from lms.signing import SigningError

    try:
        service(job_id=job_id)
    except SigningError as error:
        if not error.transient:
            raise
        if self.request.retries >= 5:
            certificate_signing_job_give_up(job_id=job_id, error=str(error))
            return
        raise self.retry(exc=error, countdown=min(300, 10 * 2**self.request.retries)) from error
    except (OperationalError, InterfaceError):
        raise  # retried by Celery (autoretry_for)
    except Exception as error:
        # Anything else (a bug, a library's surprise) would leave the batch "running"
        # for ever, its progress bar spinning: it ends as failed, with the reason, and a
        # new batch resumes it.
        certificate_signing_job_give_up(job_id=job_id, error=f"{type(error).__name__}: {error}")
        raise


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def certificates_sign_automatically() -> int:
    """Every five minutes (CELERY_BEAT_SCHEDULE): automatic signing's second chance for
    certificates left unsigned at issue. Idempotent; returns how many were signed."""
    from lms.services.certificate_signing import certificates_sign_automatically as service

    return service()


@shared_task(
    bind=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=8,
)
def xapi_statements_deliver(self: Task) -> int:
    """Queued after commit by every recorded learning event, and every minute
    (CELERY_BEAT_SCHEDULE) as the sweep for statements still waiting. An LRS that does
    not answer is retried with backoff (the rows themselves wait as long: 15 s, 30 s,
    1 min… up to an hour); after the last retry the sweep carries on. Safe to run twice:
    rows are taken under skip-locked row locks and the statement ids are deterministic,
    so the LRS keeps each statement once. Returns how many statements were sent."""
    from lms.services.xapi import xapi_statements_deliver as service
    from lms.xapi.client import LrsError

    try:
        return service()
    except LrsError as error:
        if self.request.retries >= 8:
            logger.warning("xAPI delivery gave up retrying; the sweep carries on: %s", error)
            return 0
        raise self.retry(exc=error, countdown=min(600, 15 * 2**self.request.retries)) from error


def xapi_statements_deliver_enqueue() -> None:
    """Called after a learning event commits (lms.services.xapi). Nothing may break the
    learner's request here: a broker that is down (or, with eager Celery, an LRS that is
    down) is logged, and the minute's sweep sends the statements."""
    try:
        xapi_statements_deliver.apply_async(retry=False)
    except Exception:
        logger.exception("Could not queue or run xapi_statements_deliver; the sweep will")


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def content_packages_cleanup() -> int:
    """Unused SCORM and H5P packages (lms.services.content_packages); safe to run twice."""
    from lms.services.content_packages import content_packages_cleanup as service

    return service().packages


@shared_task(ignore_result=True)
def demo_crl_renew() -> bool:
    """Daily (CELERY_BEAT_SCHEDULE): the demo PKI's CRL issued again before it runs out,
    so a long-running demo keeps signing B-LT. Nothing in production (lms.signing.demo_pki)."""
    from lms.signing import demo_pki

    return demo_pki.demo_crl_ensure()
