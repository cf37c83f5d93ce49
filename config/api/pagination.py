from __future__ import annotations

from django.conf import settings

from rest_framework.pagination import CursorPagination


class SyncCursorPagination(CursorPagination):
    """Pages in (updated_at, id) order with an opaque cursor. Unlike page numbers, a row
    that changes while a client pages through is never skipped: it moves to the end,
    where the same sync run (or the next `updated_since` run) picks it up."""

    ordering = ("updated_at", "id")
    page_size_query_param = "page_size"

    def __init__(self) -> None:
        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE
