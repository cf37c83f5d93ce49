"""PAdES signatures of the portal's PDFs (certificates, transcripts): one interface, the
backend picked by `settings.LMS_PDF_SIGNER` (docs/certificates.md, "Electronic signature").

- `local`  (lms.signing.local): a PKCS#12 file and its passphrase (environment or a
  mounted secret), signed here with pyHanko; an RFC 3161 timestamp (PAdES B-T) when
  `LMS_PDF_SIGNING_TSA_URL` is set. The demo PKI (lms.signing.demo_pki) makes such a
  file for `make run`.
- `bsre`   (lms.signing.bsre): the agency's BSrE signing gateway.
- `""`     signing off: PDFs are issued unsigned, as before.

A backend is built once per process and reused (the key is parsed once), so signing a
batch costs one CMS signature per PDF, not one key load."""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from django.conf import settings
from django.utils.module_loading import import_string

from cryptography import x509
from cryptography.hazmat.primitives import hashes

logger = logging.getLogger(__name__)
T = TypeVar("T")

# The visible signature field's name; the certificate renderer draws the block under it.
SIGNATURE_FIELD = "TandaTanganElektronik"

BACKENDS = {
    "local": "lms.signing.local.LocalSigner",
    "bsre": "lms.signing.bsre.BsreSigner",
}


# The settings a backend is built from (docs/certificates.md lists them).
SETTINGS = (
    "LMS_PDF_SIGNER",
    "LMS_PDF_SIGNER_PKCS12_FILE",
    "LMS_PDF_SIGNER_PKCS12_PASSPHRASE",
    "LMS_PDF_SIGNER_CHAIN_FILE",
    "LMS_PDF_SIGNING_TSA_URL",
    "LMS_PDF_SIGNING_TSA_TIMEOUT",
    "LMS_PDF_SIGNING_CRL_FILES",
    "LMS_PDF_SIGNING_OCSP_URL",
    "LMS_PDF_SIGNING_OCSP_TIMEOUT",
    "LMS_PDF_SIGNING_TRUST_ROOTS_FILE",
    "LMS_BSRE_URL",
    "LMS_BSRE_USERNAME",
    "LMS_BSRE_PASSWORD",
    "LMS_BSRE_NIK",
    "LMS_BSRE_TIMEOUT",
)


class SigningError(Exception):
    """Signing failed; the message is for people (the signer's queue, the logs). Nothing
    is marked signed. `transient` errors (a gateway or TSA that did not answer) are
    retried by the queue; the others (wrong passphrase, expired certificate) are not."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


@dataclasses.dataclass(frozen=True)
class SignatureRequest:
    """Where the visible signature goes and what the signature dictionary records."""

    box: tuple[int, int, int, int] | None  # PDF points on `page`; None: invisible
    page: int = 0
    reason: str = ""
    location: str = ""
    signer_name: str = ""
    # The BSrE gateway asks for the signer's passphrase per batch; the local backend
    # ignores it (its passphrase is a setting).
    passphrase: str | None = None
    # Files embedded in the signed revision as associated files (/AF, relationship
    # /Data): (file name, content, MIME type, description), e.g. the Open Badges
    # credential, so that one file carries the document, the credential and the signature.
    attachments: tuple[tuple[str, bytes, str, str], ...] = ()


class PdfSigner(Protocol):
    name: str

    def sign(self, pdf: bytes, *, request: SignatureRequest) -> bytes:
        """The PDF with a PAdES signature appended (incremental update)."""

    def chain_pem(self) -> bytes:
        """The signing certificate chain (PEM), as the agency publishes it."""


def signing_enabled() -> bool:
    return bool(getattr(settings, "LMS_PDF_SIGNER", ""))


def signing_automatic() -> bool:
    """Whether certificates are signed as they are issued (the local key), rather than
    waiting in the signer's queue."""
    return signing_enabled() and bool(getattr(settings, "LMS_PDF_SIGNING_AUTOMATIC", False))


@functools.cache
def _backend(name: str, fingerprint: tuple[object, ...]) -> PdfSigner:
    if name not in BACKENDS:
        raise SigningError(f"Unknown LMS_PDF_SIGNER backend {name!r}")
    return import_string(BACKENDS[name])()


