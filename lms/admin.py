"""Django admin (ops tables only; people and content are managed in the Wagtail admin)."""

from django.contrib import admin

from lms.models import XapiStatement


@admin.register(XapiStatement)
class XapiStatementAdmin(admin.ModelAdmin):
    """The xAPI outbox (docs/xapi.md), read-only: what waits, what was sent, what the LRS
    refused and why. Delivery is the Celery task's job, not the admin's."""

    list_display = ("id", "verb", "status", "created_at", "sent_at", "tries", "next_try_at")
    list_filter = ("status", "verb")
    search_fields = ("id",)
    ordering = ("-created_at",)
    readonly_fields = (
        "id",
        "verb",
        "status",
        "statement",
        "created_at",
        "next_try_at",
        "sent_at",
        "tries",
        "last_error",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
