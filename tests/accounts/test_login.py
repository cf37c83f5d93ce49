from __future__ import annotations

from django.urls import reverse

import pytest

from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")


def _session_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_login_by_email_signs_the_user_in(client, home_page):
    user = UserFactory(email="rina@uji.example")

    response = client.post(LOGIN_URL, {"login": "Rina@Uji.example", "password": PASSWORD})

    assert response.status_code == 302
    assert _session_user_id(client) == str(user.pk)


@pytest.mark.parametrize("typed", ["199203152019032001", "19920315 201903 2 001"])
def test_login_by_nip_signs_the_user_in(client, home_page, typed):
    user = UserFactory(nip="199203152019032001")

    response = client.post(LOGIN_URL, {"login": typed, "password": PASSWORD})

    assert response.status_code == 302
    assert _session_user_id(client) == str(user.pk)


def test_login_with_wrong_password_is_refused_with_a_message(client, home_page):
    UserFactory(email="rina@uji.example")

    response = client.post(LOGIN_URL, {"login": "rina@uji.example", "password": "salah-sandi"})

    assert response.status_code == 200
    assert _session_user_id(client) is None
    assert response.context["form"].errors["__all__"]


def test_login_page_speaks_indonesian_by_default(client, home_page):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "E-mail atau NIP" in html


def test_login_rate_limit_blocks_even_the_right_password(client, home_page):
    UserFactory(email="rina@uji.example")
    for _ in range(5):
        client.post(LOGIN_URL, {"login": "rina@uji.example", "password": "salah-sandi"})

    response = client.post(LOGIN_URL, {"login": "rina@uji.example", "password": PASSWORD})

    assert _session_user_id(client) is None
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"] == [
        "Terlalu banyak percobaan masuk yang gagal. Coba lagi nanti."
    ]


def test_open_signup_is_closed(client, home_page):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    assert response.templates[0].name == "account/signup_closed.html"


def test_logout_ends_the_session(client, home_page):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert _session_user_id(client) is None
