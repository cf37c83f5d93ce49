from __future__ import annotations

import pytest

from lms.demo.seed import demo_seed
from lms.models import Certificate, Enrolment

pytestmark = pytest.mark.django_db


def test_seed_demo_issues_certificates_for_completed_demo_courses_once():
    demo_seed()
    completed = Enrolment.objects.filter(
        status=Enrolment.Status.COMPLETED, course__certificate_enabled=True
    )
    assert completed.exists()
    current = Certificate.objects.filter(
        status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED], is_current=True
    )
    assert set(current.values_list("enrolment_id", flat=True)) == set(
        completed.values_list("pk", flat=True)
    )
    assert all(c.pdf.name for c in current)
    # One is revoked (category "data error") so that /verify/ shows both states.
    revoked = Certificate.objects.get(status=Certificate.Status.REVOKED)
    assert revoked.revocation_category == Certificate.RevocationCategory.DATA_ERROR
    assert Certificate.objects.filter(status=Certificate.Status.ISSUED).exists()

    demo_seed()
    assert Certificate.objects.count() == completed.count()
    assert Certificate.objects.filter(status=Certificate.Status.REVOKED).count() == 1


def test_seed_demo_creates_the_signing_key_on_first_use(signing_key_file, settings, tmp_path):
    from cryptography.hazmat.primitives.serialization import pkcs12

    from lms import signing
    from lms.signing import demo_pki

    signer_file = tmp_path / "pdf-signing" / "signer.p12"
    settings.LMS_PDF_SIGNER_PKCS12_FILE = str(signer_file)
    signing.reset()
    assert not signing_key_file.exists()
    demo_seed()
    assert signing_key_file.exists()
    assert signing_key_file.stat().st_mode & 0o777 == 0o600
    # The demo PKI: root CA -> the demo Kepala BKPSDM's certificate, both marked DEMO,
    # private files; every demo certificate issued and current is signed with it.
    assert signer_file.stat().st_mode & 0o777 == 0o600
    _, certificate, chain = pkcs12.load_key_and_certificates(
        signer_file.read_bytes(), demo_pki.DEMO_PASSPHRASE.encode()
    )
    assert "Nama Penandatangan (Demo) (DEMO)" in certificate.subject.rfc4514_string()
    assert demo_pki.is_demo([certificate]) and demo_pki.is_demo(chain)
    issued = Certificate.objects.filter(status=Certificate.Status.ISSUED, is_current=True)
    assert issued.exists() and not issued.filter(signed_at__isnull=True).exists()
    signing.reset()
