"""PAdES B-LT (issue 19): with `LMS_PDF_SIGNING_CRL_FILES` naming the CA's revocation
list, the signature carries its validation data (the chain and the CRL in the DSS) and
pyHanko's validator accepts it offline with nothing but what the PDF embeds; a signer
certificate revoked in the CRL, or a CRL out of date, refuses to sign (nothing marked
signed); the verify page says "revocation information embedded (LTV)" in plain words."""

from __future__ import annotations

import datetime
import io

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext

from lms import signing
from lms.models import Certificate
from lms.services.certificate_signing import certificate_sign
from lms.services.certificates import certificate_issue
from lms.signing import SigningError, demo_pki
from lms.signing.validation import pdf_signature_check


@pytest.fixture
def pki(tmp_path_factory, settings):
    """A demo PKI of this module's own (its CRL is rewritten by the tests), with its CRL
    configured: signatures are B-LT."""
    directory = tmp_path_factory.mktemp("pki")
    files = demo_pki.demo_pki_create(directory=directory)
    settings.LMS_PDF_SIGNER_PKCS12_FILE = str(files.signer)
    settings.LMS_PDF_SIGNING_CRL_FILES = [str(files.crl)]
    signing.reset()
    yield files
    signing.reset()


def _stored(certificate: Certificate) -> bytes:
    certificate.refresh_from_db()
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        return handle.read()


def _root(files) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(files.root.read_bytes()).public_bytes(
            serialization.Encoding.DER
        )
    )


def _signer_certificate(files) -> x509.Certificate:
    _, certificate, _ = pkcs12.load_key_and_certificates(
        files.signer.read_bytes(), demo_pki.DEMO_PASSPHRASE.encode()
    )
    return certificate


def _offline_status(pdf: bytes, files, *, with_dss: bool):
    """pyHanko's validator, revocation information required, nothing fetched: with the
    DSS's CRLs and certificates, or with nothing but the root."""
    reader = PdfFileReader(io.BytesIO(pdf))
    options = {"trust_roots": [_root(files)], "allow_fetching": False, "revocation_mode": "require"}
    if with_dss:
        context = DocumentSecurityStore.read_dss(reader).as_validation_context(options)
    else:
        context = ValidationContext(crls=[], **options)
    return validate_pdf_signature(reader.embedded_regular_signatures[-1], context)


def test_a_b_lt_signature_validates_offline_with_the_embedded_crl(pki, completed):
    certificate = certificate_issue(enrolment_id=completed.pk)

    pdf = _stored(certificate)
    dss = DocumentSecurityStore.read_dss(PdfFileReader(io.BytesIO(pdf)))
    assert len(dss.crls) == 1 and dss.certs  # the CRL and the chain, in the PDF
    status = _offline_status(pdf, pki, with_dss=True)
    assert status.intact and status.valid and status.trusted
    # Without the embedded data the same offline check cannot trust it: the DSS is what
    # makes the signature verifiable later.
    assert not _offline_status(pdf, pki, with_dss=False).trusted


def test_with_a_tsa_the_crl_covers_the_timestamp_too(pki, completed, settings, tsa_url):
    settings.LMS_PDF_SIGNING_TSA_URL = tsa_url

    certificate = certificate_issue(enrolment_id=completed.pk)

    check = pdf_signature_check(_stored(certificate))
    assert check.valid and check.timestamp_trusted
    assert check.revocation_embedded and check.revocation_confirmed


def test_the_check_says_revocation_info_is_embedded(pki, completed):
    certificate = certificate_issue(enrolment_id=completed.pk)

    check = pdf_signature_check(_stored(certificate))

    assert check.valid
    assert check.revocation_embedded and check.revocation_confirmed
    assert not check.revoked_at_signing and check.revocation_updated is not None


def test_without_crl_files_nothing_is_embedded(completed):
    signing.reset()
    certificate = certificate_issue(enrolment_id=completed.pk)

    check = pdf_signature_check(_stored(certificate))

    assert check.valid and not check.revocation_embedded


