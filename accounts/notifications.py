"""Rendering notices: templates/notifications/<kind>.txt holds the title on its first line
and the message below it, rendered with the notice's params in a given language."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import Notification


@dataclass(frozen=True)
class RenderedNotice:
    title: str
    body: str


def notice_render(notification: Notification, *, language: str | None = None) -> RenderedNotice:
    context = {**notification.params, "url": notification.url}
    with translation.override(language or translation.get_language() or "id"):
        text = render_to_string(f"notifications/{notification.kind}.txt", context).strip()
    title, _, body = text.partition("\n")
    return RenderedNotice(title=title.strip(), body=body.strip())
