"""The signer's queue (lms.admin_views.certificate_signing, lms.services.certificate_signing):
certificates wait for the signature when signing is not automatic, the signer signs a
selection or all in a Celery batch with progress, each exactly once (a PostgreSQL test
races two signers), the learner and the verify page say "menunggu tanda tangan" until then."""

from __future__ import annotations

import threading

from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse

import pytest

from lms import signing
from lms.models import Certificate, CertificateSigningJob
from lms.services.certificate_signing import certificate_sign, certificate_signing_job_create
from lms.services.certificates import certificate_issue
from lms.signing.validation import pdf_signature_check
from tests.factories.accounts import UserFactory

from .conftest import complete


@pytest.fixture(autouse=True)
def _queue_mode(settings):
    settings.LMS_PDF_SIGNING_AUTOMATIC = False
    signing.reset()
    yield
    signing.reset()


@pytest.fixture
def signer(db):
    """The Kepala BKPSDM: admin access and the signing permission, no HR role."""
    user = UserFactory(email="kepala@uji.example")
    user.user_permissions.add(
        Permission.objects.get(codename="sign_certificate", content_type__app_label="lms"),
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
    )
    return user


@pytest.fixture
def waiting(holder, course):
    from tests.factories.lms import CoursePageFactory

    certificates = [certificate_issue(enrolment_id=complete(holder, course).pk)]
    for title in ("Etika Publik", "Manajemen ASN"):
        other = CoursePageFactory(parent=course.get_parent(), title=title)
        certificates.append(certificate_issue(enrolment_id=complete(holder, other).pk))
    return certificates


def _pdf(certificate: Certificate) -> bytes:
    certificate.refresh_from_db()
    return certificate.pdf.read()


def test_without_automatic_signing_certificates_wait_and_the_learner_is_told(
    client, holder, waiting
):
    assert all(c.signed_at is None for c in waiting)
    assert pdf_signature_check(_pdf(waiting[0])).problem == "unsigned"
    client.force_login(holder)
    page = client.get(reverse("lms:dashboard")).content.decode()
    assert "menunggu tanda tangan" in page


def test_the_signer_signs_a_selection_then_all_in_batches(
    client, signer, waiting, django_capture_on_commit_callbacks
):
    client.force_login(signer)
    queue = client.get(reverse("lms_certificates:sign_queue"))
    assert queue.status_code == 200
    assert waiting[0].number in queue.content.decode()
    preview = client.get(reverse("lms_certificates:sign_preview", args=[waiting[0].pk]))
    assert preview["Content-Type"] == "application/pdf"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("lms_certificates:sign_queue"),
            {"scope": "selected", "certificate": [str(waiting[0].pk)]},
        )
    job = CertificateSigningJob.objects.get()
    assert response.url == reverse("lms_certificates:sign_job", args=[job.pk])
    assert (job.status, job.total, job.signed) == ("done", 1, 1)
    assert pdf_signature_check(_pdf(waiting[0])).valid
    assert all(
        c.signed_at is None for c in Certificate.objects.filter(pk__in=[w.pk for w in waiting[1:]])
    )
    status = client.get(reverse("lms_certificates:sign_job_status", args=[job.pk])).json()
    assert status["percent"] == 100 and status["signed"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("lms_certificates:sign_queue"), {"scope": "all"})
    second = CertificateSigningJob.objects.exclude(pk=job.pk).get()
    assert (second.status, second.total, second.signed) == ("done", 2, 2)
    assert not Certificate.objects.filter(signed_at__isnull=True).exists()
    # Signing again signs nothing twice.
    assert certificate_sign(certificate_id=waiting[1].pk, actor=signer) is None


def test_a_wrong_passphrase_stops_the_batch_and_marks_nothing_signed(
    signer, waiting, settings, django_capture_on_commit_callbacks
):
    settings.LMS_PDF_SIGNER_PKCS12_PASSPHRASE = "salah"
    with django_capture_on_commit_callbacks(execute=True):
        job = certificate_signing_job_create(actor=signer, certificate_ids=None)
    job.refresh_from_db()
    assert job.status == "failed" and "passphrase" in job.error
    assert job.signed == 0
    assert not Certificate.objects.filter(signed_at__isnull=False).exists()


def test_only_the_signer_may_sign(waiting, hr_manager):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        certificate_signing_job_create(actor=hr_manager, certificate_ids=None)


def test_revoking_a_waiting_certificate_takes_it_out_of_the_queue(waiting, hr_manager, signer):
    from lms.selectors.certificates import certificates_waiting_for_signature
    from lms.services.certificates import certificate_revoke

    certificate_revoke(
        certificate=waiting[0], actor=hr_manager, reason="Data salah", category="data_error"
    )
    assert waiting[0].pk not in set(
        certificates_waiting_for_signature().values_list("pk", flat=True)
    )
    assert certificate_sign(certificate_id=waiting[0].pk, actor=signer) is None


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("_database_as_migrated")
def test_two_signers_at_once_sign_a_certificate_exactly_once(holder, course, signer):
    certificate = certificate_issue(enrolment_id=complete(holder, course).pk)
    signing.get_signer()  # loaded once, before the race
    barrier = threading.Barrier(2)
    results: list[object] = []

    def sign() -> None:
        try:
            barrier.wait()
            results.append(certificate_sign(certificate_id=certificate.pk, actor=signer))
        finally:
            connection.close()

    threads = [threading.Thread(target=sign) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(result is not None for result in results) == 1
    from wagtail.models import ModelLogEntry

    assert ModelLogEntry.objects.filter(action="lms.certificate_sign").count() == 1
    assert pdf_signature_check(_pdf(certificate)).valid


def test_a_silent_tsa_is_retried_and_a_new_batch_resumes_where_it_stopped(
    signer, waiting, settings, django_capture_on_commit_callbacks
):
    from celery.exceptions import Retry

    settings.LMS_PDF_SIGNING_TSA_URL = "http://127.0.0.1:9/tsa"  # refused at once
    settings.LMS_PDF_SIGNING_TSA_TIMEOUT = 1
    signing.reset()
    # The task asks Celery to retry it later (eager here: the Retry surfaces).
    with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
        job = certificate_signing_job_create(actor=signer, certificate_ids=None)
    job = CertificateSigningJob.objects.get()
    assert job.status == "running" and "TSA" in job.error and job.signed == 0
    assert not Certificate.objects.filter(signed_at__isnull=False).exists()

    settings.LMS_PDF_SIGNING_TSA_URL = ""  # the service is back
    signing.reset()
    with django_capture_on_commit_callbacks(execute=True):
        again = certificate_signing_job_create(actor=signer, certificate_ids=None)
    again.refresh_from_db()
    assert (again.status, again.signed) == ("done", 3)
    # The first batch, retried, finds nothing left to sign and finishes.
    from lms.services.certificate_signing import certificate_signing_job_run

    assert certificate_signing_job_run(job_id=job.pk).status == "done"