def test_a_signer_revoked_in_the_crl_refuses_to_sign_and_nothing_is_marked_signed(pki, completed):
    demo_pki.demo_crl_write(directory=pki.directory, revoked=(_signer_certificate(pki),))

    certificate = certificate_issue(enrolment_id=completed.pk)  # issuing goes on

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.signed_at is None
    assert "dicabut" in certificate.signing_error
    assert pdf_signature_check(_stored(certificate)).problem == "unsigned"
    with (
        translation.override("en"),
        pytest.raises(SigningError, match="revoked in the CA's revocation list"),
    ):
        certificate_sign(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.signed_at is None


def test_an_out_of_date_crl_refuses_to_sign_with_what_to_do(pki, completed):
    demo_pki.demo_crl_write(
        directory=pki.directory,
        issued_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=10),
        days=7,  # its nextUpdate passed three days ago
    )

    certificate = certificate_issue(enrolment_id=completed.pk)

    certificate.refresh_from_db()
    assert certificate.signed_at is None
    assert "kedaluwarsa" in certificate.signing_error


def test_a_missing_crl_file_refuses_to_sign(pki, completed, settings):
    settings.LMS_PDF_SIGNING_CRL_FILES = [str(pki.directory / "hilang.crl")]

    certificate = certificate_issue(enrolment_id=completed.pk)

    certificate.refresh_from_db()
    assert certificate.signed_at is None
    assert "hilang.crl" in certificate.signing_error


def test_a_replaced_crl_file_is_read_again_without_a_restart(pki, completed):
    signer = signing.get_signer()  # built, with the clean CRL read
    certificate = certificate_issue(enrolment_id=completed.pk)
    assert certificate.signed_at is not None

    demo_pki.demo_crl_write(directory=pki.directory, revoked=(_signer_certificate(pki),))

    assert signing.get_signer() is signer
    Certificate.objects.filter(pk=certificate.pk).update(signed_at=None)
    with pytest.raises(SigningError, match="dicabut"):
        certificate_sign(certificate_id=certificate.pk)


def test_the_verify_page_reports_the_embedded_revocation_info_in_plain_words(
    pki, completed, client
):
    certificate = certificate_issue(enrolment_id=completed.pk)

    page = client.get(reverse("verify:pdf", args=[certificate.code])).content.decode()

    assert "Informasi pencabutan (LTV)" in page
    assert "Tertanam: sertifikat penanda tangan tidak dicabut saat menandatangani" in page


def test_manage_py_check_names_a_missing_or_stale_crl(pki, settings):
    from lms.checks import check_pdf_signing_crls

    assert check_pdf_signing_crls() == []
    demo_pki.demo_crl_write(
        directory=pki.directory,
        issued_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=10),
        days=7,
    )
    assert [m.id for m in check_pdf_signing_crls()] == ["lms.W004"]
    settings.LMS_PDF_SIGNING_CRL_FILES = [str(pki.directory / "hilang.crl")]
    assert [m.id for m in check_pdf_signing_crls()] == ["lms.E004"]


def test_with_a_tsa_the_dss_is_covered_by_a_document_timestamp_b_lta(
    pki, completed, settings, tsa_url
):
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_timestamp
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    settings.LMS_PDF_SIGNING_TSA_URL = tsa_url
    signing.reset()

    certificate = certificate_issue(enrolment_id=completed.pk)

    pdf = _stored(certificate)
    reader = PdfFileReader(io.BytesIO(pdf))
    (document_timestamp,) = reader.embedded_timestamp_signatures
    dss = DocumentSecurityStore.read_dss(reader)
    assert dss.crls  # the DSS the timestamp covers (it was written before it)
    context = dss.as_validation_context(
        {"trust_roots": [_root(pki)], "allow_fetching": False, "revocation_mode": "require"}
    )
    timestamp = validate_pdf_timestamp(document_timestamp, context)
    assert timestamp.intact and timestamp.valid and timestamp.trusted
    # It covers the signature's revision and the DSS written after it (in the
    # timestamp's own revision); pyHanko may then append the timestamp's own validation
    # data (an "LTA update", allowed).
    signature = reader.embedded_regular_signatures[-1]
    assert document_timestamp.signed_revision > signature.signed_revision
    assert "/DSS" in reader.get_historical_root(document_timestamp.signed_revision)
    assert "/DSS" not in reader.get_historical_root(signature.signed_revision)
    assert timestamp.coverage >= SignatureCoverageLevel.ENTIRE_REVISION
    assert timestamp.modification_level in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
    assert _offline_status(pdf, pki, with_dss=True).trusted
    assert pdf_signature_check(pdf).valid
