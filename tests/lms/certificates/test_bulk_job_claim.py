"""A bulk ZIP job is claimed before it is built: the sweep queuing it again, a redelivery
or a retry while another worker builds it does nothing; a job whose worker died is
built again once its lease has run out."""

from __future__ import annotations

import datetime

from django.utils import timezone

import pytest

from lms.models import CertificateBulkJob
from lms.services import certificate_bulk as service_module
from lms.services.certificate_bulk import certificate_bulk_job_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    """Counts the builds (each reads the certificates once)."""
    calls: list[int] = []
    original = service_module.certificate_bulk_queryset

    def counting(**kwargs):
        calls.append(1)
        return original(**kwargs)

    monkeypatch.setattr(service_module, "certificate_bulk_queryset", counting)
    return calls


def _job(hr_manager, course, **fields) -> CertificateBulkJob:
    return CertificateBulkJob.objects.create(requested_by=hr_manager, course=course, **fields)


def test_certificate_bulk_job_run_twice_builds_once(hr_manager, course, builds):
    job = _job(hr_manager, course)

    certificate_bulk_job_run(job_id=job.pk)
    certificate_bulk_job_run(job_id=job.pk)

    assert len(builds) == 1
    job.refresh_from_db()
    assert job.status == CertificateBulkJob.Status.DONE


def test_certificate_bulk_job_run_second_concurrent_claim_does_no_work(
    hr_manager, course, monkeypatch
):
    job = _job(hr_manager, course)
    calls: list[int] = []
    original = service_module.certificate_bulk_queryset

    def while_building(**kwargs):
        calls.append(1)
        if len(calls) == 1:  # the sweep's copy of the task starts meanwhile
            certificate_bulk_job_run(job_id=job.pk)
        return original(**kwargs)

    monkeypatch.setattr(service_module, "certificate_bulk_queryset", while_building)

    certificate_bulk_job_run(job_id=job.pk)

    assert len(calls) == 1
    job.refresh_from_db()
    assert job.status == CertificateBulkJob.Status.DONE


def test_certificate_bulk_job_run_leaves_a_job_another_worker_holds(hr_manager, course, builds):
    job = _job(
        hr_manager,
        course,
        status=CertificateBulkJob.Status.RUNNING,
        finished_at=timezone.now() + datetime.timedelta(minutes=5),
    )

    certificate_bulk_job_run(job_id=job.pk)

    assert builds == []
    job.refresh_from_db()
    assert job.status == CertificateBulkJob.Status.RUNNING


def test_a_job_whose_worker_died_is_queued_again_after_its_lease(hr_manager, course, builds):
    from lms.tasks import certificate_bulk_zip_sweep

    job = _job(
        hr_manager,
        course,
        status=CertificateBulkJob.Status.RUNNING,
        finished_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    CertificateBulkJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=20)
    )

    assert certificate_bulk_zip_sweep() == 1  # eager: built now

    assert len(builds) == 1
    job.refresh_from_db()
    assert job.status == CertificateBulkJob.Status.DONE
    assert certificate_bulk_zip_sweep() == 0
