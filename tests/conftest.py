from __future__ import annotations

from django.core.cache import cache

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and Wagtail settings live in the cache; each test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_page(db):
    """The portal's home page and default site, as seed_demo makes them."""
    from lms.services.demo import _demo_site

    return _demo_site().root_page.specific


@pytest.fixture
def user_factory(db):
    from tests.factories.accounts import UserFactory

    return UserFactory
