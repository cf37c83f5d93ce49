from __future__ import annotations

import datetime
import http.server
import threading
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings as django_settings
from django.utils import timezone

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign.timestamps import DummyTimeStamper

from accounts.roles import Role
from lms import signing
from lms.models import Enrolment
from lms.signing import demo_pki
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory, OrgUnitFactory
from tests.factories.lms import EnrolmentFactory


@pytest.fixture
def unit(db):
    return OrgUnitFactory(name="Dinas Kesehatan")


@pytest.fixture
def supervisor(unit):
    return EmployeeFactory(unit=unit, full_name="Budi Santoso", user__roles=[Role.ATASAN])


@pytest.fixture
def holder(unit, supervisor):
    """A learner with an employee record (name with academic titles, NIP)."""
    employee = EmployeeFactory(
        unit=unit,
        supervisor=supervisor,
        full_name="Rina Lestari",
        title_prefix="Dr.",
        title_suffix="S.Sos., M.Si.",
        user__roles=[Role.PESERTA],
        user__email="rina.lestari@uji.example",
    )
    return employee.user


def complete(user, course, **kwargs) -> Enrolment:
    """A completed enrolment, as the completion engine leaves it."""
    completed_at = kwargs.pop("completed_at", timezone.now())
    return EnrolmentFactory(
        user=user,
        course=course,
        status=Enrolment.Status.COMPLETED,
        enrolled_at=completed_at - datetime.timedelta(days=3),
        completed_at=completed_at,
        jp_earned=kwargs.pop("jp_earned", Decimal("4")),
        progress_percent=100,
        **kwargs,
    )


@pytest.fixture
def completed(holder, course):
    return complete(holder, course)


@pytest.fixture
def hr_manager(db):
    return UserFactory(roles=[Role.PENGELOLA_SDM])


@pytest.fixture
def administrator(db):
    return UserFactory(roles=[Role.ADMINISTRATOR])


@pytest.fixture(autouse=True)
def signing_key_file(tmp_path, settings):
    """Each test signs with its own Ed25519 key under a temporary directory (never the
    developer's var/keys/)."""
    settings.LMS_CREDENTIAL_SIGNING_KEY_FILE = str(tmp_path / "keys" / "signing.pem")
    return tmp_path / "keys" / "signing.pem"


@pytest.fixture
def certificate(completed):
    from lms.services.certificates import certificate_issue

    return certificate_issue(enrolment_id=completed.pk)


# An RFC 3161 timestamping service for the PAdES tests (B-T, B-LT), on the demo TSA key.


def _demo_tsa() -> DummyTimeStamper:
    signing.get_signer()  # creates the test PKI on first use
    path = Path(django_settings.LMS_PDF_SIGNER_PKCS12_FILE).parent / "tsa.p12"
    key, certificate, _ = pkcs12.load_key_and_certificates(
        path.read_bytes(), demo_pki.DEMO_PASSPHRASE.encode()
    )
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )


@pytest.fixture
def tsa_url():
    """A tiny RFC 3161 server in a thread: POST a TimeStampReq, get a TimeStampResp."""
    stamper = _demo_tsa()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    server.shutdown()
    server.server_close()


# An OCSP responder (RFC 6960) for the B-LT tests: a tiny HTTP server in a thread that
# answers with `cryptography`'s x509.ocsp, signed by the demo root's key (the CA answers
# for the certificates it issued). `state["status"]`: "good", "revoked", "slow" (answers
# after a second), "try_later" (the responder's own "try later" status).


@pytest.fixture
def ocsp_responder():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509 import ocsp

    state: dict = {"status": "good", "asked": 0, "directory": None}

    loaded: dict = {}

    def pki() -> tuple:
        directory = Path(state["directory"])
        if directory not in loaded:
            passphrase = demo_pki.DEMO_PASSPHRASE.encode()
            loaded[directory] = (
                x509.load_pem_x509_certificate((directory / "root.pem").read_bytes()),
                serialization.load_pem_private_key(
                    (directory / "root-key.pem").read_bytes(), passphrase
                ),
                pkcs12.load_key_and_certificates(
                    (directory / "signer.p12").read_bytes(), passphrase
                )[1],
            )
        return loaded[directory]

    def answer(request_der: bytes) -> bytes:
        if state["status"] == "try_later":
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.TRY_LATER
            ).public_bytes(serialization.Encoding.DER)
        root, root_key, signer = pki()
        request = ocsp.load_der_ocsp_request(request_der)
        assert request.serial_number == signer.serial_number
        now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
        revoked = state["status"] == "revoked"
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response(
                cert=signer,
                issuer=root,
                algorithm=hashes.SHA1(),  # noqa: S303 - the CertID hash of RFC 6960
                cert_status=ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
                this_update=now,
                next_update=now + datetime.timedelta(days=1),
                revocation_time=now - datetime.timedelta(days=1) if revoked else None,
                revocation_reason=x509.ReasonFlags.key_compromise if revoked else None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, root)
        )
        return builder.sign(root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            state["asked"] += 1
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if state["status"] == "slow":
                time.sleep(2.0)
            data = answer(body)
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/ocsp-response")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up waiting ("slow")
                pass

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/ocsp"
    yield state
    server.shutdown()
    server.server_close()
