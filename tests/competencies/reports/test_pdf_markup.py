"""HR and transcript PDFs print user-entered text as text: reportlab reads a Paragraph's
string as markup, where <img src=...> opens a local file and an unclosed tag fails."""

from __future__ import annotations

import subprocess

from competencies.pdf import (
    CompliancePDF,
    ComplianceRow,
    TranscriptPDF,
    TranscriptYear,
    render_compliance_summary,
    render_transcript,
)
from tests.conftest import tools_required

HOSTILE = 'Kursus <b>tebal & <img src="/etc/hostname" width="50" height="50"/>'


def _text(pdf: bytes, tmp_path) -> str:
    tools_required("pdftotext", package="poppler-utils")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_transcript_prints_markup_as_text(tmp_path):
    pdf = render_transcript(
        TranscriptPDF(
            title="Transkrip",
            employee="Budi <i>Santoso",
            nip="199001012015011001",
            unit="Dinas & Kantor",
            printed_on="04-12-2026",
            years=(
                TranscriptYear(
                    year=2026,
                    jp="3",
                    target=20,
                    rows=((HOSTILE, "Kursus", "BKPSDM <x>", "01-02-2026", "3", "1/A"),),
                ),
            ),
        )
    )

    assert pdf.startswith(b"%PDF")
    assert b"/Subtype /Image" not in pdf  # the <img> was not followed
    text = _text(pdf, tmp_path)
    assert "<b>tebal" in text
    assert "Budi <i>Santoso" in text
    assert "Dinas & Kantor" in text


def test_compliance_summary_prints_markup_as_text(tmp_path):
    pdf = render_compliance_summary(
        CompliancePDF(
            title="Ringkasan",
            subtitle="Unit <b>",
            target=20,
            rows=(
                ComplianceRow(
                    unit="Dinas <img src='/etc/hostname'/>", employees=5, meeting=2, average_jp="4"
                ),
            ),
            below_target=(("Ani <u>", "199001012015012002", "Unit & Co", "2"),),
        )
    )

    assert b"/Subtype /Image" not in pdf
    text = _text(pdf, tmp_path)
    assert "Ani <u>" in text
    assert "Unit & Co" in text
