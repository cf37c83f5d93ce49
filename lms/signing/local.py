"""The `local` signer: a PKCS#12 file and its passphrase, PAdES signatures with pyHanko.

PAdES baseline B-B (ETSI.CAdES.detached, SHA-256, the signing certificate as a signed
attribute); B-T when `LMS_PDF_SIGNING_TSA_URL` names an RFC 3161 timestamping service;
B-LT (the chain, the CRLs and the OCSP answer in the document security store, DSS) when
`LMS_PDF_SIGNING_CRL_FILES` names the CA's revocation lists and/or
`LMS_PDF_SIGNING_OCSP_URL` its OCSP responder (lms.signing.revocation): the signer's
certificate is then checked against them first, and a revoked certificate or an
out-of-date CRL refuses to sign. B-LTA (a document timestamp over the DSS) when both a
TSA and revocation sources are configured.
The key is read once per process (lms.signing.get_signer caches the backend)."""

from __future__ import annotations

import dataclasses
import io
import logging
from pathlib import Path

from django.conf import settings

import requests
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfReadError
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.attributes import CMSAttributeProvider, SigningCertificateV2Provider
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.stamp import BaseStamp, BaseStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from lms.signing import (
    SIGNATURE_FIELD,
    SignatureRequest,
    SigningError,
    demo_pki,
    ltv,
    outside_event_loop,
    revision_prepare,
    revocation,
)


class _OfflineRevocationNotice(logging.Filter):
    """pyHanko warns at every signature that revocation information is embedded while
    fetching is off. That is this portal's choice (local CRL files, never the network),
    so the warning would only fill the worker's log, once per certificate."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_OfflineRevocationNotice())

# Room kept in the PDF for the CMS object: no dry-run signature to size it (that would
# sign twice). A 2048/4096-bit chain of three and a timestamp token fit in 16 KiB.
BYTES_RESERVED = 16 * 1024
BYTES_RESERVED_WITH_TIMESTAMP = 32 * 1024


# The renderer draws the visible signature block (name, NIP, position, date, "Ditandatangani
# secara elektronik") with the certificate's embedded font; the field's own appearance is
# an empty box over it, so the block and the signature are one clickable thing in readers.
# Empty also of resources: pyHanko's text stamp, even without text, names an unembedded
# Courier in its appearance, which PDF/A forbids.
@dataclasses.dataclass(frozen=True)
class _EmptyStampStyle(BaseStampStyle):
    def create_stamp(
        self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict
    ) -> _EmptyStamp:
        return _EmptyStamp(writer, self, box)


class _EmptyStamp(BaseStamp):
    def _render_inner_content(self) -> list[bytes]:
        return []


EMPTY_STAMP = _EmptyStampStyle(border_width=0)


class _KeptSigningCertificate(CMSAttributeProvider):
    """The signing-certificate-v2 attribute (RFC 5035) from its DER, made once per key:
    pyHanko builds it from the certificate for every signature, and asn1crypto takes
    about 3 ms to assemble and encode it (copying the issuer's name), for a value that
    only depends on the certificate."""

    attribute_type = "signing_certificate_v2"

    def __init__(self, der: bytes) -> None:
        self.der = der

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return tsp.SigningCertificateV2.load(self.der)


class _KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses its private key again for every signature (an RSA
    key check: about 40 ms, most of the cost of a signature). This one keeps the parsed
    key of the PKCS#12 file for the process, and the encoded signing-certificate
    attribute; everything else is pyHanko's."""

    kept_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | None = None
    _kept_signing_certificate: _KeptSigningCertificate | None = None

    def _signed_attr_providers(self, *args, **kwargs):
        for provider in super()._signed_attr_providers(*args, **kwargs):
            if isinstance(provider, SigningCertificateV2Provider):
                kept = self._kept_signing_certificate
                if kept is None or provider.signing_cert is not self.signing_cert:
                    kept = _KeptSigningCertificate(
                        as_signing_certificate_v2(provider.signing_cert).dump()
                    )
                    if provider.signing_cert is self.signing_cert:
                        self._kept_signing_certificate = kept
                provider = kept
            yield provider

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        key = self.kept_key
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, PKCS1v15(), hash_algorithm)
        if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hash_algorithm))
        return super().sign_raw(data, digest_algorithm)


def _passphrase() -> bytes | None:
    value = getattr(settings, "LMS_PDF_SIGNER_PKCS12_PASSPHRASE", "")
    return value.encode() if value else None


def _certificate_to_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


