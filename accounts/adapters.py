from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Accounts come from HR (import or admin) with an invitation; open signup is
        off unless ACCOUNT_ALLOW_SIGNUP is set."""
        return settings.ACCOUNT_ALLOW_SIGNUP
