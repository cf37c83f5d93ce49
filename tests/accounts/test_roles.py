from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, Group

import pytest

from accounts.roles import Role, can, has_role, user_requires_mfa, user_roles
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_migration_creates_every_role_as_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_admin_roles_may_enter_the_wagtail_admin_and_learners_may_not():
    for role in (Role.PELATIH, Role.PENGELOLA_SDM, Role.ADMINISTRATOR):
        assert UserFactory(roles=[role]).has_perm("wagtailadmin.access_admin")
    assert not UserFactory(roles=[Role.PESERTA]).has_perm("wagtailadmin.access_admin")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.PESERTA, set()),
        (Role.ATASAN, {"portal.view_team"}),
        (Role.PELATIH, {"portal.access_admin", "portal.author_courses"}),
        (Role.PENGELOLA_SDM, {"portal.access_admin", "portal.access_hr", "portal.view_team"}),
        (
            Role.ADMINISTRATOR,
            {
                "portal.access_admin",
                "portal.author_courses",
                "portal.access_hr",
                "portal.view_team",
                "portal.manage_site",
            },
        ),
    ],
)
def test_each_role_gets_exactly_its_portal_permissions(role, allowed):
    user = UserFactory(roles=[role])
    every = {
        "portal.access_admin",
        "portal.author_courses",
        "portal.access_hr",
        "portal.view_team",
        "portal.manage_site",
    }

    assert {perm for perm in every if can(user, perm)} == allowed


def test_superuser_counts_as_administrator():
    user = UserFactory(is_superuser=True)

    assert has_role(user, Role.ADMINISTRATOR)


def test_anonymous_and_inactive_users_have_no_roles():
    assert user_roles(AnonymousUser()) == frozenset()
    assert user_roles(UserFactory(roles=[Role.PENGELOLA_SDM], is_active=False)) == frozenset()


def test_roles_are_read_once_per_user_object(django_assert_num_queries):
    user = UserFactory(roles=[Role.PELATIH])
    with django_assert_num_queries(1):
        user_roles(user)
        user_roles(user)
        has_role(user, Role.PELATIH)


def test_mfa_requirement_follows_the_setting(settings):
    user = UserFactory(roles=[Role.PELATIH])
    settings.MFA_REQUIRED_ROLES = []
    assert not user_requires_mfa(user)
    settings.MFA_REQUIRED_ROLES = [Role.PELATIH]
    assert user_requires_mfa(user)


def test_admin_is_closed_to_anonymous_and_learners(client, home_page):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

    client.force_login(UserFactory(roles=[Role.PESERTA]))
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    assert not response.get("Location", "").startswith("/admin/")


def test_admin_login_pages_redirect_to_the_portal_sign_in(client):
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/accounts/login/?next=/admin/"
    assert client.get("/django-admin/login/")["Location"] == "/accounts/login/"
