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
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

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
    # The visible block of the electronic signature (lines: "Ditandatangani secara
    # elektronik", date, title, name, NIP), drawn last; empty: none.
    signature_lines: tuple[str, ...] = ()


class SignatureBlock(Flowable):
    """The electronic signature's visible block, right-aligned at the end of the
    document. Records where it was drawn (`anchor`: page index and box in points), so
    that the PAdES signature field can be placed over it."""

    WIDTH, LINE = 80 * mm, 11.0

    def __init__(self, lines: tuple[str, ...], anchor: dict) -> None:
        super().__init__()
        self.lines, self.anchor = lines, anchor
        self.height = self.LINE * len(lines) + 10

    def wrap(self, available_width, available_height):
        self.offset = max(0.0, available_width - self.WIDTH)
        return available_width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColorRGB(0.043, 0.325, 0.580)
        canvas.setLineWidth(0.8)
        canvas.rect(self.offset, 0, self.WIDTH, self.height, stroke=1, fill=0)
        y = self.height - 5 - self.LINE + 2
        for index, line in enumerate(self.lines):
            font = BOLD if index == 0 else REGULAR
            size = 8.5
            while size > 6 and pdfmetrics.stringWidth(line, font, size) > self.WIDTH - 10:
                size -= 0.5
            canvas.setFont(font, size)
            canvas.drawString(self.offset + 5, y, line)
            y -= self.LINE
        x, y0 = canvas.absolutePosition(self.offset, 0)
        self.anchor["page"] = canvas.getPageNumber() - 1
        self.anchor["box"] = (int(x), int(y0), int(x + self.WIDTH), int(y0 + self.height))


def render_transcript(data: TranscriptPDF, *, anchor: dict | None = None) -> bytes:
    """An employee's training transcript: approved records per year, JP against the
    yearly target. A4 portrait, DejaVu fonts (every Indonesian name prints). With
    `signature_lines`, the signature block comes last and `anchor` receives its place."""
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
    if data.signature_lines:
        story += [
            Spacer(1, 6 * mm),
            SignatureBlock(data.signature_lines, anchor if anchor is not None else {}),
        ]
    doc.build(story)
    return buffer.getvalue()
