"""Request types for views that require a signed-in user (login_required), so that
mypy knows request.user is an accounts.User."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
