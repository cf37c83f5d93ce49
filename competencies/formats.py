"""Numbers and dates for people, in the active language's style (docs/translations.md):
Indonesian "8,5 JP" / "20 Des. 2026", English "8.5 JP" / "Dec. 20, 2026". Templates use
`|floatformat:"-1"` and `|date:"DATE_FORMAT"`; Python code that builds display text (PDFs,
admin detail rows, notices) uses these."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils import formats


def jp_display(value: Decimal | float | int | None) -> str:
    """Lesson hours (JP) with the locale's decimal mark; whole numbers without ".0"."""
    return floatformat(value if value is not None else 0, -1)


def date_display(value: datetime.date | None) -> str:
    """A date in the locale's DATE_FORMAT ("—" when missing)."""
    return formats.date_format(value) if value else "—"
