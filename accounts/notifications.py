"""Rendering notices: templates/notifications/<kind>.txt holds the title on its first line
and the message below it, rendered with the notice's params in a given language."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import Notification


@dataclass(frozen=True)
class RenderedNotice:
    title: str
    body: str


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _param(value: Any) -> Any:
    """Params are stored as JSON, so a date arrives as "2026-12-20": give the template a
    date, which it shows in the reader's DATE_FORMAT ("20 Des. 2026", "Dec. 20, 2026")."""
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def notice_render(notification: Notification, *, language: str | None = None) -> RenderedNotice:
    context = {k: _param(v) for k, v in notification.params.items()}
    context["url"] = notification.url
    with translation.override(language or translation.get_language() or "id"):
        text = render_to_string(f"notifications/{notification.kind}.txt", context).strip()
    title, _, body = text.partition("\n")
    return RenderedNotice(title=title.strip(), body=body.strip())
