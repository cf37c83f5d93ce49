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
