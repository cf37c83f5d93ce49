from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from allauth.mfa.utils import is_mfa_enabled

from accounts.roles import user_requires_mfa


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "account/profile.html",
        {
            "mfa_enabled": is_mfa_enabled(request.user),
            "mfa_required": user_requires_mfa(request.user),
        },
    )
