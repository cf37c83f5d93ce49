"""Reading a SCORM package's `imsmanifest.xml` (a pure function of its bytes).

SCORM 1.2 manifests use the IMS CP 1.1.2 namespace with `adlcp_rootv1p2`; SCORM 2004
(2nd to 4th edition) manifests use IMS CP 1.1 with `adlcp_v1p3`. Some 1.2 authoring tools
also write the IMS CP 1.1 namespace, so the ADL namespace (and `<schemaversion>`) decides
the version, not the content-packaging namespace alone. Both are read the same way: the
default organisation's items, in order, each pointing at a resource whose `href` (plus
`xml:base` and the item's `parameters`) is the file to launch. Only items that launch
something become entries of the table of contents; a package without organisations
launches its first SCO resource.

The XML is parsed with defusedxml (no entities, no external references)."""

from __future__ import annotations

import posixpath
from dataclasses import asdict, dataclass
from typing import Any

# Only the element type; parsing is defusedxml's.
from xml.etree.ElementTree import Element  # nosec B405

from django.utils.translation import gettext as _

from defusedxml import ElementTree

CP_12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
CP_2004 = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"
XML_NS = "http://www.w3.org/XML/1998/namespace"

VERSION_12 = "1.2"
VERSION_2004 = "2004"


class ManifestError(ValueError):
    """The manifest cannot be used; the message is for the trainer."""


@dataclass(frozen=True)
class Sco:
    """One launchable entry of the table of contents."""

    identifier: str
    title: str
    href: str  # path inside the package, with the item's parameters
    level: int  # 0 for a top-level item
    mastery_score: int | None = None  # SCORM 1.2 adlcp:masteryscore (0-100)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Manifest:
    version: str
    title: str
    scos: list[Sco]

    @property
    def files(self) -> set[str]:
        """The files the SCOs launch (without query or fragment)."""
        return {sco.href.split("?", 1)[0].split("#", 1)[0] for sco in self.scos}


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _local(tag: str) -> str:
    return tag.split("}", 1)[1] if tag.startswith("{") else tag


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: Element, name: str) -> Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _attr(element: Element, name: str) -> str:
    """An attribute by local name, in whatever namespace (adlcp:scormtype / scormType)."""
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value.strip()
    return ""


def _version(root: Element) -> str:
    namespaces = {_ns(root.tag)}
    for element in root.iter():
        namespaces.add(_ns(element.tag))
        namespaces.update(_ns(key) for key in element.attrib)
    metadata = _child(root, "metadata")
    schema_version = _text(_child(metadata, "schemaversion")) if metadata is not None else ""
    if ADLCP_2004 in namespaces or "2004" in schema_version or "CAM 1.3" in schema_version:
        return VERSION_2004
    if ADLCP_12 in namespaces or schema_version == "1.2" or CP_12 in namespaces:
        return VERSION_12
    raise ManifestError(_("The manifest is neither SCORM 1.2 nor SCORM 2004."))


def _join(base: str, href: str) -> str:
    path = posixpath.normpath(posixpath.join(base, href)) if base else href
    return path


def _resource_href(resource: Element) -> str:
    href = _attr(resource, "href")
    if not href:
        return ""
    base = resource.attrib.get(f"{{{XML_NS}}}base", "")
    return _join(base, href)


def _with_parameters(href: str, parameters: str) -> str:
    if not parameters:
        return href
    parameters = parameters.lstrip("?&")
    if parameters.startswith("#"):
        return href + parameters
    return href + ("&" if "?" in href else "?") + parameters


def manifest_parse(data: bytes) -> Manifest:
    """The package's version, title and launchable items, or ManifestError."""
    try:
        root = ElementTree.fromstring(data)
    except Exception as error:  # defusedxml raises several types; all mean "unusable"
        raise ManifestError(
            _("The manifest (imsmanifest.xml) is not valid XML: %(error)s") % {"error": error}
        ) from error
    if _local(root.tag) != "manifest" or _ns(root.tag) not in (CP_12, CP_2004):
        raise ManifestError(
            _("imsmanifest.xml is not an IMS content package manifest (SCORM 1.2 or 2004).")
        )
    version = _version(root)
    resources: dict[str, Element] = {}
    resources_element = _child(root, "resources")
    if resources_element is not None:
        for resource in _children(resources_element, "resource"):
            identifier = resource.attrib.get("identifier", "")
            if identifier:
                resources[identifier] = resource

    scos: list[Sco] = []
    title = ""
    organisations = _child(root, "organizations")
    organisation = None
    if organisations is not None:
        candidates = _children(organisations, "organization")
        default = organisations.attrib.get("default", "")
        organisation = next(
            (o for o in candidates if o.attrib.get("identifier") == default),
            candidates[0] if candidates else None,
        )
    if organisation is not None:
        title = _text(_child(organisation, "title"))

        def walk(parent: Element, level: int) -> None:
            for item in _children(parent, "item"):
                if item.attrib.get("isvisible", "true").lower() == "false":
                    continue
                ref = item.attrib.get("identifierref", "")
                resource = resources.get(ref) if ref else None
                if ref and resource is None:
                    raise ManifestError(
                        _("Item %(item)s points at a resource that is not in the manifest.")
                        % {"item": item.attrib.get("identifier", "?")}
                    )
                href = _resource_href(resource) if resource is not None else ""
                if href:
                    mastery = _text(_child(item, "masteryscore"))
                    scos.append(
                        Sco(
                            identifier=item.attrib.get("identifier", ref)[:200],
                            title=_text(_child(item, "title"))[:255] or ref,
                            href=_with_parameters(href, item.attrib.get("parameters", "")),
                            level=level,
                            mastery_score=(
                                int(float(mastery))
                                if mastery.replace(".", "", 1).isdigit()
                                else None
                            ),
                        )
                    )
                walk(item, level + 1)

        walk(organisation, 0)
    if not scos:
        # No organisation: the first resource that is a SCO (or any with a launch file).
        for identifier, resource in resources.items():
            href = _resource_href(resource)
            if href and _attr(resource, "scormtype").lower() in ("sco", ""):
                scos.append(Sco(identifier=identifier[:200], title=identifier, href=href, level=0))
                break
    if not scos:
        raise ManifestError(_("The manifest has no resource to launch."))
    if len({sco.identifier for sco in scos}) != len(scos):
        raise ManifestError(_("Two items of the manifest have the same identifier."))
    return Manifest(version=version, title=title[:255], scos=scos)
