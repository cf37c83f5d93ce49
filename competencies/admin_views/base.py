"""Shared bits for the HR screens in the Wagtail admin."""

from __future__ import annotations

from typing import Any


class TitledAdminMixin:
    """Puts the page's own title after "Home" in the breadcrumbs; without it Wagtail's
    slim header shows only "Home" as the title of a custom admin view."""

    breadcrumbs_items: list[dict[str, Any]]
    get_page_title: Any  # WagtailAdminTemplateMixin's, later in the MRO

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


def sees_whole_organisation(user: Any) -> bool:
    """Administrators and HR managers without an HRScope: the only people for whom a list
    that spans every unit (Wagtail's usage view, Reports → Site history) shows nothing
    they could not open anyway (docs/security.md, "Page privacy and Wagtail's built-in
    views")."""
    from accounts.roles import Role, has_role
    from competencies.selectors.hr_scope import hr_scope_unit

    if user.is_superuser or has_role(user, Role.ADMINISTRATOR):
        return True
    return has_role(user, Role.PENGELOLA_SDM) and hr_scope_unit(user=user) is None


class WholeOrganisationOnlyMixin:
    """For Wagtail views that list things across every unit without a way to scope them
    (the usage view lists every object that refers to this one: the assessments of a
    competency, the holders of a position): 403 for everyone who does not see the whole
    organisation."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        from django.core.exceptions import PermissionDenied

        if not sees_whole_organisation(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def _site_history_view_class() -> Any:
    from wagtail.admin.views.reports.audit_logging import LogEntriesView

    class SiteHistoryView(WholeOrganisationOnlyMixin, LogEntriesView):
        """Wagtail's Reports → Site history lists the label of every logged object (an
        assessment's label is "name · competency = level"), filtered by model permission
        only, not by HR scope or course: so only those who see the whole organisation
        open it. The others read the history of each object they may open."""

    return SiteHistoryView


def site_history_urls() -> list[Any]:
    """URL patterns that take the place of Wagtail's own Site history report (listed in
    config/urls.py before Wagtail's admin, with the same access checks Wagtail adds)."""
    from django.urls import path
    from django.views.decorators.cache import never_cache

    from wagtail.admin.auth import require_admin_access

    view = _site_history_view_class()
    return [
        path(
            "admin/reports/site-history/",
            never_cache(require_admin_access(view.as_view())),
        ),
        path(
            "admin/reports/site-history/results/",
            never_cache(require_admin_access(view.as_view(results_only=True))),
        ),
    ]
