"""Certificate PDFs (STTP), drawn with reportlab. A pure function: it takes a
`CertificateData` snapshot and returns the PDF bytes; it never touches the database.

Speed (target ≥ 80 PDFs per second per core, measured by `make bench`): the fonts are
registered once per process, the static background is turned into PDF drawing operators
once per process, and the QR code is drawn as vector rectangles written straight into
the page stream (`Canvas.addLiteral`), one rectangle per horizontal run of dark modules.
The QR uses a fixed mask pattern: the QR standard lets the encoder pick any of the eight
masks and decoders read them all; searching for the "best" one is what makes QR encoding
slow, and it only matters for damaged prints."""

from __future__ import annotations

import datetime
import functools
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats, translation
from django.utils.translation import gettext as _

import segno
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from competencies.formats import jp_display
from competencies.pdf import BOLD, REGULAR, PdfACanvas, issue_moment

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
QR_SIZE = 96.0  # points, about 34 mm
QR_MASK = 2

PRIMARY = (0.043, 0.325, 0.580)  # the portal's blue (#0b5394)
GOLD = (0.749, 0.573, 0.196)

# The signer block, right; the PAdES signature field covers it (lower-left x, y,
# upper-right x, y in points), so that readers show the signature where the block is.
SIGNER_X = PAGE_WIDTH - 300
SIGNATURE_BOX = (int(SIGNER_X) - 8, 58, int(PAGE_WIDTH) - 44, 192)


@dataclass(frozen=True)
class CertificateData:
    """Everything the certificate shows, frozen at issue time."""

    number: str
    holder_name: str
    holder_nip: str
    course_title: str
    jp: Decimal | int
    completed_on: datetime.date
    issued_on: datetime.date
    verify_url: str
    agency_name: str
    government_name: str
    signer_name: str = ""
    signer_nip: str = ""
    signer_title: str = ""
    place: str = ""
    started_on: datetime.date | None = None
    valid_until: datetime.date | None = None
    competencies: tuple[tuple[str, int | None], ...] = field(default_factory=tuple)
    language: str = "id"
    logo_path: str | None = None
    signature_path: str | None = None
    # The electronic signature (lms.signing): "" prints the scanned signature image as
    # before; "pending" a "waiting for signature" box; "signed" the visible signature
    # block (signing date `signed_on`), under the PAdES signature field SIGNATURE_BOX.
    signature_state: str = ""
    signed_on: datetime.date | None = None
    # STTP content: rank (pangkat/golongan), position (jabatan), unit, the result
    # classification, and the subjects with their JP (a second page when there are any).
    holder_rank: str = ""
    # Tempat/tanggal lahir: the place from the employee record, the date from the NIP.
    holder_birth_place: str = ""
    holder_birth_date: datetime.date | None = None
    holder_position: str = ""
    holder_unit: str = ""
    qualification: str = ""
    subjects: tuple[tuple[str, str], ...] = ()


def _rgb(colour: tuple[float, float, float], stroke: bool) -> str:
    red, green, blue = colour
    return f"{red:.3f} {green:.3f} {blue:.3f} {'RG' if stroke else 'rg'}"


@functools.cache
def background_operators() -> str:
    """The page frame and ornaments as raw PDF operators, built once per process."""
    w, h = PAGE_WIDTH, PAGE_HEIGHT
    ops = [
        "q",
        _rgb(PRIMARY, stroke=True),
        "6 w",
        f"18 18 {w - 36:.2f} {h - 36:.2f} re S",
        _rgb(GOLD, stroke=True),
        "1.5 w",
        f"30 30 {w - 60:.2f} {h - 60:.2f} re S",
        _rgb(PRIMARY, stroke=False),
        f"30 {h - 72:.2f} {w - 60:.2f} 42 re f",
        _rgb(GOLD, stroke=False),
    ]
    # Small diamonds in the four corners of the inner frame.
    for x, y in ((30, 30), (w - 30, 30), (30, h - 30), (w - 30, h - 30)):
        ops.append(
            f"{x:.2f} {y + 7:.2f} m {x + 7:.2f} {y:.2f} l {x:.2f} {y - 7:.2f} l {x - 7:.2f} {y:.2f} l f"
        )
    ops.append("Q")
    return "\n".join(ops)


def qr_operators(data: str, *, x: float, y: float, size: float) -> str:
    """The QR code of `data` as filled rectangles, one per run of dark modules in a row.
    Coordinates are PDF points, (x, y) is the lower-left corner."""
    matrix = segno.make(data, error="m", micro=False, mask=QR_MASK, boost_error=False).matrix
    n = len(matrix)
    module = size / n
    rects = []
    for r, row in enumerate(matrix):
        top = y + size - (r + 1) * module
        start = -1
        for c in range(n + 1):
            dark = c < n and row[c]
            if dark and start < 0:
                start = c
            elif not dark and start >= 0:
                rects.append(
                    f"{x + start * module:.2f} {top:.2f} {(c - start) * module:.2f} {module:.2f} re"
                )
                start = -1
    return "q 0 g\n" + "\n".join(rects) + "\nf Q"


