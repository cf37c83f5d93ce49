"""Helpers for journeys. Import `expect` from here, not from playwright, so that a machine
without playwright skips the e2e tests with the reason instead of failing to collect."""

from __future__ import annotations

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under REQUIRE_SERVICES=1)
    expect = None

__all__ = ["expect", "force_sign_in", "sign_in", "switch_language", "t"]


def sign_in(page, login: str, password: str) -> None:
    """Signs in through allauth's form on /accounts/login/, as a person would."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def force_sign_in(page, base_url: str, email: str) -> None:
    """Signs in without the form (a session made by Django's test client, handed to the
    browser as its cookie), for tests whose subject is not signing in."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


def t(msgid: str, language: str = "id") -> str:
    """What the interface shows for an English msgid in `language` (the catalogue's
    text), so that journeys do not break when a translation is reworded."""
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(msgid)


def switch_language(page, code: str) -> None:
    """Uses the header's language switcher, as a person would (labels in the current
    language: Indonesian unless switched before)."""
    current = page.locator("html").get_attribute("lang") or "id"
    page.get_by_label(t("Language", current), exact=True).select_option(code)
    page.get_by_role("button", name=t("Change", current), exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", code)
