from __future__ import annotations

from django.urls import reverse
from django.utils import translation

import pytest

from accounts.roles import Role
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


def test_login_rate_limit_counts_email_and_nip_failures_against_one_account(client, home_page):
    # 5 failures per 5 minutes per account (ACCOUNT_RATE_LIMITS): e-mail and NIP are two
    # names for one account, not two budgets.
    UserFactory(email="rina@uji.example", nip="199203152019032001")
    for _ in range(3):
        client.post(LOGIN_URL, {"login": "rina@uji.example", "password": "salah-sandi"})
    for _ in range(2):
        client.post(LOGIN_URL, {"login": "19920315 201903 2 001", "password": "salah-sandi"})

    by_nip = client.post(LOGIN_URL, {"login": "199203152019032001", "password": PASSWORD})
    by_email = client.post(LOGIN_URL, {"login": "RINA@uji.example", "password": PASSWORD})

    assert _session_user_id(client) is None
    for response in (by_nip, by_email):
        assert response.context["form"].errors["__all__"] == [
            "Terlalu banyak percobaan masuk yang gagal. Coba lagi nanti."
        ]


def test_login_rate_limit_of_one_account_leaves_another_alone(client, home_page):
    UserFactory(email="rina@uji.example", nip="199203152019032001")
    other = UserFactory(email="budi@uji.example")
    for _ in range(5):
        client.post(LOGIN_URL, {"login": "199203152019032001", "password": "salah-sandi"})

    client.post(LOGIN_URL, {"login": "budi@uji.example", "password": PASSWORD})

    assert _session_user_id(client) == str(other.pk)


def test_login_rate_limit_still_applies_to_unknown_identifiers(client, home_page):
    for _ in range(5):
        client.post(LOGIN_URL, {"login": "tidak-ada@uji.example", "password": "salah-sandi"})

    response = client.post(LOGIN_URL, {"login": "tidak-ada@uji.example", "password": PASSWORD})

    assert response.context["form"].errors["__all__"] == [
        "Terlalu banyak percobaan masuk yang gagal. Coba lagi nanti."
    ]


# Where sign-in lands, how it greets, what a wrong password says -----------------------


def test_learner_lands_on_their_learning_after_sign_in(client, home_page):
    UserFactory(email="rina@uji.example", roles=[Role.PESERTA])

    response = client.post(LOGIN_URL, {"login": "rina@uji.example", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("lms:dashboard")


@pytest.mark.parametrize("role", [Role.PELATIH, Role.PENGELOLA_SDM, Role.ADMINISTRATOR])
def test_staff_land_in_the_admin_after_sign_in(client, home_page, role):
    UserFactory(email="staf@uji.example", roles=[Role.PESERTA, role])

    response = client.post(LOGIN_URL, {"login": "staf@uji.example", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_sign_in_follows_a_safe_next_and_ignores_an_unsafe_one(client, home_page):
    UserFactory(email="rina@uji.example", roles=[Role.PESERTA])
    credentials = {"login": "rina@uji.example", "password": PASSWORD}

    safe = client.post(f"{LOGIN_URL}?next=/learning/catalogue/", credentials)
    client.logout()
    unsafe = client.post(f"{LOGIN_URL}?next=https://jahat.example/", credentials)

    assert safe["Location"] == "/learning/catalogue/"
    assert unsafe["Location"] == reverse("lms:dashboard")


def test_sign_in_greets_by_name_not_by_nip(client, home_page):
    UserFactory(
        email="rina@uji.example", nip="199203152019032001", first_name="Rina", last_name="Wati"
    )

    response = client.post(
        LOGIN_URL, {"login": "199203152019032001", "password": PASSWORD}, follow=True
    )

    texts = [str(message) for message in response.context["messages"]]
    assert any("Rina Wati" in text for text in texts), texts
    assert not any("199203152019032001" in text for text in texts), texts


@pytest.mark.parametrize("typed", ["rina@uji.example", "199203152019032001"])
def test_wrong_password_message_names_email_or_nip(client, home_page, typed):
    UserFactory(email="rina@uji.example", nip="199203152019032001")

    response = client.post(LOGIN_URL, {"login": typed, "password": "salah-sandi"})

    with translation.override("id"):
        expected = translation.gettext("E-mail/NIP or password is incorrect.")
    assert response.context["form"].errors["__all__"] == [expected]
    assert "nama pengguna" not in response.content.decode()
