from __future__ import annotations

from wagtail.models import Page

import pytest

from lms.models import HomePage

pytestmark = pytest.mark.django_db


def test_home_page_can_only_sit_under_the_root():
    assert HomePage.parent_page_types == ["wagtailcore.Page"]
    assert HomePage.subpage_types == []


def test_only_one_home_page(home_page):
    root = Page.get_first_root_node()

    assert not HomePage.can_create_at(root)


def test_home_page_renders(client, home_page):
    response = client.get("/")

    assert response.status_code == 200
    assert home_page.title in response.content.decode()
