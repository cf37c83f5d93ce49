from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from accounts.cache import nav_roles, unread_count
from accounts.roles import Role

if TYPE_CHECKING:
    from accounts.models import User


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The site navigation for the signed-in person's roles. Each entry is shown only
    to the roles that can use it; the views check permissions again on their own.

    Every value is lazy: computed when a template first reads it, so a page without the
    site header (the phone's check-in pages, `base_focus.html`) reads neither the roles
    nor the unread count from the cache."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    member = cast("User", user)  # read only when signed in
    # Both cached across requests per user (accounts/cache.py): the header costs no query.
    roles = functools.cache(lambda: nav_roles(user) if user is not None else frozenset())
    return {
        "nav_items": SimpleLazyObject(lambda: _nav_items(request, roles(), signed_in=signed_in)),
        "unread_notifications": SimpleLazyObject(lambda: unread_count(member) if signed_in else 0),
        "user_role_names": SimpleLazyObject(lambda: sorted(Role(r).label for r in roles())),
        # Wagtail's userbar costs two permission queries per page: editors only.
        "show_userbar": SimpleLazyObject(
            lambda: (
                bool(roles() & {Role.PELATIH, Role.PENGELOLA_SDM, Role.ADMINISTRATOR})
                or bool(signed_in and member.is_staff)
            )
        ),
    }


def _nav_items(
    request: HttpRequest, roles: frozenset[str], *, signed_in: bool
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [{"label": _("Home"), "url": "/"}]
    items.append({"label": _("Catalogue"), "url": reverse("lms:catalogue")})
    if signed_in:
        items.append({"label": _("My learning"), "url": reverse("lms:dashboard")})
        # Batches, sessions, calling letters and the committee's pages (docs/classroom.md).
        items.append({"label": _("Classroom training"), "url": reverse("classroom:my")})
        items.append({"label": _("Competency profile"), "url": reverse("competencies:profile")})
        items.append({"label": _("Training history"), "url": reverse("competencies:records")})
    if Role.ATASAN in roles:
        items.append({"label": _("My team"), "url": reverse("lms:team")})
    if roles & {Role.PELATIH, Role.PENGELOLA_SDM, Role.ADMINISTRATOR}:
        items.append({"label": _("Administration"), "url": reverse("wagtailadmin_home")})
    # One current entry: the longest URL the path lies under (/learning/tim/ is "My team",
    # not also "My learning" at /learning/).
    path = request.path
    under = [
        i["url"]
        for i in items
        if i["url"] == path or (i["url"] != "/" and path.startswith(i["url"]))
    ]
    current = max(under, key=len, default=None)
    for item in items:
        item["active"] = item["url"] == current
    return items
