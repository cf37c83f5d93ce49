"""The portal's public address, read in one place. E-mail links (invitations,
notifications), certificate QR codes and Open Badges ids are built here from
WAGTAILADMIN_BASE_URL (docs/configuration.md): `make run` derives it from HOST/PORT,
production refuses to start without it."""

from __future__ import annotations

from django.conf import settings


def portal_base_url() -> str:
    """The portal's absolute address without a trailing slash."""
    return str(settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def portal_url(path: str) -> str:
    """`path` ("/verify/…/") as an absolute URL on the portal's address; a URL that is
    already absolute (or empty) is returned unchanged."""
    if not path.startswith("/"):
        return path
    return portal_base_url() + path


def certificate_base_url() -> str:
    """The address printed in certificate QR codes and used for the Open Badges ids:
    LMS_CERTIFICATE_BASE_URL when set (e.g. a separate verification host), else the
    portal's address."""
    return (getattr(settings, "LMS_CERTIFICATE_BASE_URL", "") or portal_base_url()).rstrip("/")
