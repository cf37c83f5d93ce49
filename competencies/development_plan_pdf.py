"""The planned-vs-realised report of the development plan as a PDF (a pure function of
its figures; docs/development-plan.md). Fonts and the escaping rule come from
competencies.pdf."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from competencies.pdf import BOLD, REGULAR, _para, pdfa_build, register_fonts


@dataclass(frozen=True)
class PlanPDF:
    title: str
    subtitle: str
    header: tuple[str, ...]
    items: tuple[tuple[str, ...], ...]
    opds: tuple[tuple[str, ...], ...]
    total: tuple[str, ...]


def render_plan_report(data: PlanPDF) -> bytes:
    register_fonts()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = REGULAR
    styles["Title"].fontName = BOLD
    cell = styles["BodyText"].clone("cell", fontSize=7.5, leading=9)
    head = cell.clone("head", fontName=BOLD)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        title=data.title,
    )
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), REGULAR),
            ("FONTSIZE", (0, 0), (-1, -1), 7.5),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e7eb")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )

    def table(first: str, rows: tuple[tuple[str, ...], ...]) -> Table:
        header = [_para(first, head), *(_para(h, head) for h in data.header)]
        body = [[_para(v, cell) for v in row] for row in (*rows, data.total)]
        widths = [60 * mm] + [(273 - 60) * mm / len(data.header)] * len(data.header)
        return Table([header, *body], style=grid, repeatRows=1, colWidths=widths)

    story: list = [
        _para(data.title, styles["Title"]),
        _para(data.subtitle, styles["BodyText"]),
        Spacer(1, 4 * mm),
        _para(_("Per item"), styles["Heading2"]),
        table(_("Item"), data.items),
        Spacer(1, 6 * mm),
        _para(_("Per perangkat daerah"), styles["Heading2"]),
        table(_("Perangkat daerah"), data.opds),
    ]
    pdfa_build(doc, story)
    return buffer.getvalue()
