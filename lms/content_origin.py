"""The separate content origin of SCORM packages (docs/scorm.md, "A separate content
origin"; docs/security.md). With settings.LMS_PACKAGE_CONTENT_ORIGIN set, a second host
name serves the packages' files and nothing else, so a package's JavaScript never runs on
the portal's origin and never sees its cookies.

That host has no session (the portal's cookies are host-only and are never sent to it),
so access goes by a capability in the URL's path: a value signed with SECRET_KEY
(django.core.signing, its own salt per use) carrying the user, the package and the
portal's origin, with an expiry. The lesson page mints a short-lived *launch* capability
for the player page; the player page mints a longer *files* capability for the package's
own files (relative loads stay under it). Neither can be forged, altered to another user
or package, or used after it expires; access to the course is checked again at every
request."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.http.request import split_domain_port

DEFAULT_PORTS = {"http": "80", "https": "443"}

LAUNCH_SALT = "lms.content_origin.scorm.launch"
FILES_SALT = "lms.content_origin.scorm.files"
# H5P packages: the player page, then the package's files (docs/h5p.md).
H5P_LAUNCH_SALT = "lms.content_origin.h5p.launch"
H5P_FILES_SALT = "lms.content_origin.h5p.files"


def content_origin() -> str:
    """The content origin (scheme://host[:port]), or "" when packages are served by the
    portal's own origin."""
    return settings.LMS_PACKAGE_CONTENT_ORIGIN


def content_host() -> str:
    """The content origin's host[:port] as Django's request.get_host() gives it."""
    return urlsplit(content_origin()).netloc.lower()


def _host_key(host: str, scheme: str) -> tuple[str, str]:
    """(domain, port) with the spellings of one server made equal: case, a trailing dot
    and the scheme's default port (ALLOWED_HOSTS accepts all of them)."""
    domain, port = split_domain_port(host)
    return domain, port or DEFAULT_PORTS.get(scheme, "")


def request_is_content_host(request: HttpRequest) -> bool:
    """Whether `request` came to the content origin (never when the setting is empty):
    its host compared as a server name, so "konten.example." or "konten.example:443"
    is the content host too and never serves the portal."""
    origin = content_origin()
    if not origin:
        return False
    scheme = urlsplit(origin).scheme
    return _host_key(request.get_host(), scheme) == _host_key(content_host(), scheme)


@dataclass(frozen=True)
class Capability:
    user_id: int
    package_id: int
    portal_origin: str
    item: str = ""


# A files capability's timestamp is the start of its hour, so that one learner's launches
# within an hour share the same file URLs and the browser's cache (the files are sent
# with "private, max-age=3600"); it stays valid LMS_PACKAGE_CONTENT_FILES_SECONDS from
# that start, i.e. up to an hour less than that.
FILES_BUCKET_SECONDS = 3600


class _BucketTimestampSigner(signing.TimestampSigner):
    def __init__(self, *args: Any, bucket: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bucket = bucket

    def timestamp(self) -> str:
        now = int(time.time())
        return signing.b62_encode(now - now % self.bucket)


def capability_mint(
    *,
    salt: str,
    user_id: int,
    package_id: int,
    portal_origin: str,
    item: str = "",
    bucket: int = 0,
) -> str:
    """A signed, timestamped capability (URL-safe: base64 and ':' only). With `bucket`
    the timestamp is rounded down to it, so the same capability is minted again within
    it (FILES_BUCKET_SECONDS)."""
    payload = {"u": user_id, "p": package_id, "o": portal_origin, "i": item}
    if not bucket:
        return signing.dumps(payload, salt=salt)
    return _BucketTimestampSigner(salt=salt, bucket=bucket).sign_object(payload)


def capability_read(*, token: str, salt: str, max_age: int) -> Capability | None:
    """The capability in `token` when it was signed with `salt` and is younger than
    `max_age` seconds; None otherwise (forged, altered, other salt, expired)."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(data, dict):
        return None
    try:
        return Capability(
            user_id=int(data["u"]),
            package_id=int(data["p"]),
            portal_origin=str(data["o"]),
            item=str(data.get("i") or ""),
        )
    except (KeyError, TypeError, ValueError):
        return None
