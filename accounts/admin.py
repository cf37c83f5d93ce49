from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


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
