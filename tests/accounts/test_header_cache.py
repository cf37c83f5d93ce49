"""The page header's unread count and role-based navigation are cached per user across
requests (accounts/cache.py) and change on the next page after any write."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from accounts.models import Notification, NotificationKind
from accounts.roles import Role
from accounts.services import notification_mark_read, notify, notify_many
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

PARAMS = {"course": "Pelayanan Prima", "due": "31 Desember 2026", "reason": ""}


def _unread(client) -> int:
    return client.get(reverse("competencies:profile")).context["unread_notifications"]


def _kind() -> str:
    return NotificationKind.values[0]


def test_the_header_reads_no_roles_or_notifications_once_cached(client, home_page):
    client.force_login(UserFactory(roles=[Role.PESERTA]))
    client.get("/")

    with CaptureQueriesContext(connection) as queries:
        client.get("/")

    sql = " ".join(q["sql"] for q in queries)
    assert "accounts_notification" not in sql
    assert "auth_group" not in sql


def test_a_new_notification_changes_the_count_on_the_next_page(client, home_page):
    user = UserFactory()
    client.force_login(user)
    assert _unread(client) == 0

    notify(user=user, kind=_kind(), params=PARAMS)
    assert _unread(client) == 1

    notify_many(users=[user], kind=_kind(), params=PARAMS, dedupe_prefix="batch")
    assert _unread(client) == 2


def test_marking_read_changes_the_count_on_the_next_page(client, home_page):
    user = UserFactory()
    notify(user=user, kind=_kind(), params=PARAMS)
    notify(user=user, kind=_kind(), params=PARAMS)
    client.force_login(user)
    assert _unread(client) == 2

    first = Notification.objects.filter(user=user).order_by("pk").first()
    notification_mark_read(user=user, notification_ids=[first.pk])
    assert _unread(client) == 1

    notification_mark_read(user=user)
    assert _unread(client) == 0


def test_counts_are_never_shared_between_people(client, home_page):
    alice, budi = UserFactory(), UserFactory()
    notify(user=alice, kind=_kind(), params=PARAMS)
    client.force_login(alice)
    assert _unread(client) == 1

    client.force_login(budi)
    assert _unread(client) == 0
    client.force_login(alice)
    assert _unread(client) == 1


def test_a_role_change_shows_in_the_navigation_on_the_next_page(client, home_page):
    user = UserFactory(roles=[Role.PESERTA])
    client.force_login(user)
    admin_url = reverse("wagtailadmin_home")

    def nav_urls():
        return [item["url"] for item in client.get("/").context["nav_items"]]

    assert admin_url not in nav_urls()

    user.groups.add(Group.objects.get(name=Role.PENGELOLA_SDM))
    assert admin_url in nav_urls()

    Group.objects.get(name=Role.PENGELOLA_SDM).user_set.remove(user)
    assert admin_url not in nav_urls()


def test_roles_are_never_shared_between_people(client, home_page):
    hr, learner = UserFactory(roles=[Role.PENGELOLA_SDM]), UserFactory(roles=[Role.PESERTA])
    admin_url = reverse("wagtailadmin_home")
    client.force_login(hr)
    assert admin_url in [i["url"] for i in client.get("/").context["nav_items"]]

    client.force_login(learner)
    assert admin_url not in [i["url"] for i in client.get("/").context["nav_items"]]
