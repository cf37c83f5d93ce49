"""The demo PKI's CRL is issued again before it runs out (issue 19): a stale demo CRL
refuses B-LT signatures (and `manage.py check` says lms.W004); `manage.py demo_crl_renew`,
the daily Celery task and seed_demo's demo_pki_ensure renew it (keeping what it revoked),
a second run does nothing, and production (or an agency's own PKI) is never touched."""

from __future__ import annotations

import datetime

from django.core.management import call_command

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from lms import signing, tasks
from lms.checks import check_pdf_signing_crls
from lms.services.certificate_signing import certificate_sign
from lms.services.certificates import certificate_issue
from lms.signing import demo_pki
from lms.signing.validation import pdf_signature_check


@pytest.fixture
def pki(tmp_path_factory, settings):
    files = demo_pki.demo_pki_create(directory=tmp_path_factory.mktemp("pki-renew"))
    settings.LMS_PDF_SIGNER_PKCS12_FILE = str(files.signer)
    settings.LMS_PDF_SIGNING_CRL_FILES = [str(files.crl)]
    signing.reset()
    yield files
    signing.reset()


def _expire(files) -> None:
    demo_pki.demo_crl_write(
        directory=files.directory,
        issued_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=10),
        days=7,  # its nextUpdate passed three days ago
    )


def _next_update(files) -> datetime.datetime:
    return x509.load_pem_x509_crl(files.crl.read_bytes()).next_update_utc


def test_an_expired_demo_crl_is_renewed_and_signing_works_afterwards(pki, completed):
    _expire(pki)
    certificate = certificate_issue(enrolment_id=completed.pk)
    certificate.refresh_from_db()
    assert certificate.signed_at is None and "kedaluwarsa" in certificate.signing_error
    assert [m.id for m in check_pdf_signing_crls()] == ["lms.W004"]

    call_command("demo_crl_renew")

    assert _next_update(pki) > datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=300)
    assert check_pdf_signing_crls() == []
    signed = certificate_sign(certificate_id=certificate.pk)
    assert signed is not None and signed.signed_at is not None
    certificate.refresh_from_db()
    check = pdf_signature_check(certificate.pdf.read())
    assert check.valid and check.revocation_confirmed


def test_a_second_run_does_nothing(pki):
    _expire(pki)

    assert tasks.demo_crl_renew() is True
    written = pki.crl.read_bytes()
    assert tasks.demo_crl_renew() is False
    assert pki.crl.read_bytes() == written


def test_a_missing_demo_crl_is_written_and_a_near_expiry_one_renewed(pki):
    pki.crl.unlink()
    assert demo_pki.demo_crl_ensure() is True
    assert pki.crl.exists()

    demo_pki.demo_crl_write(directory=pki.directory, days=10)  # 10 days left: < 30
    assert demo_pki.demo_crl_ensure() is True
    assert _next_update(pki) > datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=300)


def test_renewal_keeps_the_revoked_serials(pki):
    _, signer, _ = pkcs12.load_key_and_certificates(
        pki.signer.read_bytes(), demo_pki.DEMO_PASSPHRASE.encode()
    )
    demo_pki.demo_crl_write(directory=pki.directory, revoked=(signer,), days=5)

    assert demo_pki.demo_crl_ensure() is True

    renewed = x509.load_pem_x509_crl(pki.crl.read_bytes())
    assert renewed.get_revoked_certificate_by_serial_number(signer.serial_number) is not None


def test_seed_demos_ensure_renews_it(pki):
    _expire(pki)

    demo_pki.demo_pki_ensure()

    assert _next_update(pki) > datetime.datetime.now(datetime.UTC)


def test_never_in_production(pki, settings):
    settings.LMS_PDF_SIGNER_DEMO_AUTOCREATE = False  # config/settings/production.py
    _expire(pki)
    stale = pki.crl.read_bytes()

    assert demo_pki.demo_crl_ensure() is False
    call_command("demo_crl_renew")

    assert pki.crl.read_bytes() == stale


def test_an_agencys_own_root_is_never_touched(pki):
    # Not a DEMO root: the renewal leaves its CRL alone even where demos are allowed.
    _expire(pki)
    stale = pki.crl.read_bytes()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Root CA Pemerintah Kota")])
    now = datetime.datetime.now(datetime.UTC)
    own_root = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    pki.root.write_bytes(own_root.public_bytes(serialization.Encoding.PEM))

    assert demo_pki.demo_crl_ensure() is False
    assert pki.crl.read_bytes() == stale
