"""The gap heat-map's cells and the report's filter options, written in one pass each
(issue 23): the template's per-cell `{% if %}` chain and per-option tags were most of
the page's time once the figures came from the gap-count table (325 cells and a
hundred options at city scale)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.formats import get_format
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString

from competencies.selectors.gaps import GapCell

register = template.Library()


def _tenths(total: int, count: int, separator: str) -> str:
    """total / count to one decimal, rounded half up (as `floatformat:1` rounds it), in
    integers: `floatformat` per cell was half of the cells' time."""
    tenths = (total * 20 + count) // (2 * count) if count else 0
    return f"{tenths // 10}{separator}{tenths % 10}"


@register.simple_tag
def heatmap_cells(cells: Iterable[GapCell | None]) -> SafeString:
    """One `<td>` per cell: below / required and the average gap, coloured by `heat`;
    a dash where the competency is not required in the unit."""
    separator = escape(get_format("DECIMAL_SEPARATOR"))
    empty = '<td class="gap-cell">—</td>'
    # Safe: integers (`:d`, `heat`) and the locale's separator, escaped above.
    return SafeString(  # nosec B703
        "".join(
            f'<td class="gap-cell gap-{cell.heat}">{cell.below:d}/{cell.required:d}'
            f"<br><small>{_tenths(cell.gap_total, cell.required, separator)}</small></td>"
            if cell
            else empty
            for cell in cells
        )
    )


@register.simple_tag
def options_of(objects: Iterable[Any], selected: Any = None, label: str = "") -> SafeString:
    """`<option>`s for model instances: the key as value, `label` (an attribute name) or
    the object's text as the label, `selected` (an instance or None) marked."""
    chosen = getattr(selected, "pk", None)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (
                obj.pk,
                SafeString(" selected") if chosen is not None and obj.pk == chosen else "",
                getattr(obj, label) if label else str(obj),
            )
            for obj in objects
        ),
    )
