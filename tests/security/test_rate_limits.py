"""allauth's rate limits (ACCOUNT_RATE_LIMITS in config/settings/base.py) on password
reset: 5 a minute per e-mail address, 20 a minute per client address. Sign-in limits
are tested in tests/accounts/test_login.py."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

import pytest

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

RESET_URL = reverse("account_reset_password")


def test_password_reset_is_limited_per_email_address(client, home_page):
    UserFactory(email="rina@uji.example")
    for _ in range(5):
        assert client.post(RESET_URL, {"email": "rina@uji.example"}).status_code == 302

    response = client.post(RESET_URL, {"email": "Rina@Uji.example"})

    assert response.status_code == 429
    assert len(mail.outbox) == 5


def test_password_reset_is_limited_per_client_address(client, home_page):
    for n in range(20):
        assert client.post(RESET_URL, {"email": f"orang{n}@uji.example"}).status_code == 302

    response = client.post(RESET_URL, {"email": "orang-lain@uji.example"})

    assert response.status_code == 429


def test_password_reset_limit_for_one_address_leaves_others_alone(client, home_page):
    UserFactory(email="rina@uji.example")
    UserFactory(email="budi@uji.example")
    for _ in range(6):
        client.post(RESET_URL, {"email": "rina@uji.example"})

    response = client.post(RESET_URL, {"email": "budi@uji.example"})

    assert response.status_code == 302
    assert mail.outbox[-1].to == ["budi@uji.example"]
