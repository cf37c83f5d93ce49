"""Content-Security-Policy (django-csp 4). Learner-facing pages get the strict policy in
settings.CONTENT_SECURITY_POLICY: scripts and styles only from the portal itself, never
inline. The Wagtail admin and the Django admin are third-party code that still relies on
inline scripts and styles, so their URL prefixes get settings.CONTENT_SECURITY_POLICY_ADMIN
instead of no policy at all. See docs/testing.md, "Content-Security-Policy"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from csp.middleware import CSPMiddleware, PolicyParts

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with a second, relaxed policy for the admin prefixes.

    django-csp 4 lets a subclass choose the policy per request through
    get_policy_parts(); a view that sets its own policy with @csp/@csp_replace still
    wins, and a response that already carries the header (Wagtail's document serving
    sets "default-src 'none'") is left alone by the parent class."""

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(settings.CSP_ADMIN_URL_PREFIXES))
        ):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        return parts
