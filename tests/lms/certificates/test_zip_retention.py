"""Bulk certificate ZIPs (they hold full NIPs) and their jobs are deleted after
LMS_CERTIFICATE_ZIP_RETENTION_HOURS, by an hourly beat task; the pages say so."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

import pytest

from lms.models import CertificateBulkJob
from lms.tasks import certificate_bulk_jobs_delete_expired

pytestmark = pytest.mark.django_db


def _job(user, *, hours_ago: float) -> CertificateBulkJob:
    job = CertificateBulkJob.objects.create(
        requested_by=user, status=CertificateBulkJob.Status.DONE, total=1, progress=1
    )
    job.file = default_storage.save(f"certificate-zips/{job.pk}-x.zip", ContentFile(b"PK"))
    job.save()
    CertificateBulkJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=hours_ago)
    )
    return job


def test_zips_older_than_the_retention_are_deleted_with_their_jobs(hr_manager):
    old = _job(hr_manager, hours_ago=25)
    recent = _job(hr_manager, hours_ago=23)
    gone = _job(hr_manager, hours_ago=30)
    default_storage.delete(gone.file.name)  # a file already lost does not stop the rest

    assert certificate_bulk_jobs_delete_expired() == 2
    assert certificate_bulk_jobs_delete_expired() == 0  # safe to run twice

    assert list(CertificateBulkJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not default_storage.exists(old.file.name)
    assert default_storage.exists(recent.file.name)


def test_the_retention_is_a_setting(hr_manager, settings):
    settings.LMS_CERTIFICATE_ZIP_RETENTION_HOURS = 2
    _job(hr_manager, hours_ago=3)
    assert certificate_bulk_jobs_delete_expired() == 1


def test_the_cleanup_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["certificate-bulk-jobs-delete-expired"]
    assert entry["task"] == "lms.tasks.certificate_bulk_jobs_delete_expired"
    assert settings.LMS_CERTIFICATE_ZIP_RETENTION_HOURS == 24


def test_the_pages_say_when_the_zip_is_deleted(client, hr_manager):
    job = _job(hr_manager, hours_ago=1)
    client.force_login(hr_manager)

    detail = client.get(reverse("lms_certificates:bulk_detail", args=[job.pk]))
    listing = client.get(reverse("lms_certificates:bulk_create"))

    assert detail.status_code == listing.status_code == 200
    job.refresh_from_db()
    expires = timezone.localtime(job.created_at + datetime.timedelta(hours=24))
    assert detail.context["job"].expires_at == expires
    with translation.override("id"):  # the admin's language; "6 Des 2026, 14.05"
        shown = date_format(expires, "DATETIME_FORMAT")
    # Not the wording: the Indonesian catalogue is compiled separately.
    assert " 24 " in detail.content.decode() and shown in detail.content.decode()
    assert shown in listing.content.decode()


def test_the_sweep_queues_again_a_zip_whose_task_was_lost_and_nothing_else(hr_manager):
    """The ZIP task was lost (broker down at the request): the job stayed "queued" for
    good. certificate_bulk_zip_sweep queues it again five minutes on; a job just
    requested, running or done is left alone."""
    from lms.tasks import certificate_bulk_zip_sweep

    def job(status, *, minutes_ago):
        created = CertificateBulkJob.objects.create(requested_by=hr_manager, status=status)
        CertificateBulkJob.objects.filter(pk=created.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
        )
        return created

    lost = job(CertificateBulkJob.Status.QUEUED, minutes_ago=6)
    job(CertificateBulkJob.Status.QUEUED, minutes_ago=1)
    job(CertificateBulkJob.Status.RUNNING, minutes_ago=6)

    assert certificate_bulk_zip_sweep() == 1  # eager: the ZIP is built now
    lost.refresh_from_db()
    assert lost.status == CertificateBulkJob.Status.DONE
    assert certificate_bulk_zip_sweep() == 0
