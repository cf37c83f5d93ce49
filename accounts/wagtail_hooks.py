"""Wagtail admin registration for accounts: the admin's account page sends staff to
allauth's pages for e-mail, password and the second factor, because Wagtail's own forms
for them are off (WAGTAIL_*_MANAGEMENT_ENABLED in config/settings/base.py)."""

from __future__ import annotations

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail import hooks


@hooks.register("insert_global_admin_css")
def admin_css() -> str:
    """Corrections to Wagtail's own styles that WCAG AA needs (static/css/admin.css)."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("insert_editor_js")
def richtext_names_js() -> str:
    """Names each rich-text editing area after its field's label (Draftail leaves it
    unnamed): static/js/admin-richtext-names.js."""
    return format_html('<script src="{}"></script>', static("js/admin-richtext-names.js"))


@hooks.register("register_account_menu_item")
def account_email_menu_item(request: HttpRequest) -> dict:
    return {
        "url": reverse("account_email"),
        "label": _("E-mail addresses"),
        "help_text": _("A new address is used only after you confirm it from its inbox."),
    }


@hooks.register("register_account_menu_item")
def account_password_menu_item(request: HttpRequest) -> dict:
    return {
        "url": reverse("account_change_password"),
        "label": _("Change password"),
        "help_text": _("Asks for your current password first."),
    }


@hooks.register("register_account_menu_item")
def account_mfa_menu_item(request: HttpRequest) -> dict:
    return {
        "url": reverse("mfa_index"),
        "label": _("Two-factor authentication"),
        "help_text": _("Authenticator app and recovery codes."),
    }
