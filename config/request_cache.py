"""One cache round trip per request for the lookups every page makes (issue 23).

Two layers in front of Django's cache (Redis in production):

- **The request's prefetch.** `PrefetchMiddleware` (right after authentication) reads,
  in one `get_many`, the version keys and the signed-in user's header values
  (`prefetch_keys`); `get` answers those keys from that read for the rest of the request
  and asks the cache for anything else. `discard` forgets a prefetched key (a service
  that changed it in this request reads it afresh).
- **A per-process cache** (`local_get`/`local_set`) for values whose key carries a
  version read in the prefetch (the site per host, Wagtail's site root paths, agency
  settings, course structures). A new version is a new key, so a process never serves
  an entry of an older version; the entries are pickled, so every request gets its own
  copy to attach request state to, as it did from Redis. At most `LOCAL_MAX_ENTRIES`
  entries: the cache is emptied when it is full (old versions go with it).

`version(name)` reads a version (through the prefetch), creating it when missing;
`bump(*names)` gives them new values at once and again after the transaction commits (a
request between the write and the commit would otherwise cache the old rows under the
new version).

Outside a request (Celery tasks, shell) nothing is prefetched and every `get` is a plain
cache read; the per-process layer still applies."""

from __future__ import annotations

import pickle
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import transaction

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

LOCAL_MAX_ENTRIES = 2000

_request = threading.local()
_MISSING = object()
_local: dict[str, bytes] = {}


# THE REQUEST'S PREFETCH ------------------------------------------------------------------

# Functions (request, user id or None) -> cache keys to prefetch; apps add theirs in ready().
_providers: list[Callable[[HttpRequest, int | None], Iterable[str]]] = []


def register(provider: Callable[[HttpRequest, int | None], Iterable[str]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def prefetch_keys(request: HttpRequest, user_id: int | None) -> list[str]:
    keys: list[str] = []
    for provider in _providers:
        keys.extend(provider(request, user_id))
    return keys


def begin(keys: list[str]) -> None:
    """Reads `keys` in one round trip; `get` answers them until `end`."""
    _request.values = cache.get_many(keys) if keys else {}
    _request.asked = set(keys)


def end() -> None:
    _request.values = {}
    _request.asked = set()


def get(key: str) -> Any:
    """The prefetched value of `key` (None when it was not in the cache), else a cache read."""
    if key in getattr(_request, "asked", ()):
        return _request.values.get(key)
    return cache.get(key)


def remember(key: str, value: Any) -> None:
    """Records what this request wrote to a prefetched key (a later `get` returns it)."""
    if key in getattr(_request, "asked", ()):
        _request.values[key] = value


def discard(keys: Iterable[str]) -> None:
    """A prefetched key changed in this request: later reads go to the cache."""
    asked = getattr(_request, "asked", None)
    if asked:
        for key in keys:
            asked.discard(key)
            _request.values.pop(key, None)


# VERSIONS ---------------------------------------------------------------------------------


def version(name: str) -> str:
    """The current value of the version `name`. While the cache is unreachable (see
    config/cache.py) a new value on every call: nothing is served from the per-process
    layer, which could not learn of a change, and pages read the database."""
    value = get(name)
    if value is None:
        cache.add(name, uuid.uuid4().hex, None)
        value = cache.get(name)
        if value is None:
            return "unversioned-" + uuid.uuid4().hex
        remember(name, value)
    return value


def bump(*names: str) -> None:
    def set_new() -> None:
        discard(names)
        cache.set_many({name: uuid.uuid4().hex for name in names}, None)

    set_new()
    transaction.on_commit(set_new, robust=True)


# PER-PROCESS CACHE ---------------------------------------------------------------------


def local_get(key: str) -> Any:
    data = _local.get(key)
    # Only this process's own pickles (local_set below), never bytes from outside.
    return None if data is None else pickle.loads(data)  # noqa: S301  # nosec B301


def local_set(key: str, value: Any) -> None:
    if len(_local) >= LOCAL_MAX_ENTRIES:
        _local.clear()
    _local[key] = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def local_clear() -> None:
    _local.clear()


class PrefetchMiddleware:
    """Reads every prefetch key of the request in one `get_many` (after the session, which
    gives the signed-in user's id)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth import SESSION_KEY

        session = getattr(request, "session", None)
        raw = session.get(SESSION_KEY) if session is not None else None
        try:
            user_id = int(raw) if raw is not None else None
        except (TypeError, ValueError):
            user_id = None
        begin(prefetch_keys(request, user_id))
        try:
            return self.get_response(request)
        finally:
            end()