class LocalSigner:
    name = "local"

    def __init__(self) -> None:
        path = Path(settings.LMS_PDF_SIGNER_PKCS12_FILE)
        if not path.exists() and getattr(settings, "LMS_PDF_SIGNER_DEMO_AUTOCREATE", False):
            demo_pki.demo_pki_create(
                directory=path.parent,
                signer_file=path.name,
            )
        try:
            data = path.read_bytes()
        except OSError as error:
            raise SigningError(f"The signing key file {path} cannot be read ({error}).") from error
        try:
            key, certificate, others = pkcs12.load_key_and_certificates(data, _passphrase())
        except ValueError as error:
            raise SigningError(
                "The signing key file could not be opened: wrong passphrase or not a PKCS#12 file."
            ) from error
        if key is None or certificate is None:
            raise SigningError("The signing key file holds no key and certificate.")
        self.certificate = certificate
        self.chain = [certificate, *others, *self._extra_chain()]
        loaded = signers.SimpleSigner.load_pkcs12_data(
            data,
            other_certs=[_certificate_to_asn1(c) for c in self.chain[1:]],
            passphrase=_passphrase(),
        )
        self._signer = _KeptKeySigner(
            signing_cert=loaded.signing_cert,
            signing_key=loaded.signing_key,
            cert_registry=loaded.cert_registry,
        )
        if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            self._signer.kept_key = key
        self._roots = [
            _certificate_to_asn1(c)
            for c in [*self.chain, *self._extra_roots()]
            if c.subject == c.issuer
        ]
        tsa_url = getattr(settings, "LMS_PDF_SIGNING_TSA_URL", "")
        self._timestamper = (
            RequestsHTTPTimeStamper(
                tsa_url, timeout=getattr(settings, "LMS_PDF_SIGNING_TSA_TIMEOUT", 10)
            )
            if tsa_url
            else None
        )

    @staticmethod
    def _extra_chain() -> list[x509.Certificate]:
        chain_file = getattr(settings, "LMS_PDF_SIGNER_CHAIN_FILE", "")
        if not chain_file or not Path(chain_file).exists():
            return []
        return x509.load_pem_x509_certificates(Path(chain_file).read_bytes())

    @staticmethod
    def _extra_roots() -> list[x509.Certificate]:
        roots_file = getattr(settings, "LMS_PDF_SIGNING_TRUST_ROOTS_FILE", "")
        if not roots_file or not Path(roots_file).exists():
            return []
        return x509.load_pem_x509_certificates(Path(roots_file).read_bytes())

    def _validation_context(self) -> ValidationContext | None:
        """With CRL files or an OCSP responder configured: the context pyHanko checks the
        signer (and the TSA) against before signing, and whose CRLs, OCSP answer and chain
        it embeds (DSS). Revocation information is required for every certificate below
        the root; pyHanko fetches nothing (the OCSP answer is asked by
        lms.signing.revocation, from the configured URL only)."""
        crls = revocation.crls_load()
        ocsps = revocation.ocsp_responses(self.chain)
        if not crls and not ocsps:
            return None
        return ValidationContext(
            trust_roots=self._roots,
            other_certs=[_certificate_to_asn1(c) for c in self.chain],
            crls=crls,
            ocsps=ocsps,
            allow_fetching=False,
            revocation_mode="require",
        )

    def chain_pem(self) -> bytes:
        seen: set[bytes] = set()
        out = b""
        for certificate in self.chain:
            fingerprint = certificate.fingerprint(hashes.SHA256())
            if fingerprint in seen:
                continue
            seen.add(fingerprint)
            out += certificate.public_bytes(serialization.Encoding.PEM)
        return out

    def sign(self, pdf: bytes, *, request: SignatureRequest) -> bytes:
        now = _utcnow()
        if now > self.certificate.not_valid_after_utc:
            raise SigningError("The signing certificate has expired; it cannot sign.")
        if now < self.certificate.not_valid_before_utc:
            raise SigningError("The signing certificate is not valid yet.")
        context = self._validation_context()
        meta = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=request.reason or None,
            location=request.location or None,
            name=request.signer_name or None,
            validation_context=context,
            embed_validation_info=context is not None,
            # PAdES B-LTA: with a TSA, a document timestamp over the DSS just written, so
            # the validation data are themselves timestamped (renewable before the TSA's
            # certificate expires by timestamping again).
            use_pades_lta=context is not None and self._timestamper is not None,
            # The check before signing is about the chain and revocation; which key
            # usages an agency's certificate carries is its CA's business.
            signer_key_usage=set(),
        )
        spec = fields.SigFieldSpec(
            sig_field_name=SIGNATURE_FIELD, on_page=request.page, box=request.box
        )
        pdf_signer = signers.PdfSigner(
            meta,
            signer=self._signer,
            timestamper=self._timestamper,
            stamp_style=EMPTY_STAMP,
            new_field_spec=spec,
        )
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            revision_prepare(writer, request.attachments)
            output = outside_event_loop(
                lambda: pdf_signer.sign_pdf(
                    writer,
                    bytes_reserved=(
                        BYTES_RESERVED_WITH_TIMESTAMP if self._timestamper else BYTES_RESERVED
                    ),
                )
            )
        except (TimestampRequestError, requests.RequestException) as error:
            raise SigningError(
                "The timestamping service (TSA) did not answer; try again later.", transient=True
            ) from error
        except PyHankoSigningError as error:
            raise _revocation_refusal(error) or SigningError(
                f"The PDF could not be signed: {error}"
            ) from error
        except (PdfReadError, ValueError) as error:
            raise SigningError(f"The PDF could not be signed: {error}") from error
        return output.getvalue()


def _revocation_refusal(error: Exception) -> SigningError | None:
    """pyHanko's "the signer's certificate could not be validated" in the words the
    signer's queue shows, from the validator's own reason (its cause)."""
    return ltv.refusal_for(error.__cause__)


def _utcnow():
    import datetime

    return datetime.datetime.now(datetime.UTC)
