"""The site navigation marks one entry as the current page, and pages have distinct titles."""

from __future__ import annotations

import re

from django.urls import reverse

import pytest

from accounts.roles import Role
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _active(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page"', html)


def test_team_page_highlights_one_nav_item(client):
    client.force_login(UserFactory(roles=[Role.ATASAN, Role.PESERTA]))

    html = client.get(reverse("lms:team")).content.decode()

    assert _active(html) == [reverse("lms:team")]


def test_the_two_team_pages_have_distinct_titles(client):
    client.force_login(UserFactory(roles=[Role.ATASAN, Role.PESERTA]))

    titles = {
        re.search(r"<h1[^>]*>(.*?)</h1>", client.get(reverse(name)).content.decode(), re.S)
        .group(1)
        .strip()
        for name in ("lms:team", "competencies:team")
    }

    assert len(titles) == 2
