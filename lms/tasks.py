"""Celery tasks for lms (thin: they call the service of the same name)."""

from __future__ import annotations

from django.db import OperationalError, transaction

from celery import Task, shared_task


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


def certificate_issue_hook(*, enrolment_id: int) -> None:
    """Listed in settings.LMS_ENROLMENT_COMPLETED_HOOKS: queues the issue after commit."""
    transaction.on_commit(lambda: certificate_issue.delay(enrolment_id))
