"""The PDF/A-3b requirements of ISO 19005-3 that can be checked without a validator,
for the tests of every PDF that declares PDF/A (certificates, transcripts).

No conformance validator runs here (veraPDF is a Java tool that none of this machine's
registries carry): `pdfa_problems` checks the file structure those tests can see, rule by
rule, and names each rule it finds broken. What it does not check (colour-space use
inside content streams, glyph coverage, the XMP's full schema validation) is listed in
docs/certificates.md, "Archival (PDF/A)"."""

from __future__ import annotations

import datetime
import io
import re
import xml.etree.ElementTree as ET  # nosec B405 - our own PDFs' XMP

from PIL import ImageCms
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}
# Info dictionary entry → its XMP property (ISO 32000-1, table 349; PDF/A-3 6.6.2.3.1).
INFO_TO_XMP = {
    "/Title": ("dc", "title"),
    "/Author": ("dc", "creator"),
    "/Subject": ("dc", "description"),
    "/Keywords": ("pdf", "Keywords"),
    "/Creator": ("xmp", "CreatorTool"),
    "/Producer": ("pdf", "Producer"),
    "/CreationDate": ("xmp", "CreateDate"),
    "/ModDate": ("xmp", "ModifyDate"),
}
# Annotation flags (ISO 32000-1, 12.5.3).
PRINT, HIDDEN, INVISIBLE, NOVIEW = 4, 2, 1, 32


def _resolved(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def _number(value) -> int | None:
    return value.idnum if isinstance(value, IndirectObject) else None


def _pdf_date(value: str) -> datetime.datetime:
    match = re.fullmatch(
        r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:([+\-Z])(\d\d)?'?(\d\d)?'?)?", value
    )
    if not match:
        raise ValueError(f"not a PDF date: {value!r}")
    year, month, day, hour, minute, second, sign, tz_h, tz_m = match.groups()
    offset = datetime.timedelta(hours=int(tz_h or 0), minutes=int(tz_m or 0))
    tz = datetime.timezone(-offset if sign == "-" else offset)
    return datetime.datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=tz
    )


def _xmp_value(description: ET.Element, prefix: str, name: str) -> str | None:
    element = description.find(f"{prefix}:{name}", NS)
    if element is None:
        value = description.get(f"{{{NS[prefix]}}}{name}")  # the attribute form
        return value
    item = element.find(".//rdf:li", NS)
    return (item.text if item is not None else element.text) or ""


def xmp_of(pdf: bytes) -> dict[str, str | None]:
    """The XMP properties the checks read, as {"prefix:name": value}."""
    reader = PdfReader(io.BytesIO(pdf))
    stream = _resolved(reader.trailer["/Root"]["/Metadata"])
    root = ET.fromstring(stream.get_data())  # noqa: S314  # nosec B314
    values: dict[str, str | None] = {}
    for description in root.iterfind(".//rdf:Description", NS):
        for prefix, name in [*INFO_TO_XMP.values(), ("pdfaid", "part"), ("pdfaid", "conformance")]:
            found = _xmp_value(description, prefix, name)
            if found is not None:
                values[f"{prefix}:{name}"] = found
    return values


def _fonts(resources, seen: set) -> list[tuple[str, DictionaryObject]]:
    """(name, font dictionary) of every font reachable from a resource dictionary,
    through form XObjects and Type 3 fonts' resources."""
    resources = _resolved(resources)
    if not isinstance(resources, DictionaryObject) or id(resources) in seen:
        return []
    seen.add(id(resources))
    found = []
    for name, font in _resolved(resources.get("/Font", DictionaryObject())).items():
        found.append((name, _resolved(font)))
    for xobject in _resolved(resources.get("/XObject", DictionaryObject())).values():
        xobject = _resolved(xobject)
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            found += _fonts(xobject["/Resources"], seen)
    return found


