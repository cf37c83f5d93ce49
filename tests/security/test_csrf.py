"""State-changing POSTs without a CSRF token are refused with 403.

Two layers: the POST endpoints we know (KNOWN_POSTS), each checked with and without a
token so the test cannot pass for the wrong reason; and every <form method="post"> found
on the portal's pages, signed out and signed in, posted to without a token. A feature
that adds a form on a page listed in PAGES is covered without touching this file."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import reverse

import pytest

from accounts.roles import Role
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sandi-Baru-Bontang-2026"

# (URL name, signed in?, form data). The data is valid, so with a token each POST does
# its work (a redirect or a re-rendered form), never a 403.
KNOWN_POSTS = [
    ("account_login", False, {"login": "rina@uji.example", "password": PASSWORD}),
    ("account_logout", True, {}),
    ("set_language", False, {"language": "en", "next": "/"}),
    ("account_reset_password", False, {"email": "rina@uji.example"}),
    (
        "account_change_password",
        True,
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ),
    ("account_email", True, {"email": "rina@uji.example", "action_send": ""}),
    ("account_reauthenticate", True, {"password": PASSWORD}),
]

# Pages whose forms are collected: (path, signed in?). Add pages with forms here.
PAGES = [
    ("/", False),
    ("/accounts/login/", False),
    ("/accounts/password/reset/", False),
    ("/", True),
    ("/accounts/profile/", True),
    ("/accounts/password/change/", True),
    ("/accounts/email/", True),
    ("/accounts/reauthenticate/", True),
    ("/accounts/logout/", True),
]


@pytest.fixture
def rina(db):
    return UserFactory(email="rina@uji.example", roles=[Role.PESERTA])


def _client(user, *, signed_in: bool, enforce_csrf: bool = True) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    if signed_in:
        client.force_login(user)
    return client


@pytest.mark.parametrize(("url_name", "signed_in", "data"), KNOWN_POSTS)
def test_post_without_csrf_token_is_refused(url_name, signed_in, data, home_page, rina):
    client = _client(rina, signed_in=signed_in)

    response = client.post(reverse(url_name), data)

    assert response.status_code == 403


@pytest.mark.parametrize(("url_name", "signed_in", "data"), KNOWN_POSTS)
def test_post_with_csrf_token_is_accepted(url_name, signed_in, data, home_page, rina):
    """The control for the test above: the same POST with the token gets past CSRF."""
    client = _client(rina, signed_in=signed_in)
    client.get(reverse("account_login") if not signed_in else reverse("account_profile"))
    token = client.cookies["csrftoken"].value

    response = client.post(reverse(url_name), {**data, "csrfmiddlewaretoken": token})

    assert response.status_code in (200, 302)


class _PostForms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.actions: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self.actions.append(attributes.get("action"))


def _post_form_actions(client: Client, path: str) -> set[str]:
    response = client.get(path)
    assert response.status_code == 200, f"GET {path} gave {response.status_code}"
    parser = _PostForms()
    parser.feed(response.content.decode())
    return {urlsplit(urljoin(path, action or path)).path for action in parser.actions}


def test_every_post_form_on_the_portal_pages_requires_a_csrf_token(home_page, rina):
    found: dict[str, bool] = {}
    for signed_in in (False, True):
        client = _client(rina, signed_in=signed_in, enforce_csrf=False)
        for path, page_signed_in in PAGES:
            if page_signed_in == signed_in:
                for action in _post_form_actions(client, path):
                    found.setdefault(action, signed_in)

    # Discovery must see at least the forms we know of, or this test proves nothing.
    known = {reverse(name) for name, _, _ in KNOWN_POSTS}
    assert known - {reverse("account_email")} <= set(found), sorted(known - set(found))
    accepted = {}
    for action, signed_in in found.items():
        status = _client(rina, signed_in=signed_in).post(action, {}).status_code
        if status != 403:
            accepted[action] = status
    assert not accepted, f"POST without a CSRF token was not refused: {accepted}"
