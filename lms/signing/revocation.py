"""Revocation information for PAdES B-LT signatures: the signer's CA's certificate
revocation lists named by `LMS_PDF_SIGNING_CRL_FILES` (local files: the agency downloads
them; the demo PKI writes its own), and, with `LMS_PDF_SIGNING_OCSP_URL`, the OCSP
responder's answer about the signer's certificate. Nothing else is fetched: no CRL
distribution point, no address found in a certificate unless the agency chose "aia".
A CRL file is read again when it changes (the agency replaces it before its nextUpdate),
so a long-running worker picks up a new CRL without a restart."""

from __future__ import annotations

import datetime
import functools
import time
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

import requests
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import pem
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID

from lms.signing import SigningError


def crl_paths() -> list[Path]:
    return [Path(path) for path in getattr(settings, "LMS_PDF_SIGNING_CRL_FILES", []) if path]


@functools.lru_cache(maxsize=32)
def _crls_in(path: str, mtime_ns: int, size: int) -> tuple[asn1_crl.CertificateList, ...]:
    data = Path(path).read_bytes()
    blocks = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
    crls = []
    for der in blocks:
        crl = asn1_crl.CertificateList.load(der)
        crl.native  # noqa: B018 - parses it all now: a damaged file fails here, with its name
        crls.append(crl)
    return tuple(crls)


def crls_load() -> list[asn1_crl.CertificateList]:
    """The CRLs of every configured file; a missing or unreadable one is a SigningError
    (nothing is signed without the revocation information the agency asked for)."""
    crls: list[asn1_crl.CertificateList] = []
    for path in crl_paths():
        try:
            stat = path.stat()
            crls.extend(_crls_in(str(path), stat.st_mtime_ns, stat.st_size))
        except OSError as error:
            raise SigningError(
                f"The CRL file {path} (LMS_PDF_SIGNING_CRL_FILES) cannot be read ({error})."
            ) from error
        except (ValueError, TypeError) as error:
            raise SigningError(
                f"The CRL file {path} (LMS_PDF_SIGNING_CRL_FILES) is not a CRL ({error})."
            ) from error
    return crls


# OCSP (RFC 6960) for PAdES B-LT: with `LMS_PDF_SIGNING_OCSP_URL` set, the signer's
# certificate's status is asked before every signature (a good answer is reused for a
# few minutes, so a batch asks once), from the configured responder only: the URL itself,
# or "aia" for the responder named in the signer's own certificate (its Authority
# Information Access, set by the agency's CA). Nothing else is ever fetched.
OCSP_FROM_CERTIFICATE = "aia"
OCSP_REUSE_SECONDS = 300
_ocsp_cache: dict[tuple[str, int, bytes], tuple[float, asn1_ocsp.OCSPResponse]] = {}


def ocsp_configured() -> bool:
    return bool(getattr(settings, "LMS_PDF_SIGNING_OCSP_URL", ""))


def _declared_ocsp_url(certificate: x509.Certificate) -> str:
    try:
        access = certificate.extensions.get_extension_for_class(
            x509.AuthorityInformationAccess
        ).value
    except x509.ExtensionNotFound:
        return ""
    for description in access:
        if description.access_method == AuthorityInformationAccessOID.OCSP and isinstance(
            description.access_location, x509.UniformResourceIdentifier
        ):
            return description.access_location.value
    return ""


def ocsp_url_for(certificate: x509.Certificate) -> str:
    """The responder to ask about `certificate`: with "aia" the OCSP address in the
    certificate, else the configured URL (e.g. the CA's responder behind the agency's
    proxy). The certificate must name an OCSP responder either way: validators (pyHanko,
    PDF readers) use an embedded OCSP answer only for a certificate that declares one."""
    declared = _declared_ocsp_url(certificate)
    if not declared:
        raise SigningError(
            _(
                "The signing certificate names no OCSP responder (Authority Information "
                "Access), so PDF readers would ignore an OCSP answer; use the CA's CRL "
                "(LMS_PDF_SIGNING_CRL_FILES) instead of LMS_PDF_SIGNING_OCSP_URL."
            )
        )
    configured = getattr(settings, "LMS_PDF_SIGNING_OCSP_URL", "")
    return declared if configured == OCSP_FROM_CERTIFICATE else configured


def ocsp_reset() -> None:
    _ocsp_cache.clear()


