"""PAdES B-LT with OCSP (issue 19): with `LMS_PDF_SIGNING_OCSP_URL` the signer's
certificate's status is asked from a real local OCSP responder (conftest: `cryptography`'s
x509.ocsp over HTTP), before the signature; the "good" answer is embedded in the DSS and
pyHanko's validator accepts the signature with nothing but the embedded data. A revoked
answer refuses (nothing marked signed, the reason in Indonesian and English); a responder
that is down or slow is a transient error (the queue tries again later) and the same
certificate signs once it answers. Only the configured address is ever asked."""

from __future__ import annotations

import io
import socket

from django.utils import translation

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
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

from .conftest import complete


def _pki(tmp_path_factory, settings, responder, *, aia: str, configured: str):
    directory = tmp_path_factory.mktemp("pki-ocsp")
    files = demo_pki.demo_pki_create(directory=directory, ocsp_url=aia)
    responder["directory"] = directory
    settings.LMS_PDF_SIGNER_PKCS12_FILE = str(files.signer)
    settings.LMS_PDF_SIGNING_CRL_FILES = []
    settings.LMS_PDF_SIGNING_OCSP_URL = configured
    settings.LMS_PDF_SIGNING_OCSP_TIMEOUT = 5
    signing.reset()
    return files


@pytest.fixture
def pki(tmp_path_factory, settings, ocsp_responder):
    """The signer's certificate names the local responder (AIA); the setting says "aia"."""
    files = _pki(
        tmp_path_factory, settings, ocsp_responder, aia=ocsp_responder["url"], configured="aia"
    )
    yield files
    signing.reset()


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/ocsp"


def _stored(certificate: Certificate) -> bytes:
    certificate.refresh_from_db()
    return certificate.pdf.read()


def _root(files) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(files.root.read_bytes()).public_bytes(
            serialization.Encoding.DER
        )
    )


def _offline_status(pdf: bytes, files, *, with_dss: bool):
    reader = PdfFileReader(io.BytesIO(pdf))
    options = {"trust_roots": [_root(files)], "allow_fetching": False, "revocation_mode": "require"}
    if with_dss:
        context = DocumentSecurityStore.read_dss(reader).as_validation_context(options)
    else:
        context = ValidationContext(crls=[], **options)
    return validate_pdf_signature(reader.embedded_regular_signatures[-1], context)


def test_the_ocsp_answer_is_embedded_and_validates_with_embedded_data_only(
    pki, completed, ocsp_responder
):
    certificate = certificate_issue(enrolment_id=completed.pk)

    assert certificate.signed_at is not None
    pdf = _stored(certificate)
    dss = DocumentSecurityStore.read_dss(PdfFileReader(io.BytesIO(pdf)))
    assert len(dss.ocsps) == 1 and not dss.crls
    status = _offline_status(pdf, pki, with_dss=True)
    assert status.intact and status.valid and status.trusted
    assert not _offline_status(pdf, pki, with_dss=False).trusted
    check = pdf_signature_check(pdf)
    assert check.valid and check.revocation_embedded and check.revocation_confirmed
    assert ocsp_responder["asked"] == 1


def test_a_configured_responder_url_is_asked_and_the_certificates_own_is_not(
    tmp_path_factory, settings, ocsp_responder, completed
):
    # The certificate names a responder that does not exist: only the agency's URL counts.
    files = _pki(
        tmp_path_factory,
        settings,
        ocsp_responder,
        aia=_closed_port_url(),
        configured=ocsp_responder["url"],
    )

    certificate = certificate_issue(enrolment_id=completed.pk)

    assert certificate.signed_at is not None
    assert _offline_status(_stored(certificate), files, with_dss=True).trusted
    assert ocsp_responder["asked"] == 1


def test_a_batch_asks_the_responder_once(pki, holder, course, ocsp_responder):
    from tests.factories.lms import CoursePageFactory

    other = CoursePageFactory(parent=course.get_parent(), title="Etika Publik")
    first = certificate_issue(enrolment_id=complete(holder, course).pk)
    second = certificate_issue(enrolment_id=complete(holder, other).pk)

    assert first.signed_at is not None and second.signed_at is not None
    assert ocsp_responder["asked"] == 1


