"""The signed-in user's permission reads are kept across requests (accounts/cache.py,
"PERMISSIONS"); every change that could take a permission away counts on the very next
request. Each test warms the kept entry with two requests first (and checks that the
second read no permission table), then changes one thing and asks again."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

import pytest

from accounts.models import User
from accounts.roles import Role
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

GAP_HEATMAP = "/admin/kompetensi/kesenjangan/"
PERMISSION_TABLES = (
    'FROM "auth_permission"',
    'FROM "auth_group" INNER JOIN "accounts_user_groups"',
    '"wagtailcore_grouppagepermission"',
    '"wagtailcore_groupcollectionpermission"',
    '"wagtailcore_groupsitepermission"',
)


def _warm(client: Client, url: str) -> None:
    """Two requests: the first keeps the reads, the second is served them."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    read = [
        q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in PERMISSION_TABLES)
    ]
    assert read == [], read


def _denied(client: Client, url: str) -> bool:
    return client.get(url).status_code in (302, 403)


@pytest.fixture
def hr(home_page) -> User:
    return UserFactory(roles=[Role.PENGELOLA_SDM])


@pytest.fixture
def hr_client(hr) -> Client:
    client = Client()
    client.force_login(hr)
    _warm(client, GAP_HEATMAP)
    return client


def test_removing_the_user_from_the_role_group_counts_on_the_next_request(hr, hr_client):
    hr.groups.remove(Group.objects.get(name=Role.PENGELOLA_SDM))
    assert _denied(hr_client, GAP_HEATMAP)


def test_removing_the_user_from_the_group_side_counts_on_the_next_request(hr, hr_client):
    Group.objects.get(name=Role.PENGELOLA_SDM).user_set.remove(hr)
    assert _denied(hr_client, GAP_HEATMAP)


def test_clearing_the_users_groups_counts_on_the_next_request(hr, hr_client):
    hr.groups.clear()
    assert _denied(hr_client, GAP_HEATMAP)


def test_deleting_the_group_counts_on_the_next_request(hr_client):
    Group.objects.get(name=Role.PENGELOLA_SDM).delete()
    assert _denied(hr_client, GAP_HEATMAP)


def test_a_group_losing_admin_access_counts_on_the_next_request(hr_client):
    group = Group.objects.get(name=Role.PENGELOLA_SDM)
    group.permissions.remove(Permission.objects.get(codename="access_admin"))
    assert _denied(hr_client, GAP_HEATMAP)


def test_a_deleted_permission_counts_on_the_next_request(hr_client):
    Permission.objects.filter(codename="access_admin").delete()
    assert _denied(hr_client, GAP_HEATMAP)


def test_a_removed_user_permission_counts_on_the_next_request(home_page):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(user)
    _warm(client, reverse("wagtailadmin_home"))
    user.user_permissions.clear()
    assert _denied(client, reverse("wagtailadmin_home"))


def test_deactivating_the_account_by_a_raw_update_counts_on_the_next_request(hr, hr_client):
    User.objects.filter(pk=hr.pk).update(is_active=False)
    assert _denied(hr_client, GAP_HEATMAP)


def test_removing_superuser_by_a_raw_update_counts_on_the_next_request(home_page):
    admin = UserFactory(is_superuser=True)
    client = Client()
    client.force_login(admin)
    users = reverse("wagtailusers_users:index")
    _warm(client, users)
    User.objects.filter(pk=admin.pk).update(is_superuser=False)
    assert _denied(client, users)


def _editor(home_page) -> tuple[User, Group, Client]:
    """A user whose only admin rights come from a group with admin access plus page and
    collection permissions given below."""
    group = Group.objects.create(name="Penyunting uji")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user = UserFactory()
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return user, group, client


def test_a_deleted_page_permission_counts_on_the_next_request(home_page):
    _user, group, client = _editor(home_page)
    GroupPagePermission.objects.create(
        group=group, page=home_page, permission=Permission.objects.get(codename="change_page")
    )
    edit = reverse("wagtailadmin_pages:edit", args=[home_page.pk])
    _warm(client, edit)
    GroupPagePermission.objects.filter(group=group).delete()
    assert _denied(client, edit)


def test_a_deleted_collection_permission_counts_on_the_next_request(home_page):
    _user, group, client = _editor(home_page)
    GroupCollectionPermission.objects.create(
        group=group,
        collection=Collection.get_first_root_node(),
        permission=Permission.objects.get(codename="add_image"),
    )
    images = reverse("wagtailimages:index")
    _warm(client, images)
    GroupCollectionPermission.objects.filter(group=group).delete()
    assert _denied(client, images)


def test_a_kept_entry_is_never_served_to_another_user(hr, hr_client, home_page):
    learner = UserFactory(roles=[Role.PESERTA])
    client = Client()
    client.force_login(learner)
    assert _denied(client, GAP_HEATMAP)
    assert hr_client.get(GAP_HEATMAP).status_code == 200


def test_moving_a_page_or_a_collection_changes_the_permissions_version(home_page):
    """A kept page or collection permission holds its page's or collection's path: a move
    must make it read afresh (Wagtail's collection edit saves and moves in one
    transaction, so the bump after commit follows the move)."""
    from wagtail.models import Page

    from accounts.cache import PERMISSIONS_VERSION
    from config import request_cache

    first = home_page.add_child(instance=Page(title="Satu", slug="satu"))
    second = home_page.add_child(instance=Page(title="Dua", slug="dua"))
    before = request_cache.version(PERMISSIONS_VERSION)
    first.move(second, pos="last-child")
    after_page = request_cache.version(PERMISSIONS_VERSION)
    assert after_page != before
    Collection.get_first_root_node().add_child(name="Foto")
    assert request_cache.version(PERMISSIONS_VERSION) != after_page
