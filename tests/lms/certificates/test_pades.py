"""PAdES signatures of certificate PDFs (lms.signing, lms.services.certificate_signing),
judged by pyHanko's own validator: intact, chained to the demo root, timestamped when a
TSA is configured (an in-process RFC 3161 server built on pyHanko's DummyTimeStamper),
tampering reported, bad keys and a silent TSA leave nothing marked signed."""

from __future__ import annotations

import io
import subprocess

from django.core.files.storage import default_storage

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pypdf import PdfReader

from lms import signing
from lms.models import Certificate
from lms.pdf import SIGNATURE_BOX
from lms.services.certificate_signing import certificate_sign
from lms.services.certificates import certificate_issue
from lms.signing import SigningError, demo_pki
from lms.signing.validation import pdf_signature_check, validation_context
from tests.conftest import tools_required


@pytest.fixture(autouse=True)
def _fresh_signer():
    signing.reset()
    yield
    signing.reset()


def _stored(certificate: Certificate) -> bytes:
    certificate.refresh_from_db()
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        return handle.read()


def test_an_issued_certificate_is_signed_pades_and_pyhanko_finds_it_intact_and_trusted(
    certificate,
):
    assert certificate.signed_at is not None
    assert "DEMO" in certificate.signed_by_subject
    pdf = _stored(certificate)

    embedded = PdfFileReader(io.BytesIO(pdf)).embedded_regular_signatures
    assert len(embedded) == 1
    assert embedded[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    status = validate_pdf_signature(embedded[0], validation_context())
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    root = status.validation_path[0]
    assert demo_pki.DEMO_MARK in root.subject.human_friendly
    # The visible block is under the signature field's widget, on the first page.
    widget = (
        embedded[0].sig_field["/Kids"][0]
        if "/Kids" in embedded[0].sig_field
        else (embedded[0].sig_field)
    )
    assert tuple(round(float(v)) for v in widget["/Rect"]) == SIGNATURE_BOX
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Ditandatangani secara elektronik" in text
    assert certificate.signer_name in text or not certificate.signer_name

    check = pdf_signature_check(pdf)
    assert check.valid and check.intact and check.trusted and not check.altered_after_signing
    assert check.reason == f"Sertifikat {certificate.number}"
    assert check.timestamp is None  # no TSA configured: PAdES B-B


def test_the_signed_certificate_qr_still_decodes_to_the_verify_url(certificate, tmp_path):
    tools_required("pdftoppm", package="poppler-utils")
    tools_required("zbarimg", package="zbar-tools")
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(_stored(certificate))
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "page")], check=True)
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "page-1.png")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.strip() == f"http://testserver/verify/{certificate.code}/"


def test_a_byte_changed_in_the_signed_document_is_reported_altered(certificate):
    pdf = _stored(certificate)
    at = pdf.index(b"/Producer (")
    tampered = pdf[:at] + pdf[at:].replace(b"ReportLab", b"ReportLeb", 1)

    check = pdf_signature_check(tampered)

    assert not check.intact
    assert not check.valid


