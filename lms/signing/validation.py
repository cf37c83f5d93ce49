"""Checking a PDF's PAdES signature with pyHanko's validator, for the public verify page
("Dokumen PDF") and the tests: is the document intact or altered after signing, who
signed and when, the timestamp, whether the signer's certificate chains to the
agency's published root (lms.signing.trust_roots), and whether the PDF carries its own
revocation information (PAdES B-LT: CRLs or OCSP responses in the DSS) showing that the
certificate was not revoked when it signed. Offline: nothing is fetched."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import io
import logging
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import SignatureValidationError, ValidationInfoReadingError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, RevokedError

from lms.signing import outside_event_loop, trust_roots

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class PdfSignatureCheck:
    """The verdict in facts; the template puts it in words. `problem` is "not_pdf" or
    "unsigned" when there is no signature to judge."""

    problem: str = ""
    intact: bool = False  # the signed bytes are unchanged and the signature is sound
    altered_after_signing: bool = False  # changes appended after the signature
    trusted: bool = False  # the signer's certificate chains to the published root
    signer: str = ""
    signer_organisation: str = ""
    reason: str = ""
    title: str = ""  # the document's title (the portal writes "<number> — <holder>")
    signing_time: datetime.datetime | None = None
    timestamp: datetime.datetime | None = None  # an RFC 3161 token's time (PAdES B-T)
    timestamp_trusted: bool = False
    # Long-term validation (PAdES B-LT): revocation information embedded in the PDF.
    revocation_embedded: bool = False
    # ... and it shows the signer's certificate was not revoked at the signing time
    revocation_confirmed: bool = False
    revoked_at_signing: bool = False  # ... or that it was revoked
    revocation_updated: datetime.datetime | None = None  # the newest CRL's thisUpdate

    def names_certificate(self, number: str) -> bool:
        """Whether the PDF was signed for certificate `number`: the portal's signature
        reason ends with it ("Sertifikat <number>"), or, for a signature made without
        that reason (a BSrE gateway), the title the portal wrote begins with it."""
        if not number:
            return False
        return self.reason.rsplit(" ", 1)[-1] == number or self.title.startswith(f"{number} ")

    @property
    def valid(self) -> bool:
        return (
            not self.problem
            and self.intact
            and not self.altered_after_signing
            and self.trusted
            and not self.revoked_at_signing
        )


# Appending validation data (DSS, document timestamps: PAdES B-LT/B-LTA) after the signature
# is allowed; anything more (form filling, annotations, page changes) is an alteration.
_ALLOWED_AFTER = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)


def _name(certificate: asn1_x509.Certificate, field: str) -> str:
    value = certificate.subject.native.get(field, "")
    return value[0] if isinstance(value, list) else str(value)


def _roots() -> list[asn1_x509.Certificate]:
    return [
        asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))
        for root in trust_roots()
    ]


def validation_context(roots: list[asn1_x509.Certificate] | None = None) -> ValidationContext:
    roots = _roots() if roots is None else roots
    # No fetching: the portal never reaches out from a public request; revocation is
    # the portal's own (the certificate's status) plus what the PDF embeds.
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def pdf_signature_check(pdf: bytes) -> PdfSignatureCheck:
    """The last PAdES signature of `pdf`, judged against the agency's published roots."""
    if pdf.lstrip()[:5] != b"%PDF-":
        return PdfSignatureCheck(problem="not_pdf")
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_regular_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        logger.info("Uploaded PDF could not be read: %s", error)
        return PdfSignatureCheck(problem="not_pdf")
    if not signatures:
        return PdfSignatureCheck(problem="unsigned")
    signature = signatures[-1]
    try:
        roots = _roots()
        context = validation_context(roots)
        status = outside_event_loop(lambda: validate_pdf_signature(signature, context))
    except (SignatureValidationError, PdfError, ValueError, KeyError) as error:
        logger.info("Signature could not be validated: %s", error)
        return PdfSignatureCheck(problem="", intact=False, altered_after_signing=True)
    altered = status.coverage != SignatureCoverageLevel.ENTIRE_FILE and (
        status.modification_level not in _ALLOWED_AFTER
    )
    timestamp = status.timestamp_validity
    reason = signature.sig_object.get("/Reason")
    try:
        title = str(reader.trailer_view["/Info"]["/Title"])
    except (KeyError, TypeError, PdfError):
        title = ""
    moment = timestamp.timestamp if timestamp is not None else status.signer_reported_dt
    revocation = _embedded_revocation(reader, signature, roots, moment)
    return PdfSignatureCheck(
        intact=bool(status.intact and status.valid),
        altered_after_signing=bool(altered),
        trusted=bool(status.trusted),
        signer=_name(status.signing_cert, "common_name"),
        signer_organisation=_name(status.signing_cert, "organization_name"),
        reason=str(reason) if reason is not None else "",
        title=title,
        signing_time=status.signer_reported_dt,
        timestamp=timestamp.timestamp if timestamp is not None else None,
        timestamp_trusted=bool(timestamp is not None and timestamp.trusted),
        **revocation,
    )


def _embedded_revocation(
    reader: PdfFileReader,
    signature: EmbeddedPdfSignature,
    roots: list[asn1_x509.Certificate],
    moment: datetime.datetime | None,
) -> dict[str, Any]:
    """What the PDF's own revocation information (DSS) says of the signer's certificate
    at the signing time (the timestamp's, else the signer's claim): checked with only
    the embedded CRLs/OCSP responses, each certificate below the root required covered."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except (ValidationInfoReadingError, PdfError, KeyError, TypeError, ValueError):
        return {}
    if not dss.crls and not dss.ocsps:
        return {}
    facts: dict[str, Any] = {"revocation_embedded": True}
    try:
        embedded = dss.as_validation_context(
            {
                "trust_roots": roots,
                "other_certs": list(signature.other_embedded_certs),
                "allow_fetching": False,
                "revocation_mode": "require",
                "moment": moment,
            }
        )
        updates = [crl["tbs_cert_list"]["this_update"].native for crl in embedded.crls]
        facts["revocation_updated"] = max(updates) if updates else None
        validator = CertificateValidator(
            signature.signer_cert,
            intermediate_certs=signature.other_embedded_certs,
            validation_context=embedded,
        )
        outside_event_loop(lambda: asyncio.run(validator.async_validate_usage(set())))
        facts["revocation_confirmed"] = True
    except RevokedError:
        facts["revoked_at_signing"] = True
    except (PathBuildingError, PathValidationError, ValueError, KeyError) as error:
        logger.info("Embedded revocation information does not confirm the signer: %s", error)
    return facts