@functools.cache
def _image(path: str) -> ImageReader:
    """Logo and signature images, decoded once per process."""
    return ImageReader(path)


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "j F Y")


def _centred(
    c: canvas.Canvas, text: str, y: float, font: str, size: float, max_width: float
) -> None:
    # Long course titles shrink to fit the page rather than running off it.
    while size > 9 and pdfmetrics.stringWidth(text, font, size) > max_width:
        size -= 1
    c.setFont(font, size)
    c.drawCentredString(PAGE_WIDTH / 2, y, text)


@dataclass(frozen=True)
class _Lines:
    """A centred text fitted to its width: one line, shrunk from its size down to a
    minimum; longer, wrapped onto lines at that minimum (smaller still, down to 9 pt, only
    beyond `max_lines`), so that a name or title of any length stays inside the frame."""

    lines: tuple[str, ...]
    font: str
    size: float

    @property
    def extra(self) -> float:
        """How far below the first line's baseline the last one lies."""
        return (len(self.lines) - 1) * self.size * 1.2


def _fit(
    text: str,
    font: str,
    size: float,
    max_width: float,
    *,
    min_size: float,
    max_lines: int = 2,
    floor: float = 9,
) -> _Lines:
    """`text` in one line shrunk from `size` to `min_size`; longer, wrapped at that size
    (and smaller, down to `floor`, only while it takes more than `max_lines`)."""
    while size > min_size and pdfmetrics.stringWidth(text, font, size) > max_width:
        size -= 1
    lines = [text]
    if pdfmetrics.stringWidth(text, font, size) > max_width:
        lines = _wrap(text, font, size, max_width)
        while len(lines) > max_lines and size > floor:
            size -= 1
            lines = _wrap(text, font, size, max_width)
    return _Lines(lines=tuple(lines), font=font, size=size)


def _draw_lines(c: canvas.Canvas, text: _Lines, y: float) -> float:
    """Draws `text` centred from baseline `y` down; returns how far below `y` it went."""
    c.setFont(text.font, text.size)
    for number, line in enumerate(text.lines):
        c.drawCentredString(PAGE_WIDTH / 2, y - number * text.size * 1.2, line)
    return text.extra


def render_certificate(data: CertificateData) -> bytes:
    buffer = io.BytesIO()
    c = PdfACanvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        pageCompression=1,
        created=issue_moment(data.issued_on),
        lang=data.language,
    )
    c.setTitle(f"{data.number} — {data.holder_name}")
    c.setAuthor(data.agency_name)
    c.setSubject(data.course_title)
    with translation.override(data.language):
        c.addLiteral(background_operators())
        _draw_heading(c, data)
        _draw_award(c, data)
        _draw_signer(c, data)
        _draw_verification(c, data)
        c.showPage()
        if data.subjects:
            _draw_subjects(c, data)
    c.save()
    return buffer.getvalue()


def _draw_heading(c: canvas.Canvas, data: CertificateData) -> None:
    """Government band, logo, title and number."""
    w, h = PAGE_WIDTH, PAGE_HEIGHT
    c.setFillColorRGB(1, 1, 1)
    c.setFont(BOLD, 13)
    c.drawCentredString(w / 2, h - 58, data.government_name.upper())
    if data.logo_path:
        c.drawImage(
            _image(data.logo_path),
            44,
            h - 140,
            width=60,
            height=60,
            mask="auto",
            preserveAspectRatio=True,
        )
    c.setFillColorRGB(*PRIMARY)
    _centred(c, _("CERTIFICATE"), h - 118, BOLD, 30, w - 200)
    c.setFillColorRGB(0.2, 0.2, 0.2)
    _centred(c, _("Certificate of Training Completion"), h - 140, REGULAR, 13, w - 200)
    c.setFont(REGULAR, 10)
    c.drawCentredString(w / 2, h - 158, _("Number: %(number)s") % {"number": data.number})