def test_a_page_changed_after_signing_is_reported_altered_after_signing(certificate):
    pdf = _stored(certificate)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    from pyhanko.pdf_utils import generic

    stream = generic.StreamObject(stream_data=b"BT /F1 40 Tf 100 300 Td (PALSU) Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)

    check = pdf_signature_check(out.getvalue())

    assert check.intact  # the signed revision itself is untouched...
    assert check.altered_after_signing  # ...but the document shown is not the signed one
    assert not check.valid


def test_not_a_pdf_and_an_unsigned_pdf_are_told_apart():
    assert pdf_signature_check(b"GIF89a not a pdf").problem == "not_pdf"
    assert pdf_signature_check(b"%PDF-1.4\n garbage").problem == "not_pdf"
    from lms.pdf import render_certificate
    from tests.lms.certificates.test_pdf import _data

    assert pdf_signature_check(render_certificate(_data())).problem == "unsigned"


def test_signing_is_exactly_once(certificate):
    first = _stored(certificate)

    assert certificate_sign(certificate_id=certificate.pk) is None

    assert _stored(certificate) == first


def test_a_wrong_passphrase_signs_nothing_and_says_why(completed, settings):
    settings.LMS_PDF_SIGNER_PKCS12_PASSPHRASE = "salah"

    certificate = certificate_issue(enrolment_id=completed.pk)

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED  # issuing goes on
    assert certificate.signed_at is None
    assert "passphrase" in certificate.signing_error
    pdf = _stored(certificate)
    assert pdf_signature_check(pdf).problem == "unsigned"
    assert "Menunggu tanda tangan elektronik" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_an_expired_signer_certificate_refuses_to_sign(certificate, monkeypatch):
    import datetime

    from lms.signing import local

    Certificate.objects.filter(pk=certificate.pk).update(signed_at=None)
    monkeypatch.setattr(
        local, "_utcnow", lambda: datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    )
    with pytest.raises(SigningError, match="expired"):
        certificate_sign(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.signed_at is None
    assert "expired" in certificate.signing_error


# TIMESTAMPS (PAdES B-T) ------------------------------------------------------------------


def test_with_a_tsa_the_signature_carries_a_trusted_timestamp(completed, settings, tsa_url):
    settings.LMS_PDF_SIGNING_TSA_URL = tsa_url

    certificate = certificate_issue(enrolment_id=completed.pk)

    check = pdf_signature_check(_stored(certificate))
    assert check.valid
    assert check.timestamp is not None and check.timestamp_trusted


def test_a_tsa_that_does_not_answer_leaves_the_certificate_unsigned(completed, settings):
    settings.LMS_PDF_SIGNING_TSA_URL = "http://127.0.0.1:9/tsa"  # discard port: refused
    settings.LMS_PDF_SIGNING_TSA_TIMEOUT = 1

    certificate = certificate_issue(enrolment_id=completed.pk)

    certificate.refresh_from_db()
    assert certificate.signed_at is None
    assert "TSA" in certificate.signing_error
    with pytest.raises(SigningError) as raised:
        certificate_sign(certificate_id=certificate.pk)
    assert raised.value.transient


def test_reissue_signs_the_new_certificate_anew(certificate, hr_manager):
    from lms.services.certificates import certificate_reissue

    new = certificate_reissue(certificate=certificate, actor=hr_manager, reason="Nama salah")

    new.refresh_from_db()
    assert new.signed_at is not None and new.pk != certificate.pk
    check = pdf_signature_check(_stored(new))
    assert check.valid and check.reason == f"Sertifikat {new.number}"


# THE PUBLIC VERIFY PAGE: "DOKUMEN PDF" ----------------------------------------------------


def _upload(client, certificate, content: bytes, name: str = "sertifikat.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    return client.post(
        reverse("verify:pdf", args=[certificate.code]),
        {"document": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_the_verify_page_checks_the_stored_pdf_in_plain_words(client, certificate):
    from django.urls import reverse

    detail = client.get(reverse("verify:detail", args=[certificate.code]))
    assert "Ditandatangani secara elektronik pada" in detail.content.decode()

    response = client.get(reverse("verify:pdf", args=[certificate.code]))

    assert response.status_code == 200
    assert response.context["check"].valid and response.context["matches"]
    page = response.content.decode()
    assert "Tanda tangan utuh" in page
    assert "DEMO" in page  # the signer named by its certificate


def test_a_revoked_certificates_pdf_still_validates_and_says_revoked(
    client, certificate, hr_manager
):
    # The signature stays intact (the document was not altered), and the portal's own
    # status says what the PDF cannot: the certificate was revoked.
    from lms.services.certificates import certificate_revoke

    pdf = _stored(certificate)
    certificate_revoke(certificate=certificate, actor=hr_manager, reason="Data peserta keliru")

    page = _upload(client, certificate, pdf).content.decode()
    assert "Tanda tangan utuh" in page
    assert "<strong>Dicabut</strong>" in page


def test_an_uploaded_tampered_pdf_is_reported_altered(client, certificate):
    pdf = _stored(certificate)
    at = pdf.index(b"/Producer (")
    response = _upload(client, certificate, pdf[:at] + pdf[at:].replace(b"Lab", b"Lob", 1))

    assert "Dokumen diubah setelah ditandatangani" in response.content.decode()


def test_a_pdf_signed_without_the_portals_reason_is_matched_by_its_title(client, certificate):
    # A gateway (BSrE) signs without the portal's reason ("Sertifikat <number>"); the
    # document's title, "<number> — <holder>", written by the portal in the revision the
    # signature covers, still names the certificate. Another certificate's PDF does not
    # match.
    from lms.pdf import render_certificate
    from lms.services.certificate_pdfs import certificate_data
    from lms.signing import SignatureRequest

    pdf = render_certificate(certificate_data(certificate=certificate))
    signed = signing.get_signer().sign(pdf, request=SignatureRequest(box=None))
    assert pdf_signature_check(signed).reason == ""

    page = _upload(client, certificate, signed).content.decode()
    assert "PDF ditandatangani untuk nomor sertifikat ini" in page

    other = certificate.__class__.objects.get(pk=certificate.pk)
    other.number = certificate.number + "9"
    other_pdf = signing.get_signer().sign(
        render_certificate(certificate_data(certificate=other)), request=SignatureRequest(box=None)
    )
    assert (
        "PDF ditandatangani untuk sertifikat lain"
        in _upload(client, certificate, other_pdf).content.decode()
    )


def test_an_uploaded_file_that_is_not_a_pdf_or_too_large_gets_a_clear_message(
    client, certificate, settings
):
    response = _upload(client, certificate, b"\x89PNG\r\n not a pdf", name="foto.png")
    assert "Berkas ini bukan PDF" in response.content.decode()

    settings.LMS_VERIFY_PDF_MAX_BYTES = 1024 * 1024
    response = _upload(client, certificate, b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1))
    assert response.context["error"] and response.context["check"] is None
    assert "lebih besar dari 1 MB" in response.content.decode()


def test_the_signing_chain_is_published_and_holds_the_root_that_validates(client, certificate):
    from django.urls import reverse

    from cryptography import x509

    response = client.get(reverse("verify:signing_chain"))

    assert response.status_code == 200
    chain = x509.load_pem_x509_certificates(response.content)
    roots = [c for c in chain if c.subject == c.issuer]
    assert len(roots) == 1 and demo_pki.DEMO_MARK in roots[0].subject.rfc4514_string()
    assert any(demo_pki.DEMO_MARK in c.subject.rfc4514_string() and c not in roots for c in chain)


def test_a_certificate_waiting_for_its_signature_says_so(client, completed, settings):
    from django.urls import reverse

    settings.LMS_PDF_SIGNING_AUTOMATIC = False
    certificate = certificate_issue(enrolment_id=completed.pk)

    assert certificate.signed_at is None
    detail = client.get(reverse("verify:detail", args=[certificate.code])).content.decode()
    assert "Menunggu tanda tangan" in detail
    page = client.get(reverse("verify:pdf", args=[certificate.code])).content.decode()
    assert "Menunggu tanda tangan" in page


def test_the_signed_pdf_carries_the_open_badges_credential_as_associated_files(client, certificate):
    import json

    from django.urls import reverse

    reader = PdfFileReader(io.BytesIO(_stored(certificate)))
    names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    files = {str(names[i]): names[i + 1].get_object() for i in range(0, len(names), 2)}
    assert set(files) == {"credential.json", "credential.jwt"}
    assert all(spec["/AFRelationship"] == "/Data" for spec in files.values())
    assert len(reader.root["/AF"]) == 2
    embedded = json.loads(files["credential.json"]["/EF"]["/F"].get_object().data)
    served = client.get(reverse("verify:credential", args=[certificate.code])).json()
    assert embedded == served
    # Embedded in the signed revision: the signature covers them.
    assert pdf_signature_check(_stored(certificate)).valid


def test_an_upload_over_the_request_cap_gets_the_same_clear_message(client, certificate, settings):
    settings.UPLOAD_MAX_REQUEST_SIZE = 64 * 1024
    settings.LMS_VERIFY_PDF_MAX_BYTES = 32 * 1024

    response = _upload(client, certificate, b"%PDF-1.7\n" + b"0" * (128 * 1024))

    assert response.status_code == 200
    assert response.context["error"] and response.context["check"] is None


def test_signing_and_checking_work_inside_a_running_event_loop():
    """pyHanko's synchronous API calls asyncio.run; an async caller (or a browser test's
    Playwright loop) must still be able to sign and check."""
    import asyncio

    from lms.pdf import render_certificate
    from tests.lms.certificates.test_pdf import _data

    async def sign_and_check():
        signed = signing.get_signer().sign(
            render_certificate(_data()), request=signing.SignatureRequest(box=SIGNATURE_BOX)
        )
        return pdf_signature_check(signed)

    assert asyncio.run(sign_and_check()).valid
