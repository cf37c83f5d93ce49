"""API access for service accounts (docs/api.md): who may read /api/v1/, issuing their
tokens (`manage.py issue_api_token`) and checking them. Only a token's SHA-256 digest is
stored (accounts.models.ApiToken); the Django admin lists and deletes tokens."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import BasePermission

from accounts.models import ApiToken, api_token_digest
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
    key = secrets.token_hex(20)  # 160 bits, the shape of DRF's tokens
    ApiToken.objects.filter(user=user).delete()
    ApiToken.objects.create(user=user, digest=api_token_digest(key), prefix=key[:6])
    return key


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's TokenAuthentication (same header, same 401
    challenge), but the key is found by its SHA-256 digest. DRF's own error messages (and
    their translations) are kept."""

    def authenticate_credentials(self, key: str):
        token = ApiToken.objects.select_related("user").filter(digest=api_token_digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
