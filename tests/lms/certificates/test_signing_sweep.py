"""Signing that failed for a passing reason is tried again without anyone's help
(issue 19: "retries transient gateway errors"): with automatic signing, a certificate
left unsigned at issue (the TSA did not answer) is signed by the sweep once the service
is back; a signer's batch that meets an unexpected error ends as failed instead of
spinning forever."""

from __future__ import annotations

import datetime

from django.utils import timezone

import pytest

from lms import signing
from lms.models import Certificate, CertificateSigningJob
from lms.services.certificate_signing import (
    certificate_signing_job_create,
    certificates_sign_automatically,
)
from lms.services.certificates import certificate_issue
from lms.signing.validation import pdf_signature_check
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_signer():
    signing.reset()
    yield
    signing.reset()


def _tsa_down(settings) -> None:
    settings.LMS_PDF_SIGNING_TSA_URL = "http://127.0.0.1:9/tsa"  # discard port: refused
    settings.LMS_PDF_SIGNING_TSA_TIMEOUT = 1
    signing.reset()


def _a_while_ago(certificate: Certificate) -> None:
    # The sweep leaves alone what was issued in the last minute (the issue is still
    # signing it).
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=timezone.now() - datetime.timedelta(minutes=5)
    )


def test_a_certificate_left_unsigned_at_issue_is_signed_by_the_sweep(completed, settings, tsa_url):
    assert settings.LMS_PDF_SIGNING_AUTOMATIC
    _tsa_down(settings)
    certificate = certificate_issue(enrolment_id=completed.pk)
    certificate.refresh_from_db()
    assert certificate.signed_at is None and "TSA" in certificate.signing_error

    # Still down: nothing signed, nothing lost, the error kept.
    _a_while_ago(certificate)
    assert certificates_sign_automatically() == 0
    certificate.refresh_from_db()
    assert certificate.signed_at is None and certificate.signing_error

    settings.LMS_PDF_SIGNING_TSA_URL = tsa_url  # the service is back
    signing.reset()
    assert certificates_sign_automatically() == 1
    certificate.refresh_from_db()
    assert certificate.signed_at is not None and certificate.signing_error == ""
    check = pdf_signature_check(certificate.pdf.read())
    assert check.valid and check.timestamp is not None
    # Twice is harmless: nothing left to sign.
    assert certificates_sign_automatically() == 0


def test_the_sweep_leaves_fresh_certificates_and_the_signers_queue_alone(completed, settings):
    _tsa_down(settings)
    certificate = certificate_issue(enrolment_id=completed.pk)
    settings.LMS_PDF_SIGNING_TSA_URL = ""
    signing.reset()
    assert certificates_sign_automatically() == 0  # issued just now
    _a_while_ago(certificate)
    settings.LMS_PDF_SIGNING_AUTOMATIC = False  # the signer signs them from the queue
    assert certificates_sign_automatically() == 0
    certificate.refresh_from_db()
    assert certificate.signed_at is None


def test_a_batch_that_meets_an_unexpected_error_ends_as_failed(
    completed, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Permission

    settings.LMS_PDF_SIGNING_AUTOMATIC = False
    signing.reset()
    certificate_issue(enrolment_id=completed.pk)
    signer = UserFactory(email="kepala@uji.example")
    signer.user_permissions.add(
        Permission.objects.get(codename="sign_certificate", content_type__app_label="lms")
    )

    def broken(self, pdf, *, request):
        raise RuntimeError("a bug in a library")

    monkeypatch.setattr(type(signing.get_signer()), "sign", broken)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        certificate_signing_job_create(actor=signer, certificate_ids=None)
    job = CertificateSigningJob.objects.get()
    assert job.status == "failed" and job.error
    assert not Certificate.objects.filter(signed_at__isnull=False).exists()
