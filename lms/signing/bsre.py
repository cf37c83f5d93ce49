"""The `bsre` signer: the agency's BSrE signing gateway (TTE service). The PDF goes to the
gateway with the signer's NIK and passphrase; the signed PDF comes back.

What this client relies on (from BSrE's published client examples, e.g. Diskominfotik
Banda Aceh's E-Sign-BSrE-PHP, src/ESignBsre.php and src/ESignBsreResponse.php; check
them against your gateway, docs/certificates.md "BSrE"):

- `POST {LMS_BSRE_URL}/api/sign/pdf`, HTTP Basic authentication with the portal's client
  account (`LMS_BSRE_USERNAME`, `LMS_BSRE_PASSWORD`);
- a multipart/form-data body: `file` (the PDF), `nik` (the signer's NIK,
  `LMS_BSRE_NIK`), `passphrase` (the signer's, asked once per batch in the queue) and
  `tampilan` = `invisible` (the portal draws the visible block itself, lms.pdf);
- 200: the signed PDF as the body (`application/pdf`);
- any other status: a JSON body whose `message` or `error` says why (a wrong passphrase,
  an unknown NIK, a suspended certificate).

With revocation sources configured (`LMS_PDF_SIGNING_CRL_FILES`, `LMS_PDF_SIGNING_OCSP_URL`)
the signed PDF gets its validation data appended here (PAdES B-LT, lms.signing.ltv) before
it is stored; a revoked certificate or a responder that is down refuses (nothing stored).

It could not be reached from where this was written: it is tested against a local HTTP
server implementing exactly these shapes (tests/lms/certificates/test_bsre.py)."""

from __future__ import annotations

import io

from django.conf import settings

import requests
from cryptography import x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from lms.signing import SignatureRequest, SigningError, ltv, revision_prepare, trust_roots

SIGN_PATH = "/api/sign/pdf"


class BsreSigner:
    name = "bsre"

    def __init__(self) -> None:
        self.url = settings.LMS_BSRE_URL.rstrip("/")
        if not self.url:
            raise SigningError("LMS_BSRE_URL is not set: the BSrE gateway is unknown.")
        self.auth = (settings.LMS_BSRE_USERNAME, settings.LMS_BSRE_PASSWORD)
        self.nik = settings.LMS_BSRE_NIK
        self.timeout = settings.LMS_BSRE_TIMEOUT
        self.session = requests.Session()  # one connection pool per process

    def chain_pem(self) -> bytes:
        chain_file = getattr(settings, "LMS_PDF_SIGNER_CHAIN_FILE", "")
        if not chain_file:
            return b""
        with open(chain_file, "rb") as handle:
            return handle.read()

    def _long_term(self, signed: bytes) -> bytes:
        """PAdES B-LT when revocation sources are configured: the gateway's signature
        gets its validation data appended (lms.signing.ltv), checked against the roots
        the verify page trusts (the chain file's and LMS_PDF_SIGNING_TRUST_ROOTS_FILE's)."""
        if not ltv.revocation_sources_configured():
            return signed
        chain_pem = self.chain_pem()
        chain = x509.load_pem_x509_certificates(chain_pem) if chain_pem.strip() else []
        return ltv.validation_info_append(signed, roots=trust_roots(), chain=chain)

    def sign(self, pdf: bytes, *, request: SignatureRequest) -> bytes:
        if not request.passphrase:
            raise SigningError("The BSrE gateway needs the signer's passphrase.")
        if request.attachments:
            # Embedded here, before the gateway signs, so that its signature covers them.
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            revision_prepare(writer, request.attachments)
            buffer = io.BytesIO()
            writer.write(buffer)
            pdf = buffer.getvalue()
        try:
            response = self.session.post(
                self.url + SIGN_PATH,
                auth=self.auth,
                timeout=self.timeout,
                files={"file": ("sertifikat.pdf", pdf, "application/pdf")},
                data={"nik": self.nik, "passphrase": request.passphrase, "tampilan": "invisible"},
            )
        except requests.Timeout as error:
            raise SigningError(
                "The BSrE gateway did not answer in time; try again later.", transient=True
            ) from error
        except requests.RequestException as error:
            raise SigningError(
                "The BSrE gateway cannot be reached; try again later.", transient=True
            ) from error
        if response.status_code == 200 and response.content.startswith(b"%PDF-"):
            return self._long_term(response.content)
        message = _gateway_message(response)
        if response.status_code >= 500 or response.status_code == 429:
            raise SigningError(f"The BSrE gateway failed: {message}", transient=True)
        raise SigningError(f"The BSrE gateway refused to sign: {message}")


def _gateway_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or f"HTTP {response.status_code}")
    return f"HTTP {response.status_code}"
