from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from config import request_cache
from lms.cache import (
    site_cache_fill,
    site_key,
    site_root_is_specific,
    site_root_paths_key,
    versioned_get,
)


class SiteCacheMiddleware:
    """Hands Wagtail the request's site from the cache (`Site.find_for_request` reads
        `request._wagtail_site` when it is set): one query less on every page, one more with
        the root page kept specific. The cache is filled from what a request that looked the
        site up found (no query of its own); requests that never need a site never read it.
    Likewise Wagtail's site root paths (for page URLs), kept per process under the site
    version (lms/cache.py), so that Wagtail does not read its own cache key per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = site_key(request)
        cached = versioned_get(key) if key else None
        if cached is not None:
            request._wagtail_site = cached  # type: ignore[attr-defined]
        paths_key = site_root_paths_key()
        paths = request_cache.local_get(paths_key)
        if paths is not None:
            request._wagtail_cached_site_root_paths = paths  # type: ignore[attr-defined]
        response = self.get_response(request)
        found = request.__dict__.get("_wagtail_cached_site_root_paths")
        if paths is None and found is not None:
            request_cache.local_set(paths_key, found)
        site = request.__dict__.get("_wagtail_site")
        if key and site is not None:
            routed = "specific" in site.root_page.__dict__
            if cached is None or (routed and not site_root_is_specific(cached)):
                site_cache_fill(key, site)
        return response