def _draw_award(c: canvas.Canvas, data: CertificateData) -> None:
    """Holder, course, period and JP, competencies and validity."""
    w, h = PAGE_WIDTH, PAGE_HEIGHT
    # A long name, the rank line, the course title and the competencies wrap (`_fit`),
    # and what follows each moves down by the lines it takes (`drop`). When they need
    # more room than the page leaves above the signer block and the QR code, the whole
    # block starts higher, into the space under the number (`lift`, at most 24 pt).
    name = _fit(data.holder_name, BOLD, 24, w - 160, min_size=14)
    birth = ", ".join(
        part
        for part in (
            data.holder_birth_place,
            _date(data.holder_birth_date) if data.holder_birth_date else "",
        )
        if part
    )
    birth_lines = (
        _wrap(_("Place/date of birth: %(value)s") % {"value": birth}, REGULAR, 10, w - 160)[:2]
        if birth
        else []
    )
    details_text = " · ".join(
        part for part in (data.holder_rank, data.holder_position, data.holder_unit) if part
    )
    details = _fit(details_text, REGULAR, 10, w - 160, min_size=8) if details_text else None
    title = _fit(data.course_title, BOLD, 17, w - 160, min_size=12)
    items = ", ".join(
        f"{name} ({_('level')} {level})" if level else name for name, level in data.competencies
    )
    competencies = (
        _fit(
            _("Competencies developed: %(items)s") % {"items": items},
            REGULAR,
            10,
            w - 180,
            min_size=8,
        )
        if data.competencies
        else None
    )
    extra = sum(
        block.extra for block in (name, details, title, competencies) if block is not None
    ) + 12 * max(len(birth_lines) - 1, 0)
    h += min(max(extra - 24, 0), 24)  # the lift
    c.setFillColorRGB(0, 0, 0)
    c.setFont(REGULAR, 12)
    c.drawCentredString(w / 2, h - 195, _("awarded to"))
    drop = _draw_lines(c, name, h - 225)
    if data.holder_nip:
        c.setFont(REGULAR, 12)
        c.drawCentredString(w / 2, h - 245 - drop, f"NIP {data.holder_nip}")
    c.setFont(REGULAR, 10)
    for line in birth_lines:
        c.drawCentredString(w / 2, h - 259 - drop, line)
        drop += 12
    if details is not None:
        drop += _draw_lines(c, details, h - 260 - drop)
    c.setFont(REGULAR, 12)
    c.drawCentredString(w / 2, h - 277 - drop, _("who has completed the training"))
    drop += _draw_lines(c, title, h - 300 - drop)
    period = _date(data.completed_on)
    if data.started_on and data.started_on != data.completed_on:
        period = f"{_date(data.started_on)} – {period}"
    jp = jp_display(Decimal(str(data.jp)))  # "8", "8,5" in the certificate's language
    _centred(
        c,
        _("%(period)s, %(jp)s lesson hours (JP)") % {"period": period, "jp": jp},
        h - 322 - drop,
        REGULAR,
        12,
        w - 160,
    )
    below = h - 344 - drop
    if data.qualification:
        _centred(
            c,
            _("with the qualification: %(qualification)s") % {"qualification": data.qualification},
            h - 338 - drop,
            BOLD,
            11,
            w - 160,
        )
        below = h - 356 - drop
    if competencies is not None:
        below -= _draw_lines(c, competencies, below)
    if data.valid_until:
        c.setFont(REGULAR, 9)
        c.drawCentredString(
            w / 2, below - 18, _("Valid until %(date)s") % {"date": _date(data.valid_until)}
        )


