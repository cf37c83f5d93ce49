"""The BSrE client (lms.signing.bsre) against a local gateway implementing the documented
request and response shapes: Basic auth, multipart file/nik/passphrase/tampilan, the
signed PDF back on success, a JSON error otherwise, and a gateway too slow to answer.
The fake gateway signs with the demo key, so pyHanko can validate what comes back."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import http.server
import json
import threading
import time

import pytest

from lms import signing
from lms.pdf import SIGNATURE_BOX, render_certificate
from lms.signing import SignatureRequest, SigningError
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


@pytest.fixture
def gateway(db):
    """A local BSrE gateway: the documented shapes, plus 'slow' mode (answers late)."""
    local = LocalSigner()  # the demo key stands in for the signer's certificate at BSrE
    seen: list[dict[str, bytes]] = []
    mode = {"slow": False}

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
            signed = local.sign(fields["file"], request=SignatureRequest(box=None))
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
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}/", "seen": seen, "mode": mode}
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
