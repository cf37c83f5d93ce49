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
(config/request_cache.py, `prefetch`)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db.models.signals import m2m_changed, post_save, pre_delete

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
    using `user_roles` (read once per request)."""
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


def prefetch(request: Any, user_id: int | None) -> list[str]:
    """The header's keys of the signed-in user (config/request_cache.py)."""
    return [] if user_id is None else [_roles_key(user_id), _unread_key(user_id)]


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
    request_cache.register(prefetch)
