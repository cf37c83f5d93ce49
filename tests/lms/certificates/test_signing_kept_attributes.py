"""The local signer keeps the encoded signing-certificate-v2 attribute per key (a CPU
saving, issue 19): every signature still names the certificate that made it, and a new
key (a rotated PKCS#12 file) is named by the next signature, not the old one."""

from __future__ import annotations

import hashlib
import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from reportlab.pdfgen import canvas

from lms import signing
from lms.signing import SignatureRequest, demo_pki


def _pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 700, "Sertifikat")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _signed_certificate_hash(pdf: bytes) -> tuple[bytes, bytes]:
    """(the SHA-256 in the signing-certificate-v2 attribute, that of the signer's
    certificate embedded in the CMS)."""
    signature = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_regular_signatures[-1]
    attrs = signature.signer_info["signed_attrs"]
    value = next(a for a in attrs if a["type"].native == "signing_certificate_v2")["values"][0]
    return value["certs"][0]["cert_hash"].native, hashlib.sha256(
        signature.signer_cert.dump()
    ).digest()


@pytest.fixture
def local_signer(settings, tmp_path):
    settings.LMS_PDF_SIGNER = "local"
    settings.LMS_PDF_SIGNING_CRL_FILES = []
    signing.reset()
    yield settings
    signing.reset()


def test_every_signature_names_its_own_certificate_and_a_new_key_is_named_next(
    local_signer, tmp_path
):
    request = SignatureRequest(box=(50, 50, 250, 120), page=0, reason="Sertifikat 1")
    first = demo_pki.demo_pki_create(directory=tmp_path / "one")
    local_signer.LMS_PDF_SIGNER_PKCS12_FILE = str(first.signer)
    for _ in range(2):
        named, actual = _signed_certificate_hash(signing.get_signer().sign(_pdf(), request=request))
        assert named == actual

    second = demo_pki.demo_pki_create(directory=tmp_path / "two")
    local_signer.LMS_PDF_SIGNER_PKCS12_FILE = str(second.signer)
    named_after, actual_after = _signed_certificate_hash(
        signing.get_signer().sign(_pdf(), request=request)
    )
    assert named_after == actual_after
    assert named_after != named
