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


@pytest.fixture
def broker_down():
    """A real (non-eager) publish to an address that refuses connections. Publishing
    uses broker_write_url, which (unlike broker_url) wins over CI's CELERY_BROKER_URL."""
    from celery import current_app

    conf = current_app.conf
    saved = (conf.task_always_eager, conf.get("broker_write_url"), conf.broker_connection_timeout)
    saved_pools = (current_app._pool, current_app.amqp._producer_pool)
    conf.task_always_eager = False
    conf.broker_write_url = "redis://127.0.0.1:1/0"
    conf.broker_connection_timeout = 1
    current_app._pool = current_app.amqp._producer_pool = None
    yield
    conf.task_always_eager, conf.broker_write_url, conf.broker_connection_timeout = saved
    current_app._pool, current_app.amqp._producer_pool = saved_pools
