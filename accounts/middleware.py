from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from allauth.mfa.utils import is_mfa_enabled

from accounts.cache import nav_roles, permissions_attach, permissions_keep
from accounts.roles import user_requires_mfa

# Paths a person without a second factor may still reach: signing in and out, setting up
# MFA, switching language, and the static and health endpoints.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/", "/jsi18n/", "/health/")


class RequireMFAMiddleware:
    """Sends signed-in members of the roles in settings.MFA_REQUIRED_ROLES to the TOTP
    set-up page until they have a second factor. allauth then asks for the code at every
    sign-in, so these roles cannot reach the admin on a password alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and user_requires_mfa(user)
            and not is_mfa_enabled(user)
        ):
            messages.warning(
                request,
                _("Your role requires two-factor authentication. Set it up to continue."),
            )
            url = reverse("mfa_activate_totp") + "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(url)
        return self.get_response(request)


# Session key holding when a staff member last made a request (seconds since the epoch).
STAFF_LAST_SEEN_KEY = "_portal_staff_last_seen"
# The timestamp is written at most this often, so a busy admin page does not save the
# session on every request; the timeout is that much less exact.
_LAST_SEEN_RESOLUTION = 60


class PermissionCacheMiddleware:
    """Gives the signed-in user the permission reads kept from their earlier requests and
    keeps what this request read for the next (accounts/cache.py, "PERMISSIONS"): the
    Wagtail admin's shell reads no permission table once warm. Right after
    PrefetchMiddleware, before anything checks a permission."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        stamp, attached = permissions_attach(user)
        response = self.get_response(request)
        permissions_keep(user, stamp, attached)
        return response


class StaffIdleTimeoutMiddleware:
    """Signs out members of settings.STAFF_SESSION_IDLE_ROLES (HR managers, trainers,
    administrators) after settings.STAFF_SESSION_IDLE_TIMEOUT seconds without a request
    (ASVS 3.3.2), and sends them to the sign-in page, which brings them back. Other
    sessions keep Django's SESSION_COOKIE_AGE. A timeout of 0 turns it off."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = settings.STAFF_SESSION_IDLE_TIMEOUT
        user = request.user
        # The roles cached across requests (as the header reads them): no query per request.
        if (
            timeout
            and user.is_authenticated
            and nav_roles(user) & set(settings.STAFF_SESSION_IDLE_ROLES)
        ):
            now = int(time.time())
            last_seen = request.session.get(STAFF_LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > timeout:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity.")
                    % {"minutes": timeout // 60},
                )
                url = reverse("account_login") + "?" + urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(url)
            if last_seen is None or now - last_seen >= _LAST_SEEN_RESOLUTION:
                request.session[STAFF_LAST_SEEN_KEY] = now
        return self.get_response(request)


class PortalLocaleMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the person chose English with the language switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a civil
    servant whose browser happens to be set to English would get an English portal
    without asking; here only the language cookie (set by the switcher) counts, then
    settings.LANGUAGE_CODE."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
