"""`{% cell row "field" %}`: one figure of the public dashboard, "<5" when suppressed."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def cell(row: dict[str, Any], name: str, kind: str = "") -> SafeString:
    if name in row.get("suppressed", ()):
        return format_html(
            '<abbr class="suppressed" title="{}">{}</abbr>',
            _("Suppressed: fewer than 5 people, or it would reveal such a group"),
            _("suppressed"),
        )
    value = row.get(name)
    if value is None:
        return format_html('<span title="{}">–</span>', _("not applicable"))
    if kind == "pct":
        return format_html("{}%", number_format(value, 1))
    if kind == "decimal":
        return format_html("{}", number_format(value, 1))
    return format_html("{}", number_format(value, use_l10n=True, force_grouping=True))
