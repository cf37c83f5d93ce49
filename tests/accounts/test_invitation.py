from __future__ import annotations

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create, user_invitation_send
from tests.accounts.test_password_reset import NEW_PASSWORD, _link_from, _set_password_through

pytestmark = pytest.mark.django_db


def test_user_create_queues_the_invitation_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        user_create(email="Baru@Uji.example", first_name="Baru", roles=[Role.PESERTA])

    # The invitation, besides the permissions version's second bump (the roles were set)
    invitation = [c for c in callbacks if c.__module__ != "config.request_cache"]
    assert len(invitation) == 1
    assert mail.outbox == []
    user = User.objects.get(email="baru@uji.example")
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [Role.PESERTA]


def test_invitation_link_lets_the_person_set_a_password_and_sign_in(
    client, home_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = user_create(email="baru@uji.example", nip="199203152019032001")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["baru@uji.example"]
    assert "Akun Anda" in message.subject
    _set_password_through(client, _link_from(message))
    client.logout()
    client.post(reverse("account_login"), {"login": "199203152019032001", "password": NEW_PASSWORD})
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_invitation_in_the_persons_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_create(email="guest@uji.example", preferred_language="en")

    assert "Your account" in mail.outbox[0].subject


def test_invitation_task_run_twice_sends_one_email(django_capture_on_commit_callbacks):
    requested_at = timezone.now()
    with django_capture_on_commit_callbacks():
        user = user_create(email="baru@uji.example")

    first = user_invitation_send(user_id=user.pk, requested_at=requested_at)
    second = user_invitation_send(user_id=user.pk, requested_at=requested_at)

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


def test_invitation_is_not_sent_to_someone_who_already_has_a_password(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks():
        user = user_create(email="baru@uji.example")
    user.set_password(NEW_PASSWORD)
    user.save()

    assert user_invitation_send(user_id=user.pk, requested_at=timezone.now()) is False
    assert mail.outbox == []


def test_invitation_for_a_deleted_user_does_nothing():
    assert user_invitation_send(user_id=987654, requested_at=timezone.now()) is False
