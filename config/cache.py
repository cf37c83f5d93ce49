"""Django's Redis cache backend, made to treat a Redis outage as a cache miss.

Every page reads the cache (the site per host, the header's roles and unread count,
course outlines, sessions, rate limits, Wagtail's settings): with the stock backend a
stopped Redis turns every page, /health/ and the public /verify/ into a 500. Here an
error of Redis is logged once per outage and answered like an empty cache; the caller
then reads the database. After an error Redis is left alone for `RETRY_AFTER` seconds,
so that a Redis that hangs does not add its socket timeout to every cache call.

What a miss means for each operation: `get` returns the default, `get_many` nothing,
`has_key` False, writes and deletes do nothing, `incr` raises ValueError (no such key)
and `add` returns True (the key was not there, so the caller goes ahead). Hence, during
an outage, rate limits are open (django-ratelimit and allauth count nothing) and the
double-submit guard (accounts/submit_once.py) lets every submit through: the database's
unique constraints still stop duplicates. See docs/deployment.md, "Redis outage".

A deleted key that could not be deleted may be served stale once Redis is back: the
timeouts of the caches bound that (lms/cache.py, accounts/cache.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Seconds during which, after an error, calls skip Redis and answer as a miss.
RETRY_AFTER = 5.0


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one `redis.Redis` per connection pool. Django's builds a
    new one for every cache call, and its constructor copies redis-py's ~170 response
    callbacks into a fresh dict: about a tenth of a classroom check-in's CPU, on every
    page (bench/NOTES.md, session 15). redis-py's clients are safe to share between
    threads (each command takes a connection from the pool); two threads racing on
    the first call only build one client too many."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ResilientRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` that answers a miss when Redis is
    unreachable, with one Redis client per connection pool. Set short
    `socket_connect_timeout`/`socket_timeout` in OPTIONS."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._down_until = 0.0

    @property
    def available(self) -> bool:
        """False while an outage is being waited out (no call reaches Redis)."""
        return time.monotonic() >= self._down_until

    def _guard(self, operation: str, miss: T, call: Callable[..., T], *args: Any) -> T:
        if not self.available:
            return miss
        try:
            return call(*args)
        except (RedisError, OSError) as exc:
            logger.warning(
                "Cache unavailable (%s failed: %r); serving from the database for %.0f s",
                operation,
                exc,
                RETRY_AFTER,
            )
            self._down_until = time.monotonic() + RETRY_AFTER
            return miss

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None):
        return self._guard("add", True, super().add, key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guard("get", default, super().get, key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None):
        return self._guard("set", None, super().set, key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._guard("touch", False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._guard("delete", False, super().delete, key, version)

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._guard("get_many", {}, super().get_many, keys, version)

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._guard("has_key", False, super().has_key, key, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        result = self._guard("incr", None, super().incr, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        return result

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None):
        return self._guard("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._guard("delete_many", None, super().delete_many, keys, version)

    def clear(self) -> None:
        self._guard("clear", None, super().clear)
