"""PDFs for HR (reportlab), and the fonts every portal PDF uses. Pure functions: they
take figures and return bytes, without touching the database. lms/pdf.py (certificates)
imports the fonts from here, since competencies may not import lms."""

from __future__ import annotations

import functools
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
    header = [
        _("Unit"),
        _("Employees"),
        _("Meeting %(target)s JP") % {"target": data.target},
        _("Share"),
        _("Average JP"),
    ]
    body = [
        [Paragraph(r.unit, styles["BodyText"]), r.employees, r.meeting,
         f"{(r.meeting / r.employees * 100 if r.employees else 0):.0f}%", r.average_jp]
        for r in data.rows
    ]  # fmt: skip
    story = [
        Paragraph(data.title, styles["Title"]),
        Paragraph(data.subtitle, styles["BodyText"]),
        Spacer(1, 6 * mm),
        Table(
            [header, *body],
            style=grid,
            repeatRows=1,
            colWidths=[70 * mm, 22 * mm, 30 * mm, 18 * mm, 24 * mm],
        ),
    ]
    if data.below_target:
        story += [
            Spacer(1, 6 * mm),
            Paragraph(_("Employees below the target"), styles["Heading2"]),
            Table(
                [[_("Name"), "NIP", _("Unit"), "JP"], *[[Paragraph(n, styles["BodyText"]), nip, Paragraph(u, styles["BodyText"]), jp] for n, nip, u, jp in data.below_target]],
                style=grid, repeatRows=1, colWidths=[60 * mm, 38 * mm, 52 * mm, 14 * mm],
            ),
        ]  # fmt: skip
    doc.build(story)
    return buffer.getvalue()
