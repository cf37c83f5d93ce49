"""API access for service accounts (docs/api.md): who may read /api/v1/, and issuing
their tokens. Tokens are DRF's `authtoken` rows, managed by administrators in the Django
admin (Auth Token → Tokens) or with `manage.py issue_api_token`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from rest_framework.authtoken.models import Token
from rest_framework.permissions import BasePermission

from accounts.roles import Role

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

    from accounts.models import User


class CanUseApi(BasePermission):
    """Authenticated with a token and holding `portal.use_api` (the "Layanan API" role or
    administrators). Others get 401 without credentials and 403 with a learner's token."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("portal.use_api"))


@transaction.atomic
def api_token_issue(*, user: User) -> str:
    """A new token for the user, replacing (and so invalidating) any previous one. Only
    users allowed to use the API get one. Returns the key: it is shown once."""
    from django.core.exceptions import ValidationError

    if not user.is_active:
        raise ValidationError("This account is not active.")
    if not user.has_perm("portal.use_api"):
        raise ValidationError(
            f'This account may not use the API: give it the "{Role.LAYANAN_API}" role first.'
        )
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    return token.key
