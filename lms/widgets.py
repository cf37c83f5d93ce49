"""Form widgets shared by the admin forms (no model imports: page models use them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.html import format_html

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class SearchableCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """A list of checkboxes (no Ctrl-click) with a search box above it: typing hides the
    entries that do not contain the text; ticked entries stay visible
    (static/lms/js/select-filter.js, no inline script)."""

    def __init__(self, *args, search_label: str | _StrPromise = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.search_label = search_label

    @property
    def media(self) -> forms.Media:
        return forms.Media(js=["lms/js/select-filter.js"])

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs=attrs, renderer=renderer)
        return format_html(
            '<div class="select-filter-list" data-select-filter data-select-filter-label="{}">'
            "{}</div>",
            self.search_label,
            html,
        )
