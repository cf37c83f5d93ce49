"""Classroom PDFs (reportlab, in the style of competencies/pdf.py): the calling letter
(surat panggilan) of a selected participant and the printable attendance list (daftar
hadir) of a session with a signature column. Pure functions of small dataclasses."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from competencies.pdf import BOLD, REGULAR, _para, pdfa_build, register_fonts


def _styles():
    register_fonts()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = REGULAR
    styles["Title"].fontName = BOLD
    styles["Heading2"].fontName = BOLD
    return styles


def _grid() -> TableStyle:
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), REGULAR),
            ("FONTNAME", (0, 0), (-1, 0), BOLD),
            ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e7eb")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )


@dataclass(frozen=True)
class CallingLetter:
    agency: str
    number_line: str  # "Angkatan II"
    course: str
    participant: str
    nip: str
    unit: str
    dates: str
    venue: str
    sessions: tuple[tuple[str, str, str, str], ...]  # date, time, topic, room
    issued_on: str


def render_calling_letter(data: CallingLetter) -> bytes:
    styles = _styles()
    body = styles["BodyText"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, title=_("Calling letter")
    )
    head = body.clone("head", fontName=BOLD, fontSize=8.5, leading=10)
    story = [
        _para(data.agency, styles["Heading2"]),
        _para(_("CALLING LETTER FOR TRAINING PARTICIPANTS"), styles["Title"]),
        _para(f"{data.course} — {data.number_line}", styles["Heading2"]),
        Spacer(1, 4 * mm),
        _para(_("You are called to take part in the training below as a participant:"), body),
        Spacer(1, 2 * mm),
        Table(
            [
                [_("Name"), _para(data.participant, body)],
                ["NIP", data.nip],
                [_("Unit"), _para(data.unit, body)],
                [_("Dates"), data.dates],
                [_("Venue"), _para(data.venue, body)],
            ],
            colWidths=[35 * mm, 130 * mm],
            style=TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR)]),
        ),
        Spacer(1, 5 * mm),
        _para(_("Timetable"), styles["Heading2"]),
        Table(
            [
                [_para(h, head) for h in (_("Date"), _("Time (WITA)"), _("Topic"), _("Room"))],
                *[[d, t, _para(topic, body), _para(room, body)] for d, t, topic, room in data.sessions],
            ],
            style=_grid(),
            repeatRows=1,
            colWidths=[28 * mm, 28 * mm, 75 * mm, 38 * mm],
        ),
        Spacer(1, 6 * mm),
        _para(
            _(
                "Please attend every session on time and check in with the QR code shown in "
                "the room. Completion and its JP follow from the sessions attended."
            ),
            body,
        ),
        Spacer(1, 8 * mm),
        _para(_("Issued on %(date)s") % {"date": data.issued_on}, body),
    ]  # fmt: skip
    pdfa_build(doc, story)
    return buffer.getvalue()


@dataclass(frozen=True)
class AttendanceSheet:
    title: str
    subtitle: str
    rows: tuple[tuple[str, str, str, str], ...]  # name, NIP, unit, status


def render_attendance_sheet(data: AttendanceSheet) -> bytes:
    styles = _styles()
    body = styles["BodyText"]
    head = body.clone("head", fontName=BOLD, fontSize=8.5, leading=10)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title=data.title
    )
    header = [
        _para(h, head) for h in ("No", _("Name"), "NIP", _("Unit"), _("Status"), _("Signature"))
    ]
    rows = [
        [str(i), _para(name, body), nip, _para(unit, body), status, ""]
        for i, (name, nip, unit, status) in enumerate(data.rows, start=1)
    ]
    table = Table(
        [header, *rows],
        style=_grid(),
        repeatRows=1,
        colWidths=[9 * mm, 50 * mm, 38 * mm, 40 * mm, 18 * mm, 25 * mm],
        rowHeights=[None, *[12 * mm] * len(rows)],
    )
    story = [
        _para(_("ATTENDANCE LIST (DAFTAR HADIR)"), styles["Title"]),
        _para(data.title, styles["Heading2"]),
        _para(data.subtitle, body),
        Spacer(1, 5 * mm),
        table,
    ]
    pdfa_build(doc, story)
    return buffer.getvalue()
