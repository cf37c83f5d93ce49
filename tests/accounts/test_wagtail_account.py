"""Wagtail's own account management is off: allauth owns e-mail, password and reset, so
its verification, re-authentication and rate limits apply to staff too."""

from __future__ import annotations

from django.core import mail

import pytest

from accounts.roles import Role
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_account_page_has_no_email_or_password_fields(client, home_page):
    user = UserFactory(email="sdm@uji.example", roles=[Role.PENGELOLA_SDM])
    client.force_login(user)

    response = client.get("/admin/account/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="name_email-email"' not in html
    assert 'name="password-new_password1"' not in html
    # The page points to allauth's own e-mail and password pages instead.
    assert 'href="/accounts/email/"' in html
    assert 'href="/accounts/password/change/"' in html


def test_admin_account_post_cannot_change_the_email(client, home_page):
    user = UserFactory(email="sdm@uji.example", roles=[Role.PENGELOLA_SDM])
    client.force_login(user)

    client.post(
        "/admin/account/",
        {
            "name_email-first_name": "Rina",
            "name_email-last_name": "Uji",
            "name_email-email": "penyerang@luar.example",
            "locale-preferred_language": "id",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
        },
    )

    user.refresh_from_db()
    assert user.email == "sdm@uji.example"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/password_reset/",
        "/admin/password_reset/done/",
        "/admin/password_reset/complete/",
    ],
)
def test_wagtail_password_reset_is_gone(client, home_page, url):
    UserFactory(email="sdm@uji.example", roles=[Role.PENGELOLA_SDM])

    get = client.get(url)
    post = client.post(url, {"email": "sdm@uji.example"})

    assert get.status_code == 404
    assert post.status_code == 404
    assert mail.outbox == []


def test_wagtail_login_page_offers_no_wagtail_reset(client, home_page):
    response = client.get("/admin/login/")

    assert "/admin/password_reset/" not in response.content.decode()
