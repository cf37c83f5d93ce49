"""Celery task names are part of the contract with the broker and the beat schedule: a
message queued before a deploy names the task by string, and so does CELERY_BEAT_SCHEDULE.
Moving a task's module must not rename it (give it ``name=`` instead)."""

from django.conf import settings

import pytest

from config.celery import app

# Every task the portal registers. A new task is added here on purpose; a moved or
# renamed one fails this test before it strands the messages already in the queue.
PINNED_TASK_NAMES = {
    "accounts.tasks.notification_email_send",
    "accounts.tasks.notification_emails_send_batch",
    "accounts.tasks.notification_emails_send_pending",
    "accounts.tasks.user_invitation_send",
    "accounts.tasks.user_invitations_send_batch",
    "accounts.tasks.user_invitations_sweep",
    "competencies.tasks.current_levels_sweep",
    "competencies.tasks.held_proofs_delete_expired",
    "competencies.tasks.jp_recompute_preview",
    "competencies.tasks.jp_recompute_apply",
    "competencies.tasks.jp_years_refresh_for_activity",
    "competencies.tasks.pending_import_check",
    "config.api.webhooks.webhook_deliver",
    "lms.tasks.assignment_enrolment_completed",
    "lms.tasks.assignment_enrolment_completed_sweep",
    "lms.tasks.assignment_reminders_send",
    "lms.tasks.assignment_rules_apply",
    "lms.tasks.certificate_bulk_jobs_delete_expired",
    "lms.tasks.certificate_signing_job_run",
    "lms.tasks.certificates_sign_automatically",
    "lms.tasks.certificate_bulk_zip",
    "lms.tasks.certificate_bulk_zip_sweep",
    "lms.tasks.certificate_expiry_reminders_send",
    "lms.tasks.certificate_issue",
    "lms.tasks.certificate_issue_sweep",
    "lms.tasks.certificate_pdfs_regenerate",
    "lms.tasks.content_packages_cleanup",
    "lms.tasks.demo_crl_renew",
    "lms.tasks.enrolment_competency_evidence",
    "lms.tasks.enrolment_competency_evidence_sweep",
    "lms.tasks.worker_heartbeat_record",
    "lms.tasks.xapi_statements_deliver",
}

# Celery's Django fix-up closes the database connections when it imports the task modules.
pytestmark = pytest.mark.django_db


def _registered() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_task_names_are_pinned():
    registered = _registered()
    assert registered - PINNED_TASK_NAMES == set(), "new tasks: add them to PINNED_TASK_NAMES"
    assert PINNED_TASK_NAMES - registered == set(), "a pinned task was renamed or removed"


def test_beat_schedule_names_registered_tasks():
    registered = _registered()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= registered
