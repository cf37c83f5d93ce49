"""The Wagtail admin speaks the page's language. Wagtail's own id_ID catalogue is found for
our language code "id" (gettext expands "id" to id_ID), but it translates only a fraction of
the admin; locale-wagtail/ fills in the chrome it lacks."""

from __future__ import annotations

import gettext

from django.core.management import call_command
from django.utils.translation import trans_real

import pytest
from asgiref.local import Local

from accounts.roles import Role
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

# The sidebar's Wagtail entries that Wagtail's id_ID catalogue leaves in English.
ENGLISH_CHROME = ("Help", "Editor Guide", "Shortcuts", "JavaScript is required to use Wagtail")
INDONESIAN_CHROME = ("Bantuan", "Panduan editor", "Pintasan", "Wagtail memerlukan JavaScript")


@pytest.fixture(autouse=True, scope="module")
def compiled_catalogues(django_db_blocker):
    with django_db_blocker.unblock():
        call_command("compile_translations", verbosity=0)
    # Forget catalogues loaded before the compile (Django's and gettext's own cache of
    # .mo files), as Django does when LOCALE_PATHS change.
    gettext._translations.clear()
    trans_real._translations = {}
    trans_real._active = Local()


def _admin_menu(client, language: str) -> str:
    user = UserFactory(roles=[Role.ADMINISTRATOR], preferred_language=language)
    client.force_login(user)
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_indonesian_admin_chrome_is_indonesian(client, home_page):
    html = _admin_menu(client, "id")

    for word in INDONESIAN_CHROME:
        assert word in html, word
    for word in ENGLISH_CHROME:
        assert f'"{word}"' not in html and f">{word}<" not in html, word


def test_english_admin_chrome_stays_english(client, home_page):
    client.cookies["django_language"] = "en"
    html = _admin_menu(client, "en")

    for word in ENGLISH_CHROME:
        assert word in html, word
    for word in INDONESIAN_CHROME:
        assert word not in html, word
