from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    # The portal signs in by e-mail or NIP, never by a "username" (allauth's wording).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _("E-mail/NIP or password is incorrect."),
        "username_password_mismatch": _("E-mail/NIP or password is incorrect."),
    }

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Where sign-in lands when no safe `next` was given (allauth checks `next`
        first): trainers, HR managers and administrators go to their work in the
        Wagtail admin, everyone else to their own learning (Pembelajaran Saya)."""
        from accounts.roles import ADMIN_ROLES, has_role

        if has_role(request.user, *ADMIN_ROLES):
            return reverse("wagtailadmin_home")
        return reverse("lms:dashboard")

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Accounts come from HR (import or admin) with an invitation; open signup is
        off unless ACCOUNT_ALLOW_SIGNUP is set."""
        return settings.ACCOUNT_ALLOW_SIGNUP

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The key of allauth's "login_failed" rate limit (and of its reset after a
        password reset). allauth keys it on the typed identifier, which would give one
        account a budget per identifier (e-mail and NIP); the account's id is used
        instead. Unknown identifiers keep allauth's key, so they are limited too."""
        user_id = _login_identifier_user_id(credentials)
        if user_id is None:
            return super()._get_login_attempts_cache_key(request, **credentials)
        return f"{get_current_site(request).domain}:user:{user_id}"


def user_display(user: Any) -> str:
    """How allauth names a person in its messages and e-mails ("Successfully signed in
    as …"): their name, else their e-mail; never the NIP (ACCOUNT_USER_DISPLAY)."""
    return user.get_full_name() or user.email


def _login_identifier_user_id(credentials: dict[str, Any]) -> int | None:
    """The id of the account an e-mail address (any of its allauth addresses) or a NIP
    names, or None."""
    from allauth.account.models import EmailAddress

    users = get_user_model()._default_manager
    email = (credentials.get("email") or "").strip()
    if email:
        owner = EmailAddress.objects.filter(email__iexact=email).values("user_id")
        match = users.filter(Q(email__iexact=email) | Q(pk__in=owner))
    elif nip := (credentials.get("username") or "").strip():
        match = users.filter(nip=nip)
    else:
        return None
    return match.values_list("pk", flat=True).order_by("pk").first()