def test_a_revoked_answer_refuses_and_nothing_is_marked_signed(pki, completed, ocsp_responder):
    ocsp_responder["status"] = "revoked"

    with translation.override("en"):
        certificate = certificate_issue(enrolment_id=completed.pk)  # issuing goes on
        certificate.refresh_from_db()
        assert certificate.status == Certificate.Status.ISSUED
        assert certificate.signed_at is None
        assert "OCSP responder says the signing certificate is revoked" in (
            certificate.signing_error
        )
        assert pdf_signature_check(_stored(certificate)).problem == "unsigned"
        with pytest.raises(SigningError, match="revoked") as raised:
            certificate_sign(certificate_id=certificate.pk)
    assert not raised.value.transient
    with translation.override("id"), pytest.raises(SigningError, match="dicabut"):
        certificate_sign(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.signed_at is None


@pytest.mark.parametrize("trouble", ["slow", "try_later"])
def test_a_slow_or_busy_responder_is_retried_later_and_then_signs(
    pki, completed, ocsp_responder, trouble, settings
):
    settings.LMS_PDF_SIGNING_OCSP_TIMEOUT = 0.5
    signing.reset()
    ocsp_responder["status"] = trouble

    certificate = certificate_issue(enrolment_id=completed.pk)
    certificate.refresh_from_db()
    assert certificate.signed_at is None and certificate.signing_error
    with translation.override("en"), pytest.raises(SigningError) as raised:
        certificate_sign(certificate_id=certificate.pk)
    assert raised.value.transient
    assert "will be tried again later" in str(raised.value)
    assert pdf_signature_check(_stored(certificate)).problem == "unsigned"

    ocsp_responder["status"] = "good"  # the responder is back: the retry signs
    settings.LMS_PDF_SIGNING_OCSP_TIMEOUT = 5
    signed = certificate_sign(certificate_id=certificate.pk)

    assert signed is not None and signed.signed_at is not None and not signed.signing_error
    assert pdf_signature_check(_stored(certificate)).revocation_confirmed


def test_a_responder_that_is_down_is_a_transient_error(
    tmp_path_factory, settings, ocsp_responder, completed
):
    down = _closed_port_url()
    _pki(tmp_path_factory, settings, ocsp_responder, aia=down, configured=down)

    certificate = certificate_issue(enrolment_id=completed.pk)

    certificate.refresh_from_db()
    assert certificate.signed_at is None
    with translation.override("en"), pytest.raises(SigningError, match="did not answer") as raised:
        certificate_sign(certificate_id=certificate.pk)
    assert raised.value.transient


@pytest.mark.parametrize("configured", ["aia", "responder"])
def test_a_certificate_naming_no_responder_says_to_use_the_crl(
    tmp_path_factory, settings, ocsp_responder, completed, configured
):
    # pyHanko (and PDF readers) ignore an embedded OCSP answer for a certificate that
    # declares no OCSP responder: signing "B-LT" with one would not be B-LT.
    url = ocsp_responder["url"] if configured == "responder" else "aia"
    _pki(tmp_path_factory, settings, ocsp_responder, aia="", configured=url)

    with translation.override("en"), pytest.raises(SigningError, match="names no OCSP") as raised:
        signing.get_signer().sign(b"%PDF-1.7", request=signing.SignatureRequest(box=None))
    assert not raised.value.transient
    assert ocsp_responder["asked"] == 0


def test_manage_py_check_names_a_bad_ocsp_setting(tmp_path_factory, settings, ocsp_responder):
    from lms.checks import check_pdf_signing_ocsp

    _pki(tmp_path_factory, settings, ocsp_responder, aia="", configured="aia")
    assert [m.id for m in check_pdf_signing_ocsp()] == ["lms.W005"]
    settings.LMS_PDF_SIGNING_OCSP_URL = "ftp://ocsp.example"
    assert [m.id for m in check_pdf_signing_ocsp()] == ["lms.E005"]
    _pki(tmp_path_factory, settings, ocsp_responder, aia=ocsp_responder["url"], configured="aia")
    assert check_pdf_signing_ocsp() == []