def _settings_fingerprint() -> tuple[object, ...]:
    # A change of any signing setting (tests, a rotated key) builds a new backend.
    return tuple(str(getattr(settings, key, "")) for key in SETTINGS)


def get_signer() -> PdfSigner:
    """The configured backend, built once per process (and per settings)."""
    name = getattr(settings, "LMS_PDF_SIGNER", "")
    if not name:
        raise SigningError("PDF signing is off (LMS_PDF_SIGNER is empty).")
    return _backend(name, _settings_fingerprint())


def reset() -> None:
    """Forgets the loaded backends (after a key was created or rotated) and the OCSP
    answers kept for reuse."""
    from lms.signing import revocation

    _backend.cache_clear()
    revocation.ocsp_reset()


def trust_roots() -> list[x509.Certificate]:
    """The agency's published roots: the self-signed certificates of the signer's chain,
    plus those of `LMS_PDF_SIGNING_TRUST_ROOTS_FILE` (e.g. Root CA Indonesia for BSrE).
    The verify page trusts only these, and publishes them for download."""
    pem = b""
    extra = getattr(settings, "LMS_PDF_SIGNING_TRUST_ROOTS_FILE", "")
    if extra:
        pem += Path(extra).read_bytes()
    if signing_enabled():
        pem += get_signer().chain_pem()
    if not pem.strip():
        return []
    roots: dict[bytes, x509.Certificate] = {}
    for certificate in x509.load_pem_x509_certificates(pem):
        if certificate.subject == certificate.issuer:
            roots[certificate.fingerprint(hashes.SHA256())] = certificate
    return list(roots.values())


def sign_document(
    pdf: bytes,
    *,
    box: tuple[int, int, int, int] | None,
    page: int = 0,
    reason: str = "",
    signer_name: str = "",
    location: str = "",
) -> bytes | None:
    """A PDF rendered on request (the transcript) signed with the agency's key, or None
    when signing is not automatic (a BSrE signer needs the passphrase) or fails: the
    caller then serves it unsigned. settings.COMPETENCIES_PDF_SIGNER points here."""
    if not signing_automatic():
        return None
    try:
        return get_signer().sign(
            pdf,
            request=SignatureRequest(
                box=box, page=page, reason=reason, location=location, signer_name=signer_name
            ),
        )
    except SigningError as error:
        logger.warning("Transcript not signed: %s", error)
        return None


sign_document.available = signing_automatic  # type: ignore[attr-defined]


def revision_prepare(writer: object, attachments: tuple[tuple[str, bytes, str, str], ...]) -> None:
    """Readies the revision a pyHanko writer will sign: adds `attachments` as embedded,
    associated files of the document (PDF/A-3: with their MIME type and date), and keeps
    the PDF/A rule that the Info dictionary and the XMP agree. pyHanko writes its own
    name as the XMP producer but appends it to the Info producer; both say pyHanko's
    name alone once it is the Info producer before writing."""
    import datetime

    from pyhanko.pdf_utils import embed, generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    trailer = writer.trailer  # type: ignore[attr-defined]
    if "/Info" in trailer:
        info = generic.DictionaryObject(trailer["/Info"])
        info["/Producer"] = generic.TextStringObject(VENDOR)
        writer.set_info(info)  # type: ignore[attr-defined]
    now = datetime.datetime.now(datetime.UTC)
    for name, content, mime_type, description in attachments:
        embed.embed_file(
            writer,  # type: ignore[arg-type]
            embed.FileSpec(
                file_spec_string=name,
                file_name=name,
                embedded_data=embed.EmbeddedFileObject.from_file_data(
                    writer,  # type: ignore[arg-type]
                    data=content,
                    mime_type=mime_type,
                    params=embed.EmbeddedFileParams(modification_date=now),
                ),
                description=description,
                af_relationship=generic.pdf_name("/Data"),
            ),
        )


def outside_event_loop(function: Callable[[], T]) -> T:
    """Runs `function` (pyHanko's synchronous API, which calls asyncio.run) in this
    thread, or in a helper thread when this thread already runs an event loop (an async
    caller, a browser test's Playwright loop): asyncio.run refuses to nest."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(function).result()
