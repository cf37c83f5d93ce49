from __future__ import annotations

from django.conf import settings

from rest_framework import serializers
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

    def get_page_size(self, request) -> int | None:
        """DRF falls back to the default page size for a page_size that is not an integer;
        the schema says integer, so that is a 400 like any refused query parameter (as
        competencies.api.StrictPageSizeMixin; this module is imported with DRF's settings,
        before the apps' API modules can be)."""
        for value in request.query_params.getlist(self.page_size_query_param):
            try:
                int(value)
            except ValueError:
                message = serializers.IntegerField.default_error_messages["invalid"]
                raise serializers.ValidationError({self.page_size_query_param: [message]}) from None
        return super().get_page_size(request)