def ocsp_response_fetch(
    *, certificate: x509.Certificate, issuer: x509.Certificate
) -> asn1_ocsp.OCSPResponse:
    """A current "good" OCSP response for `certificate`, to embed in the DSS. A revoked
    (or unknown) answer refuses to sign; a responder that cannot be reached, is too slow
    or answers "try later" is a transient SigningError (the queue retries later)."""
    url = ocsp_url_for(certificate)
    key = (url, certificate.serial_number, certificate.fingerprint(hashes.SHA256()))
    kept = _ocsp_cache.get(key)
    if kept is not None and kept[0] > time.monotonic():
        return kept[1]
    request = (
        ocsp.OCSPRequestBuilder()
        # RFC 6960's CertID hashes the issuer's name and key with SHA-1 (what every responder
        # expects); it identifies, it does not protect.
        .add_certificate(certificate, issuer, hashes.SHA1())  # noqa: S303  # nosec B303
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    timeout = float(getattr(settings, "LMS_PDF_SIGNING_OCSP_TIMEOUT", 10))
    try:
        answer = requests.post(
            url,
            data=request,
            headers={"Content-Type": "application/ocsp-request"},
            timeout=timeout,
        )
    except requests.RequestException as error:
        raise SigningError(
            _(
                "The OCSP responder (%(url)s) did not answer; the certificate is not "
                "signed now and will be tried again later."
            )
            % {"url": url},
            transient=True,
        ) from error
    if answer.status_code != 200:
        raise SigningError(
            _(
                "The OCSP responder (%(url)s) answered HTTP %(status)s; the certificate is "
                "not signed now and will be tried again later."
            )
            % {"url": url, "status": answer.status_code},
            transient=True,
        )
    try:
        response = ocsp.load_der_ocsp_response(answer.content)
    except ValueError as error:
        raise SigningError(
            _("The OCSP responder (%(url)s) did not send an OCSP response.") % {"url": url},
            transient=True,
        ) from error
    if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        raise SigningError(
            _(
                "The OCSP responder (%(url)s) could not answer (%(status)s); the "
                "certificate is not signed now and will be tried again later."
            )
            % {"url": url, "status": response.response_status.name},
            transient=response.response_status
            in (ocsp.OCSPResponseStatus.TRY_LATER, ocsp.OCSPResponseStatus.INTERNAL_ERROR),
        )
    if response.serial_number != certificate.serial_number:
        raise SigningError(
            _("The OCSP responder (%(url)s) answered about another certificate.") % {"url": url}
        )
    if response.certificate_status == ocsp.OCSPCertStatus.REVOKED:
        raise SigningError(
            _(
                "The OCSP responder says the signing certificate is revoked (since "
                "%(date)s); it cannot sign. Ask the CA for a new certificate."
            )
            % {"date": f"{response.revocation_time_utc:%Y-%m-%d %H:%M} UTC"}
        )
    if response.certificate_status != ocsp.OCSPCertStatus.GOOD:
        raise SigningError(
            _(
                "The OCSP responder (%(url)s) does not know the signing certificate; it "
                "cannot sign. Check LMS_PDF_SIGNING_OCSP_URL."
            )
            % {"url": url}
        )
    loaded = asn1_ocsp.OCSPResponse.load(answer.content)
    reuse = float(OCSP_REUSE_SECONDS)
    if response.next_update_utc is not None:
        left = (response.next_update_utc - datetime.datetime.now(datetime.UTC)).total_seconds()
        reuse = min(reuse, max(0, left / 2))
    _ocsp_cache[key] = (time.monotonic() + reuse, loaded)
    return loaded


def ocsp_responses(chain: list[x509.Certificate]) -> list[asn1_ocsp.OCSPResponse]:
    """With OCSP configured: the responder's answer about the signer's certificate
    (`chain[0]`, its issuer found in the chain). Intermediate CAs and the TSA's
    certificate are covered by their CAs' CRLs (`LMS_PDF_SIGNING_CRL_FILES`)."""
    if not ocsp_configured() or not chain:
        return []
    certificate = chain[0]
    issuer = next(
        (c for c in chain[1:] if c.subject == certificate.issuer and c != certificate), None
    )
    if issuer is None:
        raise SigningError(
            _(
                "The issuer of the signing certificate is not in its chain, so its OCSP "
                "status cannot be asked; add it to LMS_PDF_SIGNER_CHAIN_FILE."
            )
        )
    return [ocsp_response_fetch(certificate=certificate, issuer=issuer)]
