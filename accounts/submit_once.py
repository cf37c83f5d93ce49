"""One-time form tokens, so that a double-clicked (or re-sent) submit creates once.

A form that creates something carries a random token (`{% submit_token_field %}` from
the `submit_once` template library, with `accounts/js/submit-once.js` disabling the
button). The view claims the token only once the form is valid, with an atomic
`cache.add` on a key bound to the user and the form's scope: the first POST wins and
does the work, then records the URL of its result; any later POST with the same token
is sent to that result instead of creating again (or, while the first is still running,
to a fallback page). If the work fails with an error the user can correct, the claim is
released so that the corrected form goes through.

The claim lives in the shared cache (Redis in production, see settings CACHES), so all
web processes see it. A POST without the field (API-style clients, old tests) is not
guarded: every rendered form carries it."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseRedirect

FIELD_NAME = "submit_token"
# How long a claimed token answers with the first result. A form left open longer than
# this before being sent twice would create twice; a day covers any real double click.
CLAIM_TIMEOUT = 24 * 60 * 60
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_IN_PROGRESS = ""


def submit_token_new() -> str:
    return secrets.token_urlsafe(24)


@dataclass
class SubmitClaim:
    """The outcome of `submit_token_claim`. `duplicate` is True when another request
    already claimed the token; `first_url` is then its result (None while it runs)."""

    key: str | None
    duplicate: bool = False
    first_url: str | None = None

    def done(self, url: str) -> None:
        """Record the first request's result, where the repeated submits are sent."""
        if self.key is not None and not self.duplicate:
            cache.set(self.key, url, CLAIM_TIMEOUT)

    def release(self) -> None:
        """The work failed without creating anything: let the token be used again."""
        if self.key is not None and not self.duplicate:
            cache.delete(self.key)


def submit_token_claim(request: HttpRequest, *, scope: str) -> SubmitClaim:
    """Claim the POSTed token of the form `scope` for the signed-in user. Call it after
    the form is valid and right before the write."""
    token = request.POST.get(FIELD_NAME, "")
    if not _TOKEN_RE.match(token):
        return SubmitClaim(key=None)
    key = f"submit-once:{scope}:{request.user.pk}:{token}"
    if cache.add(key, _IN_PROGRESS, CLAIM_TIMEOUT):
        return SubmitClaim(key=key)
    return SubmitClaim(key=key, duplicate=True, first_url=cache.get(key) or None)


def submit_duplicate_redirect(
    request: HttpRequest, claim: SubmitClaim, *, fallback: str
) -> HttpResponseRedirect:
    """The answer to a repeated submit: the first submit's result, or `fallback` while
    the first is still being processed."""
    if claim.first_url:
        messages.info(request, _("This form was already sent; here is the result."))
        return redirect(claim.first_url)
    messages.info(request, _("This form was already sent and is being processed."))
    return redirect(fallback)
