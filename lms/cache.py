"""Cross-request caches of the learner pages (Django's cache: Redis in production) and
what forgets them.

Two versions name the cached entries. The *site version* covers the site per host and
its root page: it changes when a site, a root-level page (depth ≤ 2) is saved or deleted,
or any page moves. The *content version* covers what a course page shows the same to
everyone (outline, competencies, prerequisites): it changes when any page is saved,
deleted, moved, published or unpublished, and when a course's competency links or
prerequisites or a competency change. A version changes at once and again after commit:
a request between the write and the commit would otherwise cache the old rows under the
new version.

Both versions are read in the request's one prefetch round trip (config/request_cache.py);
what they name (the site per host, Wagtail's site root paths, course structures) is kept
in the per-process cache under the versioned key, with Redis behind it for a process
that has not read it yet (`versioned_get`/`versioned_set`)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http.request import split_domain_port

from wagtail.models import Page, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from config import request_cache

if TYPE_CHECKING:
    from django.http import HttpRequest

# Signals reset the versions; the timeout only bounds what a write that bypasses them
# (a raw UPDATE) can leave behind.
CONTENT_TIMEOUT = 60 * 60
_CONTENT, _SITE = "lms:content-version", "lms:site-version"
# The inputs of every employee's recommendations that are not the employee's own:
# position standards and positions (an import changes them in bulk).
_GAPS = "lms:gaps-version"


def _version(name: str) -> str:
    return request_cache.version(name)


def prefetch(request: HttpRequest, user_id: int | None) -> list[str]:
    """The versions every page reads and the signed-in user's recommendations
    (config/request_cache.py)."""
    keys = [_SITE, _CONTENT, _GAPS]
    if user_id is not None:
        keys.append(recommendations_key(user_id))
    return keys


def versioned_get(key: str) -> Any:
    """A value under a versioned key: this process's copy, else the shared cache's (kept
    in the process for the next request)."""
    value = request_cache.local_get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            request_cache.local_set(key, value)
    return value


def versioned_set(key: str, value: Any, timeout: int = CONTENT_TIMEOUT) -> None:
    request_cache.local_set(key, value)
    cache.set(key, value, timeout)


def content_key(*parts: object) -> str:
    """A cache key that changes whenever the page tree or course data change."""
    return ":".join(["lms", _version(_CONTENT), *(str(part) for part in parts)])


def _bump(*names: str) -> None:
    request_cache.bump(*names)


def content_changed(*, site: bool = False) -> None:
    _bump(_CONTENT, _SITE) if site else _bump(_CONTENT)


# RECOMMENDATIONS (the dashboard) -----------------------------------------------------------


def recommendations_key(user_id: int) -> str:
    return f"lms:recommendations:{user_id}"


def recommendations_stamp(*parts: object) -> tuple:
    """What a user's cached recommendations must have been computed under: the content
    and gaps versions plus the caller's own inputs (the day, the courses excluded)."""
    return (_version(_CONTENT), _version(_GAPS), *parts)


def recommendations_forget(user_ids: list[int]) -> None:
    """An employee's assessments or position changed: their recommendations are computed
    afresh at the next dashboard, at once and again after commit."""
    keys = [recommendations_key(user_id) for user_id in user_ids if user_id]
    if not keys:
        return

    def forget() -> None:
        request_cache.discard(keys)
        cache.delete_many(keys)

    forget()
    transaction.on_commit(forget, robust=True)


def recommendations_employees_changed(*, employee_ids: list[int]) -> None:
    """COMPETENCIES_EMPLOYEES_CHANGED_HOOKS: employees imported or edited in bulk."""
    from competencies.models import Employee

    recommendations_forget(
        list(Employee.objects.filter(pk__in=employee_ids).values_list("user_id", flat=True))
    )


def gaps_changed() -> None:
    """A position standard or position changed (one or many, an import): everyone's
    recommendations are computed afresh."""
    _bump(_GAPS)


# SITE PER HOST ---------------------------------------------------------------------------


def site_key(request: HttpRequest) -> str | None:
    """The cache key of the request's site; None for hosts outside ALLOWED_HOSTS, which
    get no entry. Taken when the request starts, so a site or root page saved during the
    request is never cached under the version that follows the save."""
    try:
        request.get_host()
    except DisallowedHost:
        return None
    hostname = split_domain_port(request._get_raw_host())[0]  # type: ignore[attr-defined]
    return ":".join(["lms", _version(_SITE), "site", hostname, str(request.get_port())])


def _fields_only(obj: Model) -> Any:
    """A copy carrying the field values only, without what the request attached to it."""
    clean = copy.copy(obj)
    names = {field.attname for field in obj._meta.concrete_fields}
    clean.__dict__ = {k: v for k, v in obj.__dict__.items() if k in names}
    clean._state = copy.copy(obj._state)
    clean._state.fields_cache = {}
    return clean


