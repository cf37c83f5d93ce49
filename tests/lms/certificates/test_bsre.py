"""The BSrE client (lms.signing.bsre) against a local gateway implementing the documented
request and response shapes: Basic auth, multipart file/nik/passphrase/tampilan, the
signed PDF back on success, a JSON error otherwise, and a gateway too slow to answer.
The fake gateway signs with the demo key, so pyHanko can validate what comes back.
With revocation sources configured, the portal makes the gateway's signature PAdES B-LT
(the chain and the CRL / OCSP answer appended to the DSS), valid with embedded data only."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import http.server
import io
import json
import threading
import time

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
from lms.pdf import SIGNATURE_BOX, render_certificate
from lms.signing import SignatureRequest, SigningError, demo_pki
from lms.signing.bsre import BsreSigner
from lms.signing.local import LocalSigner
from lms.signing.validation import pdf_signature_check
from tests.lms.certificates.test_pdf import _data

NIK = "6474010101750001"
PASSPHRASE = "rahasia-kepala"
AUTH = "Basic " + base64.b64encode(b"portal:kunci-klien").decode()


def _fields(handler: http.server.BaseHTTPRequestHandler) -> dict[str, bytes]:
    body = handler.rfile.read(int(handler.headers["Content-Length"]))
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + handler.headers["Content-Type"].encode() + b"\r\n\r\n" + body
    )
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
        for part in message.iter_parts()
    }


class _GatewaySigner(LocalSigner):
    """The gateway signs B-B (or B-T): validation data are the portal's to add."""

    def _validation_context(self):
        return None


@pytest.fixture
def gateway(db):
    """A local BSrE gateway: the documented shapes, plus 'slow' mode (answers late)."""
    seen: list[dict[str, bytes]] = []
    mode = {"slow": False, "status": None}
    local: list[LocalSigner] = []  # the demo key stands in for the signer's certificate

    def prepare() -> None:  # with the test's PKI settings, before the client's timeout runs
        local[:] = [_GatewaySigner()]

    def sign(pdf: bytes) -> bytes:
        if not local:
            prepare()
        return local[0].sign(pdf, request=SignatureRequest(box=None))

    class Handler(http.server.BaseHTTPRequestHandler):
        def _json(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            if mode["slow"]:
                time.sleep(1.0)
            if mode["status"]:  # the gateway's own failure (503 down, 429 too many requests)
                return self._json(mode["status"], {"message": "Layanan sedang sibuk"})
            if self.path != "/api/sign/pdf":
                return self._json(404, {"error": "Not found"})
            if self.headers.get("Authorization") != AUTH:
                return self._json(401, {"error": "Unauthorized"})
            fields = _fields(self)
            seen.append(fields)
            if fields.get("nik", b"").decode() != NIK:
                return self._json(400, {"message": "NIK tidak terdaftar"})
            if fields.get("passphrase", b"").decode() != PASSPHRASE:
                return self._json(400, {"error": "Passphrase anda salah"})
            signed = sign(fields["file"])
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(signed)))
            self.end_headers()
            self.wfile.write(signed)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {
        "url": f"http://127.0.0.1:{server.server_address[1]}/",
        "seen": seen,
        "mode": mode,
        "prepare": prepare,
    }
    server.shutdown()
    server.server_close()


@pytest.fixture
def bsre(settings, gateway):
    settings.LMS_PDF_SIGNER = "bsre"
    settings.LMS_BSRE_URL = gateway["url"]
    settings.LMS_BSRE_USERNAME = "portal"
    settings.LMS_BSRE_PASSWORD = "kunci-klien"
    settings.LMS_BSRE_NIK = NIK
    settings.LMS_BSRE_TIMEOUT = 0.3
    signing.reset()
    gateway["prepare"]()
    yield signing.get_signer()
    signing.reset()


def _request(passphrase: str | None = PASSPHRASE) -> SignatureRequest:
    return SignatureRequest(box=SIGNATURE_BOX, passphrase=passphrase)


def test_the_gateway_signs_and_the_client_sends_the_documented_fields(bsre, gateway):
    assert isinstance(bsre, BsreSigner)
    pdf = render_certificate(_data())

    signed = bsre.sign(pdf, request=_request())

    assert pdf_signature_check(signed).intact
    (fields,) = gateway["seen"]
    assert fields["file"] == pdf
    assert fields["nik"].decode() == NIK
    assert fields["passphrase"].decode() == PASSPHRASE
    assert fields["tampilan"] == b"invisible"


def test_a_wrong_passphrase_is_refused_with_the_gateways_words_and_not_retried(bsre):
    with pytest.raises(SigningError) as raised:
        bsre.sign(render_certificate(_data()), request=_request("salah"))

    assert "Passphrase anda salah" in str(raised.value)
    assert not raised.value.transient


def test_no_passphrase_is_refused_before_calling_the_gateway(bsre, gateway):
    with pytest.raises(SigningError, match="passphrase"):
        bsre.sign(b"%PDF-1.4", request=_request(None))
    assert gateway["seen"] == []


