"""Revocation information for PAdES B-LT signatures, from local files only: the signer's
CA's certificate revocation lists named by `LMS_PDF_SIGNING_CRL_FILES` (the agency
downloads them; the demo PKI writes its own). Nothing is fetched from the network at run
time. A file is read again when it changes (the agency replaces it before its
nextUpdate), so a long-running worker picks up a new CRL without a restart."""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings

from asn1crypto import crl as asn1_crl
from asn1crypto import pem

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