def _draw_subjects(c: canvas.Canvas, data: CertificateData) -> None:
    """Second page: the programme's subjects (mata pelatihan) and their JP; long titles
    wrap onto several lines, and the list runs on to further pages when needed."""
    w, h = PAGE_WIDTH, PAGE_HEIGHT
    left, right, jp_x = 70.0, w - 70, w - 150
    width = jp_x - left - 40

    def heading() -> float:
        c.addLiteral(background_operators())
        c.setFillColorRGB(*PRIMARY)
        _centred(c, _("List of subjects"), h - 110, BOLD, 18, w - 200)
        c.setFillColorRGB(0, 0, 0)
        c.setFont(REGULAR, 10)
        c.drawCentredString(w / 2, h - 128, f"{data.number} — {data.holder_name}")
        c.setFont(BOLD, 10)
        c.drawString(left, h - 155, _("No."))
        c.drawString(left + 30, h - 155, _("Subject"))
        c.drawRightString(right, h - 155, "JP")
        c.line(left, h - 160, right, h - 160)
        return h - 176

    y = heading()
    for number, (title, jp) in enumerate(data.subjects, start=1):
        lines = _wrap(str(title), REGULAR, 10, width)
        if y - 13 * len(lines) < 60:
            c.showPage()
            y = heading()
        c.setFont(REGULAR, 10)
        c.drawString(left, y, f"{number}.")
        c.drawRightString(right, y, jp_display(Decimal(str(jp))))
        for line in lines:
            c.drawString(left + 30, y, line)
            y -= 13
        y -= 3
    c.line(left, y + 6, right, y + 6)
    c.setFont(BOLD, 10)
    c.drawString(left + 30, y - 8, _("Total"))
    c.drawRightString(right, y - 8, jp_display(Decimal(str(data.jp))))
    c.showPage()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Words onto lines no wider than `width` (a word longer than a line is cut)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if pdfmetrics.stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while pdfmetrics.stringWidth(word, font, size) > width and len(word) > 1:
            cut = len(word)
            while cut > 1 and pdfmetrics.stringWidth(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


# How far the signer block may grow downwards (the NIP's baseline from 70 to 48, still
# inside the frame) before it grows upwards, towards the award text.
_SIGNER_ROOM_BELOW = 22.0


def _signer_lines(text: str, font: str) -> _Lines:
    # The agency settings allow 200 characters: that is four lines at 7 pt.
    return _fit(text, font, 11, PAGE_WIDTH - 52 - SIGNER_X, min_size=8, max_lines=4, floor=7)


def _draw_left(c: canvas.Canvas, text: _Lines, x: float, y: float) -> None:
    c.setFont(text.font, text.size)
    for number, line in enumerate(text.lines):
        c.drawString(x, y - number * text.size * 1.2, line)


def _draw_signer(c: canvas.Canvas, data: CertificateData) -> None:
    """Place and date, signer title, the signature (scanned image, or the electronic
    signature's block), name and NIP, right. A long title or name wraps (`_signer_lines`):
    the block grows down first, then up."""
    sx = SIGNER_X
    width = PAGE_WIDTH - 52 - sx
    title = _signer_lines(data.signer_title, REGULAR)
    name = _signer_lines(data.signer_name, BOLD)
    extra = title.extra + name.extra
    up = max(extra - _SIGNER_ROOM_BELOW, 0)
    # Everything under the title moves by `shift` (negative: down) from its one-line place.
    shift = up - title.extra
    issued = _date(data.issued_on)
    _fitted(
        c, f"{data.place}, {issued}" if data.place else issued, sx, 178 + up, REGULAR, 11, width
    )
    _draw_left(c, title, sx, 163 + up)
    if data.signature_state:
        _draw_electronic_signature(c, data, sx, width, shift)
    elif data.signature_path:
        c.drawImage(
            _image(data.signature_path),
            sx,
            98 + shift,
            width=120,
            height=55,
            mask="auto",
            preserveAspectRatio=True,
        )
    _draw_left(c, name, sx, 84 + shift)
    if data.signer_nip:
        c.setFont(REGULAR, 10)
        c.drawString(sx, 70 + shift - name.extra, f"NIP {data.signer_nip}")


def _fitted(
    c: canvas.Canvas, text: str, x: float, y: float, font: str, size: float, max_width: float
) -> None:
    # Short lines of the signer block shrink to fit rather than run off the page.
    while size > 7 and pdfmetrics.stringWidth(text, font, size) > max_width:
        size -= 0.5
    c.setFont(font, size)
    c.drawString(x, y, text)


def _draw_electronic_signature(
    c: canvas.Canvas, data: CertificateData, sx: float, width: float, shift: float = 0
) -> None:
    """The visible block of the PAdES signature (or the box waiting for it), `shift`
    points above its one-line place."""
    c.saveState()
    if data.signature_state == "signed":
        c.setStrokeColorRGB(*PRIMARY)
        c.setFillColorRGB(*PRIMARY)
        lines = [
            (BOLD, _("Signed electronically")),
            (
                REGULAR,
                _("on %(date)s") % {"date": _date(data.signed_on or data.issued_on)},
            ),
            (REGULAR, _("with a certified electronic signature")),
        ]
    else:
        c.setStrokeColorRGB(0.55, 0.55, 0.55)
        c.setFillColorRGB(0.4, 0.4, 0.4)
        c.setDash(3, 2)
        lines = [(BOLD, _("Awaiting electronic signature"))]
    c.setLineWidth(0.8)
    c.rect(sx - 4, 98 + shift, width + 4, 56, stroke=1, fill=0)
    y = 140 + shift
    for font, text in lines:
        _fitted(c, text, sx + 4, y, font, 9, width - 8)
        y -= 13
    c.restoreState()


def _draw_verification(c: canvas.Canvas, data: CertificateData) -> None:
    """QR code and verification hint, left."""
    c.addLiteral(qr_operators(data.verify_url, x=56, y=60, size=QR_SIZE))
    c.setFont(REGULAR, 8)
    c.drawString(164, 92, _("Verify this certificate:"))
    c.drawString(164, 80, data.verify_url)
    c.drawString(164, 68, data.agency_name)