def test_a_gateway_that_does_not_answer_in_time_is_a_transient_error(bsre, gateway):
    gateway["mode"]["slow"] = True

    with pytest.raises(SigningError) as raised:
        bsre.sign(render_certificate(_data()), request=_request())

    assert raised.value.transient
    assert "did not answer" in str(raised.value)


def _ltv_pki(tmp_path_factory, settings, *, ocsp_url: str = ""):
    """A demo PKI of the test's own standing in for BSrE's CA: its chain published
    (LMS_PDF_SIGNER_CHAIN_FILE), its CRL configured (or, with `ocsp_url` in the signer's
    certificate, its OCSP responder instead)."""
    directory = tmp_path_factory.mktemp("bsre-pki")
    files = demo_pki.demo_pki_create(directory=directory, ocsp_url=ocsp_url)
    settings.LMS_PDF_SIGNER_PKCS12_FILE = str(files.signer)
    settings.LMS_PDF_SIGNER_CHAIN_FILE = str(files.chain)
    settings.LMS_PDF_SIGNING_CRL_FILES = [] if ocsp_url else [str(files.crl)]
    settings.LMS_PDF_SIGNING_OCSP_URL = ocsp_url
    settings.LMS_BSRE_TIMEOUT = 30
    signing.reset()
    return files


@pytest.fixture
def ltv_pki(tmp_path_factory, settings):
    return _ltv_pki(tmp_path_factory, settings)


def _root(files) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(files.root.read_bytes()).public_bytes(
            serialization.Encoding.DER
        )
    )


def _offline_status(pdf: bytes, files, *, with_dss: bool):
    """pyHanko's validator, revocation information required, nothing fetched."""
    reader = PdfFileReader(io.BytesIO(pdf))
    options = {"trust_roots": [_root(files)], "allow_fetching": False, "revocation_mode": "require"}
    if with_dss:
        context = DocumentSecurityStore.read_dss(reader).as_validation_context(options)
    else:
        context = ValidationContext(crls=[], **options)
    return validate_pdf_signature(reader.embedded_regular_signatures[-1], context)


def test_a_gateway_that_cannot_be_reached_is_a_transient_error(bsre, settings):
    settings.LMS_BSRE_URL = "http://127.0.0.1:9/"  # discard port: refused at once
    signing.reset()
    with pytest.raises(SigningError) as raised:
        signing.get_signer().sign(render_certificate(_data()), request=_request())
    assert raised.value.transient
    assert "cannot be reached" in str(raised.value)


@pytest.mark.parametrize("status", [503, 429])
def test_a_gateway_failing_or_busy_is_a_transient_error_with_its_words(bsre, gateway, status):
    gateway["mode"]["status"] = status
    with pytest.raises(SigningError) as raised:
        bsre.sign(render_certificate(_data()), request=_request())
    assert raised.value.transient
    assert "Layanan sedang sibuk" in str(raised.value)


def test_the_signers_batch_sends_the_passphrase_typed_once_and_forgets_it(
    bsre, gateway, holder, course, django_capture_on_commit_callbacks
):
    """End to end through the queue: certificates wait (a BSrE signer is never
    automatic), the Kepala starts one batch with the passphrase, the gateway gets it
    with every certificate, all are signed, and the passphrase is gone from the cache."""
    from django.contrib.auth.models import Permission
    from django.core.cache import cache

    from lms.models import Certificate, CertificateSigningJob
    from lms.services.certificate_signing import certificate_signing_job_create
    from lms.services.certificates import certificate_issue
    from tests.factories.accounts import UserFactory
    from tests.factories.lms import CoursePageFactory

    from .conftest import complete

    certificates = [certificate_issue(enrolment_id=complete(holder, course).pk)]
    other = CoursePageFactory(parent=course.get_parent(), title="Etika Publik")
    certificates.append(certificate_issue(enrolment_id=complete(holder, other).pk))
    assert not Certificate.objects.filter(signed_at__isnull=False).exists()
    signer = UserFactory(email="kepala@uji.example")
    signer.user_permissions.add(
        Permission.objects.get(codename="sign_certificate", content_type__app_label="lms")
    )

    with django_capture_on_commit_callbacks(execute=True):
        job = certificate_signing_job_create(
            actor=signer, certificate_ids=None, passphrase=PASSPHRASE
        )

    job = CertificateSigningJob.objects.get(pk=job.pk)
    assert (job.status, job.signed) == ("done", 2)
    assert [f["passphrase"].decode() for f in gateway["seen"]] == [PASSPHRASE] * 2
    for certificate in certificates:
        certificate.refresh_from_db()
        assert certificate.signed_at is not None
        assert pdf_signature_check(certificate.pdf.read()).intact
    assert cache.get(f"lms:certificate-signing-job:{job.pk}:passphrase") is None


