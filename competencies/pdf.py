"""PDFs for HR (reportlab), and the fonts every portal PDF uses. Pure functions: they
take figures and return bytes, without touching the database. lms/pdf.py (certificates)
imports the fonts from here, since competencies may not import lms."""

from __future__ import annotations

import functools
import html
import io
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


def _para(text: object, style) -> Paragraph:
    """A Paragraph of plain text. reportlab reads a Paragraph's string as markup (tags
    such as <img src=...> open local files), and names, titles and organisers come from
    users, so every value is escaped."""
    return Paragraph(html.escape(str(text), quote=False), style)


@functools.cache
def register_fonts() -> None:
    """TrueType fonts with full Latin coverage (DejaVu Sans, embedded as subsets), so
    every Indonesian name and title prints as written. Once per process."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


@dataclass(frozen=True)
class ComplianceRow:
    unit: str
    employees: int
    meeting: int
    average_jp: str


@dataclass(frozen=True)
class CompliancePDF:
    title: str
    subtitle: str
    target: int
    rows: tuple[ComplianceRow, ...]
    below_target: tuple[tuple[str, str, str, str], ...]  # name, NIP, unit, JP


def render_compliance_summary(data: CompliancePDF) -> bytes:
    register_fonts()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = REGULAR
    styles["Title"].fontName = BOLD
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title=data.title
    )
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), REGULAR),
            ("FONTNAME", (0, 0), (-1, 0), BOLD),
            ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e7eb")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    # Headers are Paragraphs so that they wrap inside their column instead of running
    # into the next one; widths leave room for an 18-digit NIP.
    head = styles["BodyText"].clone("head", fontName=BOLD, fontSize=8.5, leading=10)
    header = [
        _para(text, head)
        for text in (
            _("Unit"),
            _("Employees"),
            _("Meeting %(target)s JP") % {"target": data.target},
            _("Share"),
            _("Average JP"),
        )
    ]
    body = [
        [_para(r.unit, styles["BodyText"]), r.employees, r.meeting,
         f"{(r.meeting / r.employees * 100 if r.employees else 0):.0f}%", r.average_jp]
        for r in data.rows
    ]  # fmt: skip
    story = [
        _para(data.title, styles["Title"]),
        _para(data.subtitle, styles["BodyText"]),
        Spacer(1, 6 * mm),
        Table(
            [header, *body],
            style=grid,
            repeatRows=1,
            colWidths=[66 * mm, 24 * mm, 30 * mm, 20 * mm, 24 * mm],
        ),
    ]
    if data.below_target:
        story += [
            Spacer(1, 6 * mm),
            _para(_("Employees below the target"), styles["Heading2"]),
            Table(
                [[_para(h, head) for h in (_("Name"), "NIP", _("Unit"), "JP")], *[[_para(n, styles["BodyText"]), nip, _para(u, styles["BodyText"]), jp] for n, nip, u, jp in data.below_target]],
                style=grid, repeatRows=1, colWidths=[58 * mm, 42 * mm, 48 * mm, 16 * mm],
            ),
        ]  # fmt: skip
    doc.build(story)
    return buffer.getvalue()


@dataclass(frozen=True)
class TranscriptYear:
    year: int
    jp: str
    target: int
    rows: tuple[
        tuple[str, str, str, str, str, str], ...
    ]  # title, type, organiser, dates, JP, number
    cap: bool = False  # PPPK: the target is a cap (at most), not a floor


@dataclass(frozen=True)
class TranscriptPDF:
    title: str
    employee: str  # name with titles
    nip: str
    unit: str
    printed_on: str
    years: tuple[TranscriptYear, ...]


def render_transcript(data: TranscriptPDF) -> bytes:
    """An employee's training transcript: approved records per year, JP against the
    yearly target. A4 portrait, DejaVu fonts (every Indonesian name prints)."""
    register_fonts()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = REGULAR
    styles["Title"].fontName = BOLD
    styles["Heading2"].fontName = BOLD
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title=data.title
    )
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), REGULAR),
            ("FONTNAME", (0, 0), (-1, 0), BOLD),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e7eb")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    story: list = [
        _para(data.title, styles["Title"]),
        _para(f"{data.employee} · NIP {data.nip}" if data.nip else data.employee, styles["BodyText"]),
        _para(data.unit, styles["BodyText"]),
        _para(_("Printed on %(date)s") % {"date": data.printed_on}, small),
        Spacer(1, 5 * mm),
    ]  # fmt: skip
    if not data.years:
        story.append(_para(_("No approved training records yet."), styles["BodyText"]))
    # Headers wrap inside their column (a long "Nomor sertifikat" would be clipped).
    head = small.clone("head", fontName=BOLD)
    header = [
        _para(text, head)
        for text in (
            _("Training"), _("Type"), _("Organiser"), _("Dates"), "JP", _("Certificate number")
        )
    ]  # fmt: skip
    for year in data.years:
        story.append(
            _para(
                (
                    _("%(year)s: %(jp)s of at most %(target)s JP")
                    if year.cap
                    else _("%(year)s: %(jp)s of %(target)s JP")
                )
                % {"year": year.year, "jp": year.jp, "target": year.target},
                styles["Heading2"],
            )
        )
        body = [[_para(cell, small) for cell in row] for row in year.rows]
        story.append(
            Table(
                [header, *body],
                style=grid,
                repeatRows=1,
                colWidths=[50 * mm, 24 * mm, 32 * mm, 28 * mm, 14 * mm, 32 * mm],
            )
        )
        story.append(Spacer(1, 4 * mm))
    doc.build(story)
    return buffer.getvalue()
