"""The production 404 (DEBUG=False) is the portal's own page, in the visitor's language."""

from __future__ import annotations

from django.conf import settings as django_settings

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_errors(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]


@pytest.mark.parametrize(
    ("language", "heading", "other"),
    [
        ("id", "Halaman tidak ditemukan", "Page not found"),
        ("en", "Page not found", "Halaman tidak ditemukan"),
    ],
)
@pytest.mark.parametrize(
    "path", ["/halaman-yang-tidak-ada/", "/learning/courses/999999/resume/x/", "/kompetensi/zz/"]
)
def test_not_found_page_speaks_the_visitors_language(
    client, home_page, production_errors, language, heading, other, path
):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get(path)

    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert heading in html
    assert other not in html
