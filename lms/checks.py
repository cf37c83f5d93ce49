"""System checks of the learning app (`manage.py check`, run on every deploy)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core import checks
from django.db import DatabaseError

if TYPE_CHECKING:
    from lms.signing.local import LocalSigner


@checks.register(checks.Tags.database)
def check_courses_without_siasn_type(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Warns about published courses other than plain e-learning with no SIASN type
    (DOMAIN.md §7): their training records cannot be exported to SIASN as they are. HR
    sees the same list on the SIASN export screen. Runs with `check --database default`
    (the database tag), so that a build without a database still passes."""
    from lms.selectors.courses import courses_without_siasn_type

    try:
        missing = courses_without_siasn_type()
        count = missing.count()
        courses = list(missing.values_list("title", flat=True)[:20])
    except DatabaseError:  # not migrated yet
        return []
    if not count:
        return []
    return [
        checks.Warning(
            f"{count} published course(s) have no SIASN development type: " + ", ".join(courses),
            hint="Pick the SIASN type (jenisDiklat) on each course; blended or classroom "
            "delivery does not say which kind of training it is.",
            id="lms.W001",
        )
    ]


@checks.register(checks.Tags.security)
def check_pdf_signing_key(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Production refuses the demo PKI (any certificate of the signing chain marked DEMO,
    lms.signing.demo_pki) and a signing key it cannot open, as it refuses to create the
    credential signing key: certificates signed with either would not be the agency's."""
    from django.conf import settings

    from lms import signing
    from lms.signing import demo_pki

    if settings.SETTINGS_PROFILE != "production" or settings.LMS_PDF_SIGNER != "local":
        return []
    try:
        signer = signing.get_signer()
    except signing.SigningError as error:
        return [
            checks.Error(
                f"The PDF signing key cannot be used: {error}",
                hint="Mount the agency's PKCS#12 file at LMS_PDF_SIGNER_PKCS12_FILE and set "
                "LMS_PDF_SIGNER_PKCS12_PASSPHRASE (docs/certificates.md).",
                id="lms.E002",
            )
        ]
    if demo_pki.is_demo(getattr(signer, "chain", [])):
        return [
            checks.Error(
                "The PDF signing certificate is the DEMO one (its chain is marked "
                f"{demo_pki.DEMO_MARK!r}); production never signs with it.",
                hint="Use the agency's own certificate (or LMS_PDF_SIGNER=bsre).",
                id="lms.E003",
            )
        ]
    return []


@checks.register(checks.Tags.security)
def check_pdf_trust_roots(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Production trusts no DEMO root, whatever the signer: the verify page judges PDFs
    against the signer's chain and `LMS_PDF_SIGNING_TRUST_ROOTS_FILE` (lms.signing.
    trust_roots), so a demo root there (a BSrE setup's chain file, say) would call a PDF
    signed with the published demo key "trusted"."""
    from django.conf import settings

    from lms import signing
    from lms.signing import demo_pki

    if settings.SETTINGS_PROFILE != "production":
        return []
    try:
        roots = signing.trust_roots()
    except (signing.SigningError, OSError, ValueError):
        return []  # the signer's own check (lms.E002) says why
    if not demo_pki.is_demo(roots):
        return []
    return [
        checks.Error(
            f"A root the verify page trusts is the DEMO one (marked {demo_pki.DEMO_MARK!r}).",
            hint="Remove it from LMS_PDF_SIGNER_CHAIN_FILE / LMS_PDF_SIGNING_TRUST_ROOTS_FILE "
            "(docs/certificates.md).",
            id="lms.E009",
        )
    ]


@checks.register(checks.Tags.security)
def check_pdf_signing_crls(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The CRL files of PAdES B-LT (`LMS_PDF_SIGNING_CRL_FILES`): one that cannot be read
    is an error (every signature would be refused), one past its nextUpdate a warning
    (signatures are refused until the agency replaces it)."""
    import datetime

    from django.conf import settings

    from lms.signing import SigningError, revocation

    if not getattr(settings, "LMS_PDF_SIGNER", "") or not revocation.crl_paths():
        return []
    try:
        crls = revocation.crls_load()
    except SigningError as error:
        return [
            checks.Error(
                str(error),
                hint="Download the CA's CRL to that path (docs/certificates.md, B-LT).",
                id="lms.E004",
            )
        ]
    now = datetime.datetime.now(datetime.UTC)
    stale = [
        crl["tbs_cert_list"]["issuer"].human_friendly
        for crl in crls
        if crl["tbs_cert_list"]["next_update"].native is not None
        and crl["tbs_cert_list"]["next_update"].native < now
    ]
    if not stale:
        return []
    return [
        checks.Warning(
            "The revocation list (CRL) of " + "; ".join(stale) + " is out of date: PDF "
            "signatures are refused until it is replaced.",
            hint="Download the CA's current CRL over the file in LMS_PDF_SIGNING_CRL_FILES.",
            id="lms.W004",
        )
    ]


@checks.register(checks.Tags.security)
def check_pdf_signing_ocsp(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`LMS_PDF_SIGNING_OCSP_URL`: not an http(s) URL nor "aia" is an error; a local
    signing certificate that names no OCSP responder a warning (every signature would be
    refused: validators ignore an OCSP answer for such a certificate)."""
    from django.conf import settings

    from lms.signing import SigningError, get_signer, revocation

    url = getattr(settings, "LMS_PDF_SIGNING_OCSP_URL", "")
    if not getattr(settings, "LMS_PDF_SIGNER", "") or not url:
        return []
    if url != revocation.OCSP_FROM_CERTIFICATE and not url.startswith(("http://", "https://")):
        return [
            checks.Error(
                f'LMS_PDF_SIGNING_OCSP_URL must be an http(s) URL or "aia", not {url!r}.',
                id="lms.E005",
            )
        ]
    if settings.LMS_PDF_SIGNER != "local":
        return []
    try:
        # LMS_PDF_SIGNER is "local" here: the backend is a LocalSigner.
        certificate = cast("LocalSigner", get_signer()).certificate
        revocation.ocsp_url_for(certificate)
    except SigningError as error:
        return [
            checks.Warning(
                str(error),
                hint="Use the CA's CRL (LMS_PDF_SIGNING_CRL_FILES) for this certificate.",
                id="lms.W005",
            )
        ]
    return []


@checks.register(checks.Tags.security)
def check_package_content_origin(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The separate content origin of packages (LMS_PACKAGE_CONTENT_ORIGIN, docs/scorm.md)
    only separates anything when the portal's cookies are host-only and the content host
    is a host of this deployment: a shared cookie domain would send the portal's session
    to the packages' host."""
    from urllib.parse import urlsplit

    from django.conf import settings

    origin = settings.LMS_PACKAGE_CONTENT_ORIGIN
    if not origin:
        return []
    errors: list[checks.CheckMessage] = []
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path:
        errors.append(
            checks.Error(
                f"LMS_PACKAGE_CONTENT_ORIGIN={origin!r} is not an origin.",
                hint="Give scheme and host only, e.g. https://konten.diklat.example.go.id",
                id="lms.E006",
            )
        )
    if settings.SESSION_COOKIE_DOMAIN or settings.CSRF_COOKIE_DOMAIN:
        errors.append(
            checks.Error(
                "LMS_PACKAGE_CONTENT_ORIGIN is set but SESSION_COOKIE_DOMAIN or "
                "CSRF_COOKIE_DOMAIN is too: the portal's cookies would reach the content host.",
                hint="Leave both unset (host-only cookies); docs/scorm.md.",
                id="lms.E007",
            )
        )
    hosts = settings.ALLOWED_HOSTS
    host = (parts.hostname or "").lower()
    if (
        hosts
        and "*" not in hosts
        and not any(
            host == allowed or (allowed.startswith(".") and host.endswith(allowed))
            for allowed in (h.lower() for h in hosts)
        )
    ):
        errors.append(
            checks.Error(
                f"The content host {host!r} is not in ALLOWED_HOSTS.",
                hint="Add it to DJANGO_ALLOWED_HOSTS.",
                id="lms.E008",
            )
        )
    return errors