def site_cache_fill(key: str, site: Site) -> None:
    """Caches the site Wagtail found for this request (no query). Its root page is kept
    in the specific form when the request routed through it: one query less per page.
    That copy serves routing only; the root page itself is served from a fresh row
    (LearnerRouteMixin.route)."""
    root = site.root_page.__dict__.get("specific", site.root_page)
    clean_root = _fields_only(root)
    clean_root._site_cache_copy = True
    clean = _fields_only(site)
    clean.root_page = clean_root
    versioned_set(key, clean)


def site_root_paths_key() -> str:
    """Wagtail's site root paths (`Site.get_site_root_paths`, a read of its own cache per
    request) under the site version: a site save, a root page's save, any move or slug
    change starts a new one."""
    return ":".join(["lms", _version(_SITE), "site-root-paths"])


def site_root_is_specific(site: Site) -> bool:
    return type(site.root_page) is not Page


# INVALIDATION ----------------------------------------------------------------------------

# post_delete only for these models: a post_delete receiver without a sender would turn
# off Django's fast delete for every model.
_DELETE_SENDERS = (
    "wagtailcore.Page",
    "wagtailcore.Site",
    "lms.CourseCompetency",
    "lms.HomePageFeaturedCourse",
)
# View restrictions: the catalogue's cached count leaves restricted courses out.
_SAVE_SENDERS = (
    "lms.CourseCompetency",
    # The home page's featured courses (lms.selectors.public.home_page_blocks).
    "lms.HomePageFeaturedCourse",
    "competencies.Competency",
    "wagtailcore.PageViewRestriction",
)


def _on_save(sender: Any, **kwargs: Any) -> None:
    content_changed()


def _on_page_or_site_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Page subclasses send post_save with their own class as sender.
    if isinstance(instance, Site):
        content_changed(site=True)
    elif isinstance(instance, Page):
        content_changed(site=instance.depth is None or instance.depth <= 2)


def _on_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    content_changed(site=not isinstance(instance, Page) or instance.depth <= 2)


def _on_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    content_changed(site=instance.depth <= 2)


def _on_moved(sender: Any, **kwargs: Any) -> None:
    content_changed(site=True)


def _on_m2m(sender: Any, **kwargs: Any) -> None:
    from lms.models import CoursePage

    if sender is CoursePage.prerequisites.through:
        content_changed()


def _on_assessment_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from competencies.models import Employee

    recommendations_forget(
        list(Employee.objects.filter(pk=instance.employee_id).values_list("user_id", flat=True))
    )


def _on_employee_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    recommendations_forget([instance.user_id])


def _on_gaps_changed(sender: Any, **kwargs: Any) -> None:
    gaps_changed()


def connect_signals() -> None:
    """Called from LmsConfig.ready(), so in every process (web, worker, shell)."""
    post_save.connect(_on_page_or_site_saved, dispatch_uid="lms.cache.page_saved")
    for sender in _SAVE_SENDERS:
        post_save.connect(_on_save, sender=sender, dispatch_uid=f"lms.cache.saved.{sender}")
    for sender in _DELETE_SENDERS:
        post_delete.connect(_on_deleted, sender=sender, dispatch_uid=f"lms.cache.del.{sender}")
    post_delete.connect(_on_save, sender="competencies.Competency", dispatch_uid="lms.cache.del.c")
    post_delete.connect(
        _on_save, sender="wagtailcore.PageViewRestriction", dispatch_uid="lms.cache.del.pvr"
    )
    m2m_changed.connect(_on_m2m, dispatch_uid="lms.cache.m2m")
    page_published.connect(_on_published, dispatch_uid="lms.cache.page_published")
    page_unpublished.connect(_on_published, dispatch_uid="lms.cache.page_unpublished")
    post_page_move.connect(_on_moved, dispatch_uid="lms.cache.page_moved")
    # A slug change moves the URLs under it, site roots included (Wagtail's root paths).
    page_slug_changed.connect(_on_moved, dispatch_uid="lms.cache.page_slug_changed")
    # The dashboard's recommendations (lms.selectors.dashboard.recommendations_for_user).
    # Saves only for the models HR imports in bulk (a post_delete receiver would turn off
    # Django's fast delete); the imports call their hooks (COMPETENCIES_*_HOOKS).
    for signal, kind in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            _on_assessment_changed,
            sender="competencies.Assessment",
            dispatch_uid=f"lms.cache.assessment_{kind}",
        )
    post_save.connect(
        _on_employee_changed, sender="competencies.Employee", dispatch_uid="lms.cache.employee"
    )
    for sender in ("competencies.PositionRequirement", "competencies.Position"):
        post_save.connect(_on_gaps_changed, sender=sender, dispatch_uid=f"lms.cache.gaps.{sender}")
    request_cache.register(prefetch)
