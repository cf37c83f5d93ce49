"""Per-user values the page header shows on every page (the unread-notifications count
and the role names behind the navigation), cached across requests in Django's cache.

Keys carry the user's id, so one person's values are never served to another. The
unread count is forgotten by the notification services (`notify`, `notify_many`,
`notification_mark_read`); roles by a change of the user's groups, of a group they are
in, or of the user. A value is forgotten at once and again when the request or Celery
task ends, after its transactions committed: a request reading between the write and
the commit cannot keep the old value. (Not through `on_commit`, which would add a
callback to every service that notifies.) The timeouts bound what a write that bypasses
these hooks (a raw insert) can leave behind.

Both keys of the signed-in user are read in the request's one prefetch round trip
(config/request_cache.py, `prefetch`).

The signed-in user's **permission reads** (Django's user and group permissions, the roles,
Wagtail's page, collection and site permissions: what each caches on the user object for
one request) are kept across requests too, under a stamp of the permissions version and
the user's active and superuser flags (`permissions_attach`, `permissions_keep`, called
by accounts.middleware.PermissionCacheMiddleware). The version changes at once and again
after commit on every write that could change anyone's permissions (`_on_permissions_
changed`), so a removed group or permission counts from the very next request; the
flags are compared with the user row read on every request, so even a raw UPDATE of
them counts. See docs/security.md "Permission cache"."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db.models import Model, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from celery.signals import task_postrun, task_prerun

from accounts import roles
from config import request_cache

if TYPE_CHECKING:
    from accounts.models import User

UNREAD_TIMEOUT = 5 * 60
ROLES_TIMEOUT = 5 * 60

_pending = threading.local()


def _forget(keys: list[str]) -> None:
    if not keys:
        return
    cache.delete_many(keys)
    request_cache.discard(keys)
    if not hasattr(_pending, "keys"):
        _pending.keys = set()
    _pending.keys.update(keys)


def _forget_pending(**kwargs: Any) -> None:
    keys = getattr(_pending, "keys", None)
    if keys:
        _pending.keys = set()
        cache.delete_many(list(keys))


# UNREAD NOTIFICATIONS --------------------------------------------------------------------


def _unread_key(user_id: int) -> str:
    return f"accounts:unread:{user_id}"


def unread_count(user: User) -> int:
    from accounts.models import Notification

    key = _unread_key(user.pk)
    count = request_cache.get(key)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_TIMEOUT)
        request_cache.remember(key, count)
    return count


def unread_count_forget(user_ids: Iterable[int]) -> None:
    _forget([_unread_key(user_id) for user_id in set(user_ids)])


# ROLES -----------------------------------------------------------------------------------


def _roles_key(user_id: int) -> str:
    return f"accounts:roles:{user_id}"


def nav_roles(user: User) -> frozenset[str]:
    """`user_roles` for the navigation, cached across requests. Permission checks keep
    using `user_roles` (read once per request, or kept with the permission reads below
    under the permissions version)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, roles._CACHE_ATTR, None)  # already read in this request
    if cached is not None:
        return cached
    key = _roles_key(user.pk)
    names = request_cache.get(key)
    if names is None:
        names = roles.user_roles(user)
        cache.set(key, names, ROLES_TIMEOUT)
        request_cache.remember(key, names)
    return names


def nav_roles_forget(user_ids: Iterable[int]) -> None:
    _forget([_roles_key(user_id) for user_id in set(user_ids)])


def _members(group: Group) -> list[int]:
    return list(group.user_set.values_list("pk", flat=True))


def _on_groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    from accounts.models import User

    if sender is not User.groups.through:
        return
    if not reverse:  # user.groups.add/remove/set/clear
        nav_roles_forget([instance.pk])
    elif action == "pre_clear":  # group.user_set.clear(): who is in it before
        nav_roles_forget(_members(instance))
    elif pk_set:  # group.user_set.add/remove
        nav_roles_forget(pk_set)


def _on_user_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return  # nothing cached yet for a new account; signing in changes no role
    nav_roles_forget([instance.pk])  # superuser and active flags count as roles


def _on_group_changed(sender: Any, instance: Group, **kwargs: Any) -> None:
    if not kwargs.get("created"):
        nav_roles_forget(_members(instance))


# PERMISSIONS -----------------------------------------------------------------------------

PERMISSIONS_VERSION = "accounts:permissions-version"
# Signals change the version; the timeout only bounds the size of what is kept.
PERMISSIONS_TIMEOUT = 60 * 60

# What Django's ModelBackend, accounts/roles.py and Wagtail's permission policies keep on
# the user object for one request, each filled by its owner on first use.
PERMISSION_ATTRS = (
    "_perm_cache",
    "_user_perm_cache",
    "_group_perm_cache",
    roles._CACHE_ATTR,
    "_page_permission_cache",
    "_collection_permission_cache",
    "_site_permission_cache",
)


