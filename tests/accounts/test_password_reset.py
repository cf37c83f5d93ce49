from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core import mail
from django.urls import reverse

import pytest

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sandi-Baru-Bontang-2026"


def _link_from(message) -> str:
    match = re.search(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def _set_password_through(client, link: str) -> None:
    response = client.get(link)
    # allauth moves the key into the session and redirects to a key-less URL.
    assert response.status_code == 302
    set_url = response["Location"]
    response = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_password_reset_sends_an_email_whose_link_sets_a_new_password(client, home_page):
    user = UserFactory(email="rina@uji.example")

    response = client.post(reverse("account_reset_password"), {"email": "rina@uji.example"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rina@uji.example"]
    _set_password_through(client, _link_from(mail.outbox[0]))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    response = client.post(
        reverse("account_login"), {"login": "rina@uji.example", "password": NEW_PASSWORD}
    )
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_password_reset_for_unknown_email_reveals_nothing(client, home_page):
    response = client.post(reverse("account_reset_password"), {"email": "tidakada@uji.example"})

    assert response.status_code == 302
    assert all("reset/key" not in m.body for m in mail.outbox)


def test_change_password_requires_the_old_one(client, home_page):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "bukan-sandi-lama", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.check_password(NEW_PASSWORD)