def test_a_lost_signed_file_goes_back_to_the_signers_queue(bsre, gateway, holder, course, client):
    """Under BSrE a signature needs the signer's passphrase, so a signed certificate
    whose file is lost cannot be signed again on the spot: its PDF is rendered unsigned,
    the certificate returns to the signer's queue ("menunggu tanda tangan"), and the
    learner gets the PDF instead of an error."""
    from django.core.files.storage import default_storage
    from django.urls import reverse

    from lms.selectors.certificates import certificates_waiting_for_signature
    from lms.services.certificate_signing import certificate_sign
    from lms.services.certificates import certificate_issue

    from .conftest import complete

    certificate = certificate_issue(enrolment_id=complete(holder, course).pk)
    certificate_sign(certificate_id=certificate.pk, passphrase=PASSPHRASE)
    certificate.refresh_from_db()
    assert certificate.signed_at is not None
    default_storage.delete(certificate.pdf.name)

    client.force_login(holder)
    response = client.get(reverse("lms:certificate_download", args=[certificate.code]))

    assert response.status_code == 200
    assert pdf_signature_check(b"".join(response.streaming_content)).problem == "unsigned"
    certificate.refresh_from_db()
    assert certificate.signed_at is None and certificate.signing_error
    assert certificates_waiting_for_signature().filter(pk=certificate.pk).exists()
    # The signer's next batch signs it again.
    assert certificate_sign(certificate_id=certificate.pk, passphrase=PASSPHRASE) is not None
    certificate.refresh_from_db()
    assert pdf_signature_check(certificate.pdf.read()).intact


def test_the_gateways_pdf_gets_its_validation_data_and_validates_with_it_alone(ltv_pki, bsre):
    signed = bsre.sign(render_certificate(_data()), request=_request())

    reader = PdfFileReader(io.BytesIO(signed))
    assert len(reader.embedded_regular_signatures) == 1  # the gateway's, untouched
    dss = DocumentSecurityStore.read_dss(reader)
    assert len(dss.crls) == 1 and dss.certs
    status = _offline_status(signed, ltv_pki, with_dss=True)
    assert status.intact and status.valid and status.trusted
    assert not _offline_status(signed, ltv_pki, with_dss=False).trusted
    check = pdf_signature_check(signed)
    assert check.valid and check.revocation_embedded and check.revocation_confirmed


def test_with_ocsp_the_gateways_pdf_embeds_the_responders_answer(
    tmp_path_factory, settings, ocsp_responder, bsre, gateway
):
    files = _ltv_pki(tmp_path_factory, settings, ocsp_url=ocsp_responder["url"])
    gateway["prepare"]()
    ocsp_responder["directory"] = files.directory

    signed = signing.get_signer().sign(render_certificate(_data()), request=_request())

    dss = DocumentSecurityStore.read_dss(PdfFileReader(io.BytesIO(signed)))
    assert len(dss.ocsps) == 1 and not dss.crls
    assert _offline_status(signed, files, with_dss=True).trusted
    assert ocsp_responder["asked"] == 1


def test_a_revoked_ocsp_answer_refuses_the_gateways_pdf(
    tmp_path_factory, settings, ocsp_responder, bsre, gateway
):
    files = _ltv_pki(tmp_path_factory, settings, ocsp_url=ocsp_responder["url"])
    gateway["prepare"]()
    ocsp_responder["directory"] = files.directory
    ocsp_responder["status"] = "revoked"

    with pytest.raises(SigningError) as raised:
        signing.get_signer().sign(render_certificate(_data()), request=_request())
    assert not raised.value.transient


def test_a_certificate_revoked_in_the_crl_is_refused_after_the_gateway_signed(ltv_pki, bsre):
    _, certificate, _ = pkcs12.load_key_and_certificates(
        ltv_pki.signer.read_bytes(), demo_pki.DEMO_PASSPHRASE.encode()
    )
    demo_pki.demo_crl_write(directory=ltv_pki.directory, revoked=(certificate,))

    with pytest.raises(SigningError, match="dicabut") as raised:
        bsre.sign(render_certificate(_data()), request=_request())
    assert not raised.value.transient


def test_without_revocation_sources_the_gateways_pdf_is_stored_as_it_came(bsre):
    signed = bsre.sign(render_certificate(_data()), request=_request())

    assert not pdf_signature_check(signed).revocation_embedded


def test_with_a_tsa_the_gateways_pdf_gets_a_document_timestamp_b_lta(
    ltv_pki, settings, tsa_url, bsre, gateway
):
    from pyhanko.sign.validation import validate_pdf_timestamp

    settings.LMS_PDF_SIGNING_TSA_URL = tsa_url
    settings.LMS_BSRE_TIMEOUT = 30
    signing.reset()
    gateway["prepare"]()

    signed = signing.get_signer().sign(render_certificate(_data()), request=_request())

    reader = PdfFileReader(io.BytesIO(signed))
    (document_timestamp,) = reader.embedded_timestamp_signatures
    assert "/DSS" in reader.get_historical_root(document_timestamp.signed_revision)
    context = DocumentSecurityStore.read_dss(reader).as_validation_context(
        {"trust_roots": [_root(ltv_pki)], "allow_fetching": False, "revocation_mode": "require"}
    )
    timestamp = validate_pdf_timestamp(document_timestamp, context)
    assert timestamp.intact and timestamp.valid and timestamp.trusted
    assert _offline_status(signed, ltv_pki, with_dss=True).trusted
    assert pdf_signature_check(signed).valid