def _permissions_key(user_id: int) -> str:
    return f"accounts:permissions:{user_id}"


def _permissions_stamp(user: User) -> tuple:
    """What a user's kept permission reads must have been read under."""
    return (
        request_cache.version(PERMISSIONS_VERSION),
        user.pk,
        user.is_active,
        user.is_superuser,
    )


def permissions_attach(user: User) -> tuple[tuple, frozenset[str]]:
    """Sets on `user` the permission reads kept under the current stamp (so the checks of
    this request read no permission table); returns the stamp and the names set, for
    `permissions_keep` at the end of the request."""
    stamp = _permissions_stamp(user)
    entry = request_cache.get(_permissions_key(user.pk))
    if entry is None or entry[0] != stamp:
        return stamp, frozenset()
    for name, value in entry[1].items():
        setattr(user, name, value)
    return stamp, frozenset(entry[1])


def permissions_keep(user: User, stamp: tuple, attached: frozenset[str]) -> None:
    """Keeps the permission reads this request made (with those it was given) under the
    stamp taken when it started: a change committed meanwhile has changed the version,
    so what is kept here is never served under it."""
    values = {name: getattr(user, name) for name in PERMISSION_ATTRS if hasattr(user, name)}
    if not values or set(values) <= attached:
        return
    for name, value in values.items():
        if isinstance(value, QuerySet):  # Wagtail's policies only iterate them
            values[name] = list(value)
    key = _permissions_key(user.pk)
    cache.set(key, (stamp, values), PERMISSIONS_TIMEOUT)
    request_cache.remember(key, (stamp, values))


def permissions_changed() -> None:
    """Everyone's kept permission reads are read afresh (at once and after commit)."""
    request_cache.bump(PERMISSIONS_VERSION)


def _on_permissions_changed(sender: Any, **kwargs: Any) -> None:
    permissions_changed()


def _on_permission_m2m_changed(sender: Any, action: str, **kwargs: Any) -> None:
    from accounts.models import User

    watched = (User.groups.through, User.user_permissions.through, Group.permissions.through)
    if sender in watched and action.startswith("post_"):
        permissions_changed()


def _permission_models() -> list[type[Model]]:
    """The rows behind the permission reads above (page and collection paths included:
    a moved page or collection changes what a kept page or collection permission
    covers)."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import (
        Collection,
        GroupCollectionPermission,
        GroupPagePermission,
        GroupSitePermission,
    )

    return [
        Group,
        Permission,
        ContentType,  # a permission's name is its content type's app label and its codename
        GroupPagePermission,
        GroupCollectionPermission,
        GroupSitePermission,
        Collection,
    ]


def prefetch(request: Any, user_id: int | None) -> list[str]:
    """The header's keys and the kept permission reads of the signed-in user, and the
    permissions version (config/request_cache.py)."""
    if user_id is None:
        return []
    return [
        _roles_key(user_id),
        _unread_key(user_id),
        PERMISSIONS_VERSION,
        _permissions_key(user_id),
    ]


def connect_signals() -> None:
    """Called from AccountsConfig.ready(), so in every process (web, worker, shell)."""
    # At the start too: what a script or test forgot outside any request is settled
    # before the next request caches afresh, and never deletes what that request cached.
    request_started.connect(_forget_pending, dispatch_uid="accounts.cache.request_started")
    request_finished.connect(_forget_pending, dispatch_uid="accounts.cache.request_finished")
    task_prerun.connect(_forget_pending, dispatch_uid="accounts.cache.task_prerun", weak=False)
    task_postrun.connect(_forget_pending, dispatch_uid="accounts.cache.task_postrun", weak=False)
    m2m_changed.connect(_on_groups_changed, dispatch_uid="accounts.cache.groups")
    post_save.connect(
        _on_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.cache.u"
    )
    post_save.connect(_on_group_changed, sender=Group, dispatch_uid="accounts.cache.group_saved")
    pre_delete.connect(_on_group_changed, sender=Group, dispatch_uid="accounts.cache.group_deleted")
    m2m_changed.connect(_on_permission_m2m_changed, dispatch_uid="accounts.cache.perms_m2m")
    for model in _permission_models():
        label = model._meta.label_lower
        post_save.connect(
            _on_permissions_changed, sender=model, dispatch_uid=f"accounts.cache.saved.{label}"
        )
        post_delete.connect(
            _on_permissions_changed, sender=model, dispatch_uid=f"accounts.cache.deleted.{label}"
        )
    from wagtail.signals import post_page_move

    post_page_move.connect(_on_permissions_changed, dispatch_uid="accounts.cache.page_moved")
    request_cache.register(prefetch)
