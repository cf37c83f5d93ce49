"""`{% load html_time %}` … `<time datetime="{{ value|html_datetime }}">`: a value the HTML
spec accepts in a `datetime` attribute. Django's `date:'c'` and `isoformat` print six
digits of a second's fraction, which the W3C validator refuses (at most three)."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(value: Any) -> str:
    """A datetime in the active time zone to whole seconds, with its offset
    (`2026-12-06T10:15:00+08:00`); a date as `2026-12-06`; anything else empty."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
