"""Certificates aim at PDF/A-3b (issue 19, "Archival"): the file declares it, carries an
sRGB output intent, XMP metadata agreeing with the Info dictionary, only embedded fonts,
and stays so after the PAdES signature and the embedded credential are added. Judged
rule by rule by tests/pdfa.py (no conformance validator is available here)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from django.core.files.storage import default_storage

import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from competencies.pdf import SRGB_PROFILE
from lms import signing
from lms.pdf import CertificateData, render_certificate
from lms.signing.validation import pdf_signature_check
from tests.pdfa import pdfa_problems, xmp_of


@pytest.fixture(autouse=True)
def _fresh_signer():
    signing.reset()
    yield
    signing.reset()


def _data(**overrides) -> CertificateData:
    values = {
        "number": "BTG/2026/000123",
        "holder_name": "Dr. Rina Lestari, S.Sos., M.Si.",
        "holder_nip": "199201012020012001",
        "course_title": "Pelayanan Prima & Standar Pelayanan <Publik>",
        "jp": 20,
        "completed_on": datetime.date(2026, 3, 2),
        "issued_on": datetime.date(2026, 3, 3),
        "verify_url": "https://lms.example/verify/abc/",
        "agency_name": "BKPSDM Kota Bontang",
        "government_name": "Pemerintah Kota Bontang",
        "subjects": (("Materi 1", "4"),),
    }
    values.update(overrides)
    return CertificateData(**values)


def test_a_plain_reportlab_pdf_breaks_the_checked_rules():
    # The checker can fail: reportlab's own output has no output intent, no XMP and an
    # unembedded Helvetica.
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.drawString(72, 720, "Sertifikat")
    c.save()
    problems = pdfa_problems(buffer.getvalue())
    assert any(p.startswith("6.2.3") for p in problems)
    assert any(p.startswith("6.6.2.1") for p in problems)
    assert any("not embedded" in p for p in problems)


def test_an_unsigned_certificate_declares_pdf_a_3b_and_keeps_its_rules():
    pdf = render_certificate(_data())
    assert pdfa_problems(pdf) == []
    xmp = xmp_of(pdf)
    assert xmp["dc:title"] == "BTG/2026/000123 — Dr. Rina Lestari, S.Sos., M.Si."
    assert xmp["dc:creator"] == "BKPSDM Kota Bontang"
    assert xmp["dc:description"] == "Pelayanan Prima & Standar Pelayanan <Publik>"
    # Created on the day it was issued (Central Indonesia Time), not the year 2000.
    assert datetime.datetime.fromisoformat(xmp["xmp:CreateDate"]) == datetime.datetime(
        2026, 3, 3, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert root["/Lang"] == "id"
    profile = root["/OutputIntents"][0].get_object()["/DestOutputProfile"].get_object()
    assert profile.get_data() == SRGB_PROFILE.read_bytes()


def test_an_english_certificate_says_so_in_its_language_entry():
    root = PdfReader(io.BytesIO(render_certificate(_data(language="en")))).trailer["/Root"]
    assert root["/Lang"] == "en"


def test_the_same_certificate_renders_to_the_same_bytes():
    assert render_certificate(_data()) == render_certificate(_data())


def test_a_signed_certificate_with_its_credential_attached_keeps_the_rules(certificate):
    certificate.refresh_from_db()
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        pdf = handle.read()
    assert pdf_signature_check(pdf).valid
    problems = pdfa_problems(pdf)
    assert problems == []
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.trailer["/Root"]["/AF"]) == 2  # the credential, JSON and JWT
    # pyHanko's incremental update moved the modification date in both places alike.
    xmp = xmp_of(pdf)
    assert xmp["pdfaid:part"] == "3"
    assert xmp["xmp:ModifyDate"] != xmp["xmp:CreateDate"]


def test_a_signed_certificate_with_a_timestamp_and_validation_data_keeps_the_rules(
    completed, settings, tsa_url
):
    # PAdES B-LTA: the signature's timestamp, the DSS (chain and CRL) and a document
    # timestamp over it, three revisions on top of the rendered one.
    from lms.services.certificates import certificate_issue

    # The test PKI the TSA fixture made (tsa_url signs with its TSA key).
    crl = Path(settings.LMS_PDF_SIGNER_PKCS12_FILE).parent / "crl.pem"
    settings.LMS_PDF_SIGNING_CRL_FILES = [str(crl)]
    settings.LMS_PDF_SIGNING_TSA_URL = tsa_url
    signing.reset()
    certificate = certificate_issue(enrolment_id=completed.pk)
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        pdf = handle.read()
    check = pdf_signature_check(pdf)
    assert check.valid and check.timestamp is not None and check.revocation_embedded
    assert pdfa_problems(pdf) == []
