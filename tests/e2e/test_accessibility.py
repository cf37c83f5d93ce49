"""axe-core (WCAG 2.1 A/AA) on every portal page that exists, signed out and signed in.
Add a page here when a feature adds one: (URL, who is signed in or None)."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import expect, force_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# (path, demo role signed in or None). Pages reached through journeys are checked there too.
PAGES = [
    ("/", None),
    ("/accounts/login/", None),
    ("/accounts/password/reset/", None),
    ("/accounts/signup/", None),
    ("/tidak-ada/", None),  # the 404 page
    ("/", "Peserta"),
    ("/accounts/profile/", "Peserta"),
    ("/accounts/password/change/", "Peserta"),
    ("/accounts/email/", "Peserta"),
    ("/accounts/2fa/", "Peserta"),
    ("/accounts/2fa/totp/activate/", "Peserta"),
    ("/accounts/logout/", "Peserta"),
    ("/", "Administrator"),
]


def test_portal_pages_have_no_serious_accessibility_violations(
    page, demo_logins, live_server, shot, check_a11y
):
    signed_in_as = None
    for path, role in PAGES:
        if role != signed_in_as:
            page.context.clear_cookies()
            if role:
                force_sign_in(page, live_server.url, demo_logins[role].email)
            signed_in_as = role
        page.goto(path)
        expect(page.locator("main")).to_be_visible()
        shot(page, f"{role or 'anonymous'}{path}")
        check_a11y(page)
