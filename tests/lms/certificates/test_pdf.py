"""lms/pdf.py: real PDFs, asserted on their bytes, their text and their QR code."""

from __future__ import annotations

import datetime
import io
import re
import subprocess

import segno
from pypdf import PdfReader

from lms.pdf import QR_MASK, CertificateData, qr_operators, render_certificate
from tests.conftest import tools_required

URL = "https://diklat.bontangkota.go.id/verify/Zk3pQ9xYwT7bLm2nR4sVq1/"


def _data(**overrides) -> CertificateData:
    values = dict(
        number="00042/BKPSDM-BTG/2026",
        holder_name="Dr. Rina Lestari Ñandé, S.Sos., M.Si.",
        holder_nip="19920315 201903 2 001",
        course_title="Pelayanan Prima dan Nilai Dasar BerAKHLAK",
        jp=12,
        completed_on=datetime.date(2026, 11, 20),
        issued_on=datetime.date(2026, 11, 21),
        verify_url=URL,
        agency_name="Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        government_name="Pemerintah Kota Bontang",
        signer_name="Nama Penandatangan (Demo)",
        signer_nip="19750101 200003 1 001",
        signer_title="Kepala BKPSDM Kota Bontang",
        place="Bontang",
        competencies=(("Pelayanan Publik", 2),),
    )
    values.update(overrides)
    return CertificateData(**values)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_certificate_is_a_one_page_a4_landscape_pdf_with_an_embedded_truetype_font():
    pdf = render_certificate(_data())

    assert pdf.startswith(b"%PDF-")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    fonts = {f["/BaseFont"] for f in page["/Resources"]["/Font"].values()}
    assert any("DejaVuSans" in str(name) for name in fonts)


def test_certificate_in_indonesian_shows_everything_it_must():
    text = _text(render_certificate(_data()))

    for expected in (
        "SERTIFIKAT",
        "Surat Tanda Tamat Pelatihan",
        "Dr. Rina Lestari Ñandé, S.Sos., M.Si.",
        "NIP 19920315 201903 2 001",
        "Pelayanan Prima dan Nilai Dasar BerAKHLAK",
        "12 JP",
        "20 November 2026",
        "00042/BKPSDM-BTG/2026",
        "Pelayanan Publik",
        "Kepala BKPSDM Kota Bontang",
        "Bontang, 21 November 2026",
        "Nama Penandatangan (Demo)",
        URL,
    ):
        assert expected in text, expected


def test_certificate_in_english_on_request():
    text = _text(render_certificate(_data(language="en")))

    assert "CERTIFICATE" in text
    assert "SERTIFIKAT" not in text


def test_long_titles_shrink_instead_of_leaving_the_page():
    title = "Pelatihan " * 30
    pdf = render_certificate(_data(course_title=title.strip()))

    assert "Pelatihan Pelatihan" in _text(pdf)


def test_same_data_gives_the_same_bytes():
    assert render_certificate(_data()) == render_certificate(_data())


def test_qr_rectangles_reproduce_the_encoded_matrix_exactly():
    size = 100.0
    matrix = segno.make(URL, error="m", micro=False, mask=QR_MASK, boost_error=False).matrix
    n = len(matrix)
    module = size / n
    drawn = [[False] * n for _ in range(n)]
    for x, y, w, _h in re.findall(
        r"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re", qr_operators(URL, x=0, y=0, size=size)
    ):
        row = n - 1 - round(float(y) / module)
        first = round(float(x) / module)
        for col in range(first, first + round(float(w) / module)):
            drawn[row][col] = True

    assert drawn == [[bool(v) for v in row] for row in matrix]


def test_printed_qr_decodes_to_the_verification_url(tmp_path):
    tools_required("pdftoppm", package="poppler-utils")
    tools_required("zbarimg", package="zbar-tools")
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(render_certificate(_data()))
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "page")], check=True)

    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "page-1.png")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip

    assert result.stdout.strip() == URL
