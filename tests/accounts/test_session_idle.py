"""Staff sessions end after STAFF_SESSION_IDLE_TIMEOUT without a request (ASVS 3.3.2).
Learners keep the ordinary session lifetime."""

from __future__ import annotations

import time

import pytest

from accounts.middleware import STAFF_LAST_SEEN_KEY
from accounts.roles import Role
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _signed_in(client, *, roles, idle_seconds: int):
    user = UserFactory(roles=roles)
    client.force_login(user)
    session = client.session
    session[STAFF_LAST_SEEN_KEY] = int(time.time()) - idle_seconds
    session.save()
    return user


@pytest.mark.parametrize("role", [Role.PENGELOLA_SDM, Role.PELATIH, Role.ADMINISTRATOR])
def test_idle_staff_session_is_signed_out_and_sent_to_sign_in(client, home_page, role):
    _signed_in(client, roles=[role], idle_seconds=31 * 60)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session


def test_active_staff_session_continues_and_is_refreshed(client, home_page):
    _signed_in(client, roles=[Role.PENGELOLA_SDM], idle_seconds=29 * 60)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert client.session[STAFF_LAST_SEEN_KEY] >= int(time.time()) - 5


def test_staff_session_without_a_timestamp_starts_the_clock(client, home_page):
    user = UserFactory(roles=[Role.PENGELOLA_SDM])
    client.force_login(user)

    assert client.get("/admin/").status_code == 200
    assert client.session[STAFF_LAST_SEEN_KEY] >= int(time.time()) - 5


def test_learner_session_has_no_idle_timeout(client, home_page):
    user = _signed_in(client, roles=[Role.PESERTA], idle_seconds=3 * 60 * 60)

    client.get("/accounts/profile/")

    assert client.session["_auth_user_id"] == str(user.pk)


def test_idle_timeout_of_zero_turns_it_off(client, home_page, settings):
    settings.STAFF_SESSION_IDLE_TIMEOUT = 0
    _signed_in(client, roles=[Role.PENGELOLA_SDM], idle_seconds=3 * 60 * 60)

    assert client.get("/admin/").status_code == 200
