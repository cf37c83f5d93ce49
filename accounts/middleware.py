from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from allauth.mfa.utils import is_mfa_enabled

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
