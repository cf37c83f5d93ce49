from __future__ import annotations

from django.core import mail
from django.utils import timezone

import pytest

from accounts import tasks
from accounts.models import User
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _invitees(count: int) -> list[int]:
    users = UserFactory.create_batch(count)
    User.objects.filter(pk__in=[u.pk for u in users]).update(password="!unusable")
    return [u.pk for u in users]


def test_the_batch_task_invites_each_account_once_even_when_run_twice():
    user_ids = _invitees(3)
    requested_at = timezone.now().isoformat()

    first = tasks.user_invitations_send_batch(user_ids, requested_at)
    second = tasks.user_invitations_send_batch(user_ids, requested_at)

    assert (first, second) == (3, 0)
    assert len(mail.outbox) == 3


def test_a_large_batch_is_split_into_smaller_tasks(monkeypatch):
    monkeypatch.setattr(tasks, "INVITATION_BATCH_SIZE", 2)
    user_ids = _invitees(5)

    tasks.user_invitations_send_batch(user_ids, timezone.now().isoformat())

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        User.objects.filter(pk__in=user_ids).values_list("email", flat=True)
    )
