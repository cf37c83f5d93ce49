"""config.cache.ResilientRedisCache: a Redis that cannot be reached is a cache miss,
logged once per outage (the fault test with a real Redis stopped is
tests/fault/test_cache_down.py)."""

from __future__ import annotations

import logging

import pytest

from config.cache import ResilientRedisCache


@pytest.fixture
def unreachable():
    # Port 9 (discard) on loopback: nothing listens there, so the connection is refused.
    return ResilientRedisCache(
        "redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )


def test_an_unreachable_redis_answers_every_call_as_a_miss(unreachable, caplog):
    cache = unreachable
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert cache.get("k", "default") == "default"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("k") is False
        assert cache.set("k", 1) is None
        assert cache.add("k", 1) is True  # not there, so the caller goes ahead
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # not stored
        assert cache.delete("k") is False
        cache.delete_many(["a", "b"])
        assert cache.get_or_set("k", "computed") == "computed"
        with pytest.raises(ValueError):
            cache.incr("k")

    warnings = [r for r in caplog.records if r.name == "config.cache"]
    assert len(warnings) == 1  # once per outage, then Redis is left alone for a while
    assert "Cache unavailable" in warnings[0].getMessage()
    assert cache.available is False


def test_redis_is_tried_again_after_the_pause(unreachable, monkeypatch, caplog):
    from config import cache as module

    cache = unreachable
    cache.get("k")
    monkeypatch.setattr(module.time, "monotonic", lambda: cache._down_until + 1)

    assert cache.available is True
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert cache.get("k") is None
    assert any("Cache unavailable" in r.getMessage() for r in caplog.records)


def test_every_call_shares_one_redis_client(unreachable, monkeypatch):
    """Django's client built a `redis.Redis` for every cache call, and its constructor
    copies ~170 response callbacks: about a tenth of a check-in's CPU (two calls a
    request). One client per connection pool, shared by threads as redis-py allows."""
    import redis

    created = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        created.append(self)
        original(self, *args, **kwargs)

    client = unreachable._cache
    monkeypatch.setattr(redis.Redis, "__init__", counting)
    first = client.get_client("a")
    for key in ("b", "c"):
        assert client.get_client(key) is first
    assert client.get_client("d", write=True) is first  # one server: one pool
    assert len(created) == 1