def _embedded(font: DictionaryObject) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        font = _resolved(font["/DescendantFonts"][0])
    descriptor = _resolved(font.get("/FontDescriptor"))
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def pdfa_problems(pdf: bytes) -> list[str]:
    """The PDF/A-3b rules this file breaks, in words; [] when none of the checked ones."""
    problems: list[str] = []
    header, _, rest = pdf.partition(b"\n")
    if not re.fullmatch(rb"%PDF-1\.[0-7]\r?", header):
        problems.append("6.1.2: the header is not %PDF-1.n")
    comment = rest.split(b"\n", 1)[0]
    if not (comment.startswith(b"%") and sum(byte > 127 for byte in comment[1:5]) == 4):
        problems.append("6.1.2: no comment of four bytes above 127 after the header")
    reader = PdfReader(io.BytesIO(pdf))
    trailer = reader.trailer
    root = _resolved(trailer["/Root"])
    if "/ID" not in trailer:
        problems.append("6.1.3: the trailer has no /ID")
    if "/Encrypt" in trailer:
        problems.append("6.1.3: the file is encrypted")

    intents = [_resolved(i) for i in _resolved(root.get("/OutputIntents", ArrayObject()))]
    pdfa_intents = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
    if not pdfa_intents:
        problems.append("6.2.3: no PDF/A output intent (/S /GTS_PDFA1)")
    for intent in pdfa_intents:
        profile = _resolved(intent.get("/DestOutputProfile"))
        if not isinstance(profile, StreamObject) or profile.get("/N") != 3:
            problems.append("6.2.3: the output intent has no RGB (N 3) profile stream")
            continue
        data = profile.get_data()
        try:
            parsed = ImageCms.ImageCmsProfile(io.BytesIO(data))
        except (OSError, ImageCms.PyCMSError):
            problems.append("6.2.3: the output intent's profile is not an ICC profile")
            continue
        if data[16:20] != b"RGB " or data[12:16] not in (b"mntr", b"prtr"):
            problems.append("6.2.3: the profile is not an RGB display or output profile")
        if data[8] >= 5 or parsed is None:
            problems.append("6.2.3: the profile's ICC version is 5 or later")

    metadata = _resolved(root.get("/Metadata"))
    if not isinstance(metadata, StreamObject):
        problems.append("6.6.2.1: the catalog has no XMP metadata stream")
    else:
        if metadata.get("/Type") != "/Metadata" or metadata.get("/Subtype") != "/XML":
            problems.append("6.6.2.1: the metadata stream is not /Type /Metadata /Subtype /XML")
        if "/Filter" in metadata:
            problems.append("6.6.2.1: the metadata stream is filtered")
        xmp = xmp_of(pdf)
        if xmp.get("pdfaid:part") != "3" or xmp.get("pdfaid:conformance") != "B":
            problems.append("6.6.4: the XMP does not identify PDF/A-3B")
        info = _resolved(trailer.get("/Info")) or {}
        for key, (prefix, name) in INFO_TO_XMP.items():
            if key not in info:
                continue
            value = str(_resolved(info[key]))
            in_xmp = xmp.get(f"{prefix}:{name}")
            if in_xmp is None:
                problems.append(f"6.6.2.3.1: Info {key} has no XMP {prefix}:{name}")
            elif key.endswith("Date"):
                if _pdf_date(value) != datetime.datetime.fromisoformat(in_xmp):
                    problems.append(f"6.6.2.3.1: Info {key} {value} ≠ XMP {in_xmp}")
            elif value != in_xmp:
                problems.append(f"6.6.2.3.1: Info {key} {value!r} ≠ XMP {in_xmp!r}")

    names = _resolved(root.get("/Names", DictionaryObject()))
    if "/JavaScript" in names or "/AA" in root:
        problems.append("6.6.1: JavaScript or additional actions in the catalog")
    open_action = _resolved(root.get("/OpenAction"))
    if isinstance(open_action, DictionaryObject) and open_action.get("/S") == "/JavaScript":
        problems.append("6.6.1: a JavaScript open action")

    seen: set = set()
    for number, page in enumerate(reader.pages, start=1):
        for name, font in _fonts(page.get("/Resources"), seen):
            if not _embedded(font):
                problems.append(f"6.2.11.4.1: page {number}: font {name} is not embedded")
        for annotation in _resolved(page.get("/Annots", ArrayObject())):
            annotation = _resolved(annotation)
            subtype = annotation.get("/Subtype")
            flags = int(annotation.get("/F", 0))
            if not flags & PRINT or flags & (HIDDEN | INVISIBLE | NOVIEW):
                problems.append(f"6.3.2: page {number}: a {subtype} annotation is not printable")
            rect = [float(v) for v in annotation.get("/Rect", [0, 0, 0, 0])]
            zero = rect[0] == rect[2] and rect[1] == rect[3]
            if subtype not in ("/Popup", "/Link") and not zero:
                appearance = _resolved(annotation.get("/AP"))
                if not isinstance(appearance, DictionaryObject) or "/N" not in appearance:
                    problems.append(f"6.3.3: page {number}: a {subtype} has no appearance")
                elif "/D" in appearance or "/R" in appearance:
                    problems.append(f"6.3.3: page {number}: a {subtype} has /D or /R appearances")
            appearance = _resolved(annotation.get("/AP"))
            normal = (
                _resolved(appearance.get("/N"))
                if isinstance(appearance, DictionaryObject)
                else None
            )
            if isinstance(normal, StreamObject):
                for name, font in _fonts(normal.get("/Resources"), seen):
                    if not _embedded(font):
                        problems.append(f"6.2.11.4.1: page {number}: appearance font {name}")
        for xobject in _resolved(
            _resolved(page.get("/Resources", DictionaryObject())).get(
                "/XObject", DictionaryObject()
            )
        ).values():
            xobject = _resolved(xobject)
            if xobject.get("/Subtype") == "/Image":
                if xobject.get("/Interpolate") is True or "/Alternates" in xobject:
                    problems.append(
                        f"6.2.8: page {number}: an image interpolates or has alternates"
                    )
                filters = xobject.get("/Filter", [])
                filters = [filters] if isinstance(filters, str) else list(filters)
                if "/LZWDecode" in filters:
                    problems.append(f"6.1.7.2: page {number}: an LZW-compressed image")

    associated = {_number(spec) for spec in _resolved(root.get("/AF", ArrayObject()))}
    files = _resolved(names.get("/EmbeddedFiles", DictionaryObject()))
    entries = list(_resolved(files.get("/Names", ArrayObject())))
    for name, reference in zip(entries[::2], entries[1::2], strict=True):
        spec = _resolved(reference)
        for key in ("/F", "/UF", "/AFRelationship"):
            if key not in spec:
                problems.append(f"6.8: embedded file {name}: no {key}")
        if _number(reference) not in associated:
            problems.append(f"6.8: embedded file {name} is not in the catalog's /AF")
        stream = _resolved(_resolved(spec.get("/EF", DictionaryObject())).get("/F"))
        if stream is None or "/Subtype" not in stream:
            problems.append(f"6.8: embedded file {name}: no MIME type (/Subtype)")
        elif "/ModDate" not in _resolved(stream.get("/Params", DictionaryObject())):
            problems.append(f"6.8: embedded file {name}: no /Params /ModDate")
    return problems
