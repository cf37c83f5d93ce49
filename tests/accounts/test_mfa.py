from __future__ import annotations

from django.urls import reverse

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)

from accounts.roles import Role
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_ROLES = [Role.PENGELOLA_SDM, Role.PELATIH, Role.ADMINISTRATOR]


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_ROLES = ADMIN_ROLES


def _login(client, email: str):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def test_hr_manager_without_second_factor_is_sent_to_set_one_up(client, home_page, mfa_required):
    UserFactory(email="sdm@uji.example", roles=[Role.PENGELOLA_SDM])
    _login(client, "sdm@uji.example")

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_hr_manager_with_totp_cannot_reach_admin_on_password_alone(client, home_page, mfa_required):
    user = UserFactory(email="sdm@uji.example", roles=[Role.PENGELOLA_SDM])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    response = _login(client, "sdm@uji.example")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.session.get("_auth_user_id") is None
    assert client.get("/admin/").status_code == 302  # to the sign-in page

    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.session.get("_auth_user_id") == str(user.pk)
    assert client.get("/admin/").status_code == 200


def test_mfa_is_optional_for_a_learner(client, home_page, mfa_required):
    UserFactory(email="peserta@uji.example", roles=[Role.PESERTA])
    _login(client, "peserta@uji.example")

    response = client.get("/")

    assert response.status_code == 200


def test_without_the_setting_an_hr_manager_works_without_mfa(client, home_page, settings):
    settings.MFA_REQUIRED_ROLES = []
    UserFactory(email="sdm@uji.example", roles=[Role.PENGELOLA_SDM])
    _login(client, "sdm@uji.example")

    assert client.get("/admin/").status_code == 200
