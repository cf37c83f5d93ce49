"""The official PDFs' tables keep every word inside its cell: headers wrap instead of being
clipped or running into the next column, and an 18-digit NIP fits its column. Rendered with
long, real-looking names and checked with pdfplumber: no character may cross a vertical grid
line or stick out of the table."""

from __future__ import annotations

import io

from django.utils import translation

import pdfplumber
import pytest
from pypdf import PdfReader

from competencies.pdf import (
    CompliancePDF,
    ComplianceRow,
    TranscriptPDF,
    TranscriptYear,
    render_compliance_summary,
    render_transcript,
)
from tests.pdfa import pdfa_problems

LONG_NAME = "Prof. Dr. Ir. Raden Ajeng Sri Wahyuningsih Kusumawardhani, S.E., M.Si., M.Kes."
LONG_UNIT = "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Kota Bontang"
NIP = "198703142010012003"


def _assert_text_inside_cells(pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert document.pages
        for page in document.pages:
            tables = page.find_tables()
            assert tables, "no table found"
            for table in tables:
                x0, top, x1, bottom = table.bbox
                verticals = sorted(
                    {round(e["x0"], 1) for e in page.edges if e["orientation"] == "v"
                     and e["top"] < bottom and e["bottom"] > top}
                )  # fmt: skip
                chars = [
                    c for c in page.chars
                    if c["top"] >= top - 1 and c["bottom"] <= bottom + 1 and c["text"].strip()
                ]  # fmt: skip
                assert chars
                for char in chars:
                    assert x0 + 1 <= char["x0"] and char["x1"] <= x1 - 1, (
                        f"{char['text']!r} at {char['x0']:.1f}-{char['x1']:.1f} leaves the "
                        f"table {x0:.1f}-{x1:.1f} on page {page.page_number}"
                    )
                    crossed = [x for x in verticals if char["x0"] - 1 < x < char["x1"] + 1]
                    assert not crossed, (
                        f"{char['text']!r} at {char['x0']:.1f}-{char['x1']:.1f} touches the "
                        f"cell border at {crossed} on page {page.page_number}"
                    )


@pytest.mark.parametrize("language", ["id", "en"])
def test_transcript_table_keeps_headers_and_numbers_inside_their_cells(language):
    row = (
        "Pelatihan Kepemimpinan Administrator Angkatan XXIV Tahun Anggaran 2026",
        "Pelatihan klasikal",
        LONG_UNIT,
        "12-02-2026 s.d. 28-03-2026",
        "112,5",
        "BKPSDM/2026/000123/SERT-KEPEMIMPINAN",
    )
    with translation.override(language):
        pdf = render_transcript(
            TranscriptPDF(
                title="Transkrip pelatihan",
                employee=LONG_NAME,
                nip=NIP,
                unit=LONG_UNIT,
                printed_on="06-12-2026",
                years=(TranscriptYear(year=2026, jp="112,5", target=20, rows=(row,) * 3),),
            )
        )

    _assert_text_inside_cells(pdf)
    assert pdfa_problems(pdf) == []
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == language


@pytest.mark.parametrize("language", ["id", "en"])
def test_jp_summary_table_keeps_headers_and_nips_inside_their_cells(language):
    with translation.override(language):
        pdf = render_compliance_summary(
            CompliancePDF(
                title="Ringkasan kepatuhan JP 2026",
                subtitle=LONG_UNIT,
                target=20,
                rows=(
                    ComplianceRow(unit=LONG_UNIT, employees=1234, meeting=1021, average_jp="21,75"),
                )
                * 3,
                below_target=((LONG_NAME, NIP, LONG_UNIT, "112,5"),) * 3,
            )
        )

    _assert_text_inside_cells(pdf)
    assert pdfa_problems(pdf) == []
