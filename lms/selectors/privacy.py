"""Wagtail page privacy for the learner endpoints (docs/security.md, "Page privacy and
Wagtail's built-in views").

Wagtail checks a page's view restrictions (Settings → Privacy: signed-in people, groups
or a password; set on the page or inherited from an ancestor) only when it serves the
page. The portal's own endpoints that act on a course, lesson or quiz page (enrol, resume,
lesson complete, quiz start, the attempt, the evaluation) look the page up by id, so each
of them goes through `page_check_view_restrictions`, which asks Wagtail's own
`PageViewRestriction.accept_request` exactly as serving the page does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from wagtail.models import Page

PageT = TypeVar("PageT", bound="Page")


def page_check_view_restrictions(*, request: HttpRequest, page: Page) -> None:
    """Raise PermissionDenied unless every view restriction on the page and its ancestors
    accepts this request (the password ones count once Wagtail's form was passed)."""
    for restriction in page.get_view_restrictions():
        if not restriction.accept_request(request):
            raise PermissionDenied


def page_get_for_request(*, request: HttpRequest, queryset: QuerySet[PageT], pk: int) -> PageT:
    """The live page `pk` of `queryset` that this request may view: 404 when there is no
    such live page, 403 when the page's privacy settings keep the visitor out."""
    page = get_object_or_404(cast(Any, queryset).live(), pk=pk)  # a PageQuerySet
    page_check_view_restrictions(request=request, page=page)
    return page
