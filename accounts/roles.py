"""The portal's roles and the one place that answers "may this user do X".

Roles are Django groups (created by migration 0002). Object-level questions go through
django-rules: predicates are registered in accounts/rules.py (and in each app's rules.py
as features arrive), and code asks `user.has_perm("portal.<action>", obj)` or `can()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


class Role(models.TextChoices):
    """Group names are stored in Indonesian, as HR staff know them."""

    PESERTA = "Peserta", _("Learner")
    ATASAN = "Atasan", _("Supervisor")
    PELATIH = "Pelatih", _("Trainer")
    PENGELOLA_SDM = "Pengelola SDM", _("HR manager")
    ADMINISTRATOR = "Administrator", _("Administrator")
    # A service account of an HR system (SIMPEG, SIASN sync) that reads /api/v1/ with a
    # token; it never signs in to the portal (docs/api.md).
    LAYANAN_API = "Layanan API", _("API service account")


# Roles whose members work in the Wagtail admin.
ADMIN_ROLES = frozenset({Role.PELATIH, Role.PENGELOLA_SDM, Role.ADMINISTRATOR})

_CACHE_ATTR = "_portal_roles"


def user_roles(user: User | AnonymousUser) -> frozenset[str]:
    """The user's role names, read once per request and cached on the user object."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ADMINISTRATOR)
        cached = frozenset(names & set(Role.values))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def has_role(user: User | AnonymousUser, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def user_requires_mfa(user: User | AnonymousUser) -> bool:
    """True when the MFA policy (settings.MFA_REQUIRED_ROLES) covers one of the user's roles."""
    required = set(settings.MFA_REQUIRED_ROLES)
    return bool(required) and bool(user_roles(user) & required)


def can(user: User | AnonymousUser, action: str, obj: Any = None) -> bool:
    """Asks the rules registry whether `user` may do `action` (e.g. "portal.access_hr")."""
    return user.has_perm(action, obj)
