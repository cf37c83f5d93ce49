from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

import rest_framework.authtoken.admin  # noqa: F401 - registers TokenProxy, undone below
from rest_framework.authtoken.models import TokenProxy

from accounts.models import ApiToken, User

# DRF's token admin shows and creates plaintext tokens; the portal stores digests only
# (ApiToken below; tokens are issued with `manage.py issue_api_token`).
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Ops view of accounts; HR manages people through the Wagtail admin."""

    ordering = ("email",)
    list_display = ("email", "nip", "first_name", "last_name", "is_active", "is_staff")
    search_fields = ("email", "nip", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "nip", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "preferred_language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "invitation_sent_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Lists and revokes (deletes) API tokens. A token is shown once, by
    `manage.py issue_api_token`; the admin only ever sees its digest's owner and prefix."""

    list_display = ("user", "prefix", "created")
    search_fields = ("user__email",)
    readonly_fields = ("user", "prefix", "created")
    exclude = ("digest",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
