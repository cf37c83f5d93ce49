"""PDFs for HR (reportlab), and the fonts every portal PDF uses. Pure functions: they
take figures and return bytes, without touching the database. lms/pdf.py (certificates)
imports the fonts from here, since competencies may not import lms."""

from __future__ import annotations

import datetime
import functools
import html
import io
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape  # nosec B406 - escaping, not parsing

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
SRGB_PROFILE = Path(__file__).resolve().parent / "icc" / "sRGB.icc"
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


# PDF/A ------------------------------------------------------------------------------------
# Every portal PDF aims at PDF/A-3b (ISO 19005-3, level B: the look is preserved for the
# long term; level 3 because a signed certificate embeds its Open Badges credential):
# only embedded fonts (DejaVu, also for reportlab's initial text state, which would
# otherwise name an unembedded Helvetica), an sRGB output intent for the DeviceRGB
# colours, and XMP metadata that identifies PDF/A and repeats the Info dictionary.
# pyHanko's signing updates both alike (ModDate, Producer). docs/certificates.md,
# "Archival (PDF/A-3b)", says what is checked and what no validator here could confirm.

OUTPUT_CONDITION = "sRGB IEC61966-2.1"


@functools.cache
def _srgb_profile_compressed() -> bytes:
    return zlib.compress(SRGB_PROFILE.read_bytes())


class _Moment:
    """What reportlab's PDFDate reads of a document's TimeStamp: the Info dictionary's
    CreationDate/ModDate at a given moment (reportlab's `invariant` mode otherwise writes
    1 January 2000)."""

    def __init__(self, moment: datetime.datetime) -> None:
        minutes = int((moment.utcoffset() or datetime.timedelta()).total_seconds() // 60)
        self.YMDhms = moment.timetuple()[:6]
        self.dhh = int(minutes / 60)
        self.dmm = abs(minutes) % 60


def _xmp_date(moment: _Moment) -> str:
    year, month, day, hour, minute, second = moment.YMDhms
    sign = "-" if moment.dhh < 0 else "+"
    return (
        f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
        f"{sign}{abs(moment.dhh):02d}:{moment.dmm:02d}"
    )


def _xmp(document: pdfdoc.PDFDocument) -> bytes:
    """The XMP packet, from the Info dictionary's own values when the file is written,
    so the two cannot disagree."""
    info = document.info
    date = _xmp_date(document._timeStamp)

    def text(value: object) -> str:
        return xml_escape(str(value))

    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
        ' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
        "<dc:format>application/pdf</dc:format>"
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text(info.title)}</rdf:li></rdf:Alt></dc:title>'
        f"<dc:creator><rdf:Seq><rdf:li>{text(info.author)}</rdf:li></rdf:Seq></dc:creator>"
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text(info.subject)}</rdf:li></rdf:Alt></dc:description>'
        f"<pdf:Producer>{text(info.producer)}</pdf:Producer>"
        f"<pdf:Keywords>{text(info.keywords)}</pdf:Keywords>"
        f"<xmp:CreatorTool>{text(info.creator)}</xmp:CreatorTool>"
        f"<xmp:CreateDate>{date}</xmp:CreateDate>"
        f"<xmp:ModifyDate>{date}</xmp:ModifyDate>"
        f"<xmp:MetadataDate>{date}</xmp:MetadataDate>"
        "<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


class _Metadata(pdfdoc.PDFStream):
    """The XMP stream, unfiltered as PDF/A asks (reportlab's own XMP stream would be
    compressed, or carry an empty /Filter)."""

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        content = _xmp(document)
        dictionary = pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("Metadata"),
                "Subtype": pdfdoc.PDFName("XML"),
                "Length": len(content),
            }
        )
        return pdfdoc.format(dictionary, document) + b"\nstream\n" + content + b"\nendstream\n"


class PdfACanvas(canvas.Canvas):
    """A reportlab canvas whose file declares PDF/A-3b and keeps the rules above.
    `created`: the Info and XMP creation date (default: reportlab's, fixed in invariant
    mode). Platypus documents are built on it by `pdfa_build`."""

    def __init__(
        self, filename, *, created: datetime.datetime | None = None, **kwargs: object
    ) -> None:
        register_fonts()
        # Platypus passes these explicitly, None when its document sets none.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or REGULAR
        if kwargs.get("invariant") is None:
            kwargs["invariant"] = 1 if created is not None else 0
        super().__init__(filename, **kwargs)
        document = self._doc
        if created is not None:
            document._timeStamp = _Moment(created)
        document.info.creator = "Portal Pembelajaran ASN"
        profile = pdfdoc.PDFStream(
            # Compressed once per process: a stream that names its /Filter is written as is.
            dictionary=pdfdoc.PDFDictionary({"N": 3, "Filter": pdfdoc.PDFName("FlateDecode")}),
            content=_srgb_profile_compressed(),
        )
        intent = pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("OutputIntent"),
                "S": pdfdoc.PDFName("GTS_PDFA1"),
                "OutputConditionIdentifier": pdfdoc.PDFString(OUTPUT_CONDITION),
                "Info": pdfdoc.PDFString(OUTPUT_CONDITION),
                "DestOutputProfile": document.Reference(profile),
            }
        )
        catalog = document.Catalog
        # reportlab's catalog writes only the keys it lists; OutputIntents is not one of
        # them (reportlab's own PDF/A support is in its commercial edition).
        catalog.__NoDefault__ = [*pdfdoc.PDFCatalog.__NoDefault__, "OutputIntents"]
        catalog.OutputIntents = pdfdoc.PDFArray([intent])
        catalog.Metadata = _Metadata()


def pdfa_build(doc: BaseDocTemplate, story: list) -> None:
    """Builds a platypus document on `PdfACanvas`, in the active language."""
    doc.lang = doc.lang or get_language() or None  # the catalog's /Lang
    doc.build(story, canvasmaker=PdfACanvas)


def issue_moment(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the portal's time zone: the creation date of a document
    issued that day."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_default_timezone())


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
    pdfa_build(doc, story)
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
    pdfa_build(doc, story)
    return buffer.getvalue()
