from __future__ import annotations

from django.contrib.staticfiles import finders

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_points_at_a_real_icon(client, home_page):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    target = response["Location"]
    assert target.startswith("/static/") and target.endswith(".ico")
    path = finders.find(target.removeprefix("/static/"))
    assert path, target
    with open(path, "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # the ICO signature


def test_pages_declare_the_icon(client, home_page):
    html = client.get("/").content.decode()

    assert 'rel="icon"' in html
