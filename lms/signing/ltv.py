"""PAdES B-LT for a PDF signed elsewhere (the BSrE gateway returns it signed): the
validation data of its last signature — the chain, the CRLs of
`LMS_PDF_SIGNING_CRL_FILES` and the OCSP answer of `LMS_PDF_SIGNING_OCSP_URL` — appended
to the document security store (DSS) in an incremental update with pyHanko's
`add_validation_info`, which leaves the signed bytes untouched. The signer's (and the
timestamp's) certificate is validated against them first, with nothing fetched by
pyHanko: a revoked or uncovered certificate is refused like a local signature. With
`LMS_PDF_SIGNING_TSA_URL` a document timestamp then covers the DSS (PAdES B-LTA)."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils.translation import gettext as _

import requests
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.sign.validation import add_validation_info
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
    StaleRevinfoError,
)

from lms.signing import SigningError, outside_event_loop, revocation

# Room for the document timestamp's CMS object (a token and the TSA's chain).
DOCUMENT_TIMESTAMP_BYTES = 16 * 1024


def revocation_sources_configured() -> bool:
    return bool(revocation.crl_paths()) or revocation.ocsp_configured()


def refusal_for(cause: BaseException | None) -> SigningError | None:
    """The validator's reason for not accepting the signer's certificate, in the words
    the signer's queue shows."""
    if isinstance(cause, RevokedError):
        return SigningError(
            _(
                "The signing certificate is revoked in the CA's revocation list (CRL); it "
                "cannot sign. Ask the CA for a new certificate."
            )
        )
    if isinstance(cause, StaleRevinfoError):
        return SigningError(
            _(
                "The revocation list (CRL) in LMS_PDF_SIGNING_CRL_FILES is out of date; "
                "download the CA's current CRL and replace the file."
            )
        )
    if isinstance(cause, InsufficientRevinfoError):
        if revocation.ocsp_configured():
            return SigningError(
                _(
                    "The revocation information (the OCSP responder's answer, the CRLs in "
                    "LMS_PDF_SIGNING_CRL_FILES) does not cover every certificate of the "
                    "chain (the OCSP answer covers only the signer's; intermediate CAs and "
                    "the timestamping service need their CA's CRL), or the OCSP answer is "
                    "not signed by the CA: %(cause)s"
                )
                % {"cause": cause}
            )
        return SigningError(
            _(
                "The revocation lists (CRL) in LMS_PDF_SIGNING_CRL_FILES do not cover the "
                "signing certificate (or the timestamping service's); add the CRL of the CA "
                "that issued it."
            )
        )
    if isinstance(cause, ExpiredError):
        return SigningError(_("The signing certificate has expired; it cannot sign."))
    if isinstance(cause, PathBuildingError | PathValidationError):
        return SigningError(
            _("The signing certificate does not chain to a trusted root: %(cause)s")
            % {"cause": cause}
        )
    return None


def _to_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _to_pyca(certificate: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(certificate.dump())


def validation_info_append(
    pdf: bytes, *, roots: list[x509.Certificate], chain: list[x509.Certificate]
) -> bytes:
    """`pdf` (signed) with its last signature's validation data appended (DSS), or
    unchanged when no revocation source is configured. `roots`: the trusted roots;
    `chain`: certificates of the signer's chain the PDF may not embed."""
    if not revocation_sources_configured():
        return pdf
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signature = reader.embedded_regular_signatures[-1]
        signer = signature.signer_cert
        embedded = list(signature.other_embedded_certs)
    except (PdfError, ValueError, KeyError, IndexError) as error:
        raise SigningError(
            _("The signed PDF could not be read to add its validation data: %(error)s")
            % {"error": error}
        ) from error
    full_chain = [_to_pyca(signer), *(_to_pyca(c) for c in embedded), *chain]
    context = ValidationContext(
        trust_roots=[_to_asn1(root) for root in roots],
        other_certs=[*embedded, *(_to_asn1(c) for c in chain)],
        crls=revocation.crls_load(),
        ocsps=revocation.ocsp_responses(full_chain),
        allow_fetching=False,
        revocation_mode="require",
    )
    try:
        output = outside_event_loop(lambda: add_validation_info(signature, context))
    except (PathBuildingError, PathValidationError) as error:
        raise refusal_for(error) or SigningError(
            _("The validation data could not be added: %(error)s") % {"error": error}
        ) from error
    except (PdfError, ValueError) as error:
        raise SigningError(
            _("The validation data could not be added: %(error)s") % {"error": error}
        ) from error
    tsa_url = getattr(settings, "LMS_PDF_SIGNING_TSA_URL", "")
    if not tsa_url:
        return output.getvalue()
    return _document_timestamp(output.getvalue(), tsa_url=tsa_url, context=context)


def _document_timestamp(pdf: bytes, *, tsa_url: str, context: ValidationContext) -> bytes:
    """PAdES B-LTA: an RFC 3161 document timestamp over the PDF and its DSS, the TSA's
    certificate validated (and its revocation data added) with the same context."""
    timestamper = RequestsHTTPTimeStamper(
        tsa_url, timeout=getattr(settings, "LMS_PDF_SIGNING_TSA_TIMEOUT", 10)
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    try:
        stamped = outside_event_loop(
            lambda: PdfTimeStamper(timestamper).timestamp_pdf(
                writer,
                "sha256",
                validation_context=context,
                bytes_reserved=DOCUMENT_TIMESTAMP_BYTES,
            )
        )
    except (TimestampRequestError, requests.RequestException) as error:
        raise SigningError(
            _("The timestamping service (TSA) did not answer; try again later."), transient=True
        ) from error
    except PyHankoSigningError as error:
        raise refusal_for(error.__cause__) or SigningError(
            _("The document timestamp could not be added: %(error)s") % {"error": error}
        ) from error
    except (PathBuildingError, PathValidationError) as error:
        raise refusal_for(error) or SigningError(
            _("The document timestamp could not be added: %(error)s") % {"error": error}
        ) from error
    return stamped.getvalue()
