"""The LRS client: POSTs a batch of statements to `<endpoint>/statements` (xAPI 1.0.3,
part three, 2.1.2) with HTTP basic auth. Raises `LrsError`, `transient` telling whether
a later try may succeed (network, 5xx, 429, a redirect or 401/403 while the setting is
fixed) or not (400, 409: this batch will never be accepted as it is)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

XAPI_VERSION_HEADER = "1.0.3"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as an error: the basic-auth header must not follow it to
    another host, and a POST of statements is not to be replayed elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


class LrsError(Exception):
    def __init__(self, message: str, *, transient: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status


def statements_url(endpoint: str) -> str:
    return endpoint.rstrip("/") + "/statements"


def statements_post(
    *, endpoint: str, key: str, secret: str, statements: list[dict[str, Any]], timeout: float
) -> None:
    url = statements_url(endpoint)
    if urlsplit(url).scheme not in {"http", "https"}:
        raise LrsError(f"XAPI_LRS_ENDPOINT must be an http(s) URL: {endpoint!r}", transient=True)
    body = json.dumps(statements, separators=(",", ":")).encode()
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 - the endpoint is a setting (http/https)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Experience-API-Version": XAPI_VERSION_HEADER,
            "Authorization": f"Basic {token}",
        },
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        detail = error.read()[:500].decode(errors="replace")
        # A redirect, or refused credentials, is a setting to fix: wait and try again.
        transient = error.code >= 500 or error.code < 400 or error.code in {401, 403, 408, 429}
        raise LrsError(
            f"LRS answered {error.code}: {detail}", transient=transient, status=error.code
        ) from error
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
        raise LrsError(f"LRS unreachable: {error}", transient=True) from error
