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


class PackageContentOriginMiddleware:
    """Keeps the separate content origin of SCORM packages apart from the portal
    (settings.LMS_PACKAGE_CONTENT_ORIGIN, lms.content_origin, docs/scorm.md). With the
    setting empty it does nothing. With it set, a request to the content host may only
    reach the package player and files and the few static files the player loads
    (anything else of the portal: 404, before sessions, pages or static files are
    touched), and a request to any other host may not reach them or the same-origin
    package files. The 404 is a bare one: the content host renders no portal page."""

    STATIC_ON_CONTENT = (
        "vendor/scorm-again/",
        "lms/js/scorm-bridge.",
        "lms/css/scorm-bridge.",
        "vendor/h5p-standalone/",
        "lms/js/h5p-frame.",
    )
    # (route name, its kwargs) of the content origin's routes, and of the same-origin
    # package routes the portal no longer serves when there is a content origin.
    CONTENT_ROUTES = (
        ("scorm:content_player", {"capability": "x"}),
        ("scorm:content_file", {"capability": "x", "path": "y"}),
        ("h5p:content_player", {"capability": "x"}),
        ("h5p:content_file", {"capability": "x", "path": "y"}),
    )
    SAME_ORIGIN_ROUTES = (
        ("scorm:file", {"token": "x", "path": "y"}),
        ("h5p:file", {"token": "x", "path": "y"}),
        ("h5p:player", {"token": "x"}),
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @classmethod
    def _prefixes(cls) -> tuple[tuple[str, ...], tuple[str, ...]]:
        from django.conf import settings
        from django.urls import reverse

        def prefix(name: str, kwargs: dict[str, str]) -> str:
            url = reverse(name, kwargs=kwargs)
            return url[: url.index("/x/") + 1]

        content = tuple(prefix(name, kwargs) for name, kwargs in cls.CONTENT_ROUTES)
        same_origin = tuple(prefix(name, kwargs) for name, kwargs in cls.SAME_ORIGIN_ROUTES)
        static = tuple(settings.STATIC_URL + name for name in cls.STATIC_ON_CONTENT)
        return (*content, *static), (*content, *same_origin)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.http import HttpResponseNotFound

        from lms.content_origin import content_origin, request_is_content_host

        if content_origin():
            on_content_host, portal_only = self._prefixes()
            path = request.path_info
            if request_is_content_host(request):
                if not path.startswith(on_content_host):
                    return HttpResponseNotFound(b"", content_type="text/plain")
            elif path.startswith(portal_only):
                return HttpResponseNotFound(b"", content_type="text/plain")
        return self.get_response(request)
