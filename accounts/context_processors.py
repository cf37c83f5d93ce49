from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.cache import nav_roles, unread_count
from accounts.roles import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The site navigation for the signed-in person's roles. Each entry is shown only
    to the roles that can use it; the views check permissions again on their own."""
    user = getattr(request, "user", None)
    # Both cached across requests per user (accounts/cache.py): the header costs no query.
    roles = nav_roles(user) if user is not None else frozenset()
    items: list[dict[str, Any]] = [{"label": _("Home"), "url": "/"}]
    items.append({"label": _("Catalogue"), "url": reverse("lms:catalogue")})
    if user is not None and user.is_authenticated:
        items.append({"label": _("My learning"), "url": reverse("lms:dashboard")})
        # Batches, sessions, calling letters and the committee's pages (docs/classroom.md).
        items.append({"label": _("Classroom training"), "url": reverse("classroom:my")})
    if user is not None and user.is_authenticated:
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
    unread = unread_count(user) if user is not None and user.is_authenticated else 0
    return {
        "nav_items": items,
        "unread_notifications": unread,
        "user_role_names": sorted(Role(r).label for r in roles),
        # Wagtail's userbar costs two permission queries per page: editors only.
        "show_userbar": bool(roles & {Role.PELATIH, Role.PENGELOLA_SDM, Role.ADMINISTRATOR})
        or bool(user is not None and user.is_authenticated and user.is_staff),
    }
