"""Invitations are owed durably (User.invitation_sweep_at) until sent: a lost on-commit
task, a database restart or a broker outage leaves the mark, and the periodic sweep
(accounts.tasks.user_invitations_sweep) sends each owed invitation exactly once."""

from __future__ import annotations

import datetime

from django.core import mail
from django.db import OperationalError, connection
from django.utils import timezone

import pytest

from accounts import tasks
from accounts.models import User
from accounts.services import user_create, user_invitation_send
from competencies.imports.employees import employees_import
from tests.competencies.imports.files import csv_bytes
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _overdue(*users: User) -> None:
    """The on-commit task had its minute (the sweep leaves fresh requests to it)."""
    User.objects.filter(pk__in=[u.pk for u in users]).update(
        invitation_sweep_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def _lost_invitations(count: int, django_capture_on_commit_callbacks) -> list[User]:
    """Accounts whose on-commit invitation task never ran (broker down, worker lost)."""
    with django_capture_on_commit_callbacks():  # callbacks captured, never run
        users = [user_create(email=f"baru{i}@uji.example") for i in range(count)]
    return users


def test_a_new_account_owes_its_invitation_until_it_is_sent(django_capture_on_commit_callbacks):
    (user,) = _lost_invitations(1, django_capture_on_commit_callbacks)
    user.refresh_from_db()
    assert user.invitation_sweep_at is not None

    assert user_invitation_send(user_id=user.pk, requested_at=timezone.now()) is True

    user.refresh_from_db()
    assert user.invitation_sweep_at is None
    assert user.invitation_sent_at is not None


def test_the_sweep_sends_every_owed_invitation_exactly_once_when_run_twice(
    django_capture_on_commit_callbacks,
):
    owed = _lost_invitations(3, django_capture_on_commit_callbacks)
    _overdue(*owed)
    not_owed = UserFactory()  # has a password, was never invited
    User.objects.filter(pk=not_owed.pk).update(password="!unusable")

    assert tasks.user_invitations_sweep() == 3
    assert tasks.user_invitations_sweep() == 0

    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in owed)
    assert not User.objects.filter(invitation_sweep_at__isnull=False).exists()


def test_the_sweep_leaves_a_fresh_request_to_its_on_commit_task(
    django_capture_on_commit_callbacks,
):
    _lost_invitations(1, django_capture_on_commit_callbacks)

    assert tasks.user_invitations_sweep() == 0
    assert mail.outbox == []


def test_the_on_commit_task_arriving_after_the_sweep_sends_nothing(
    django_capture_on_commit_callbacks,
):
    requested_at = timezone.now().isoformat()
    (user,) = _lost_invitations(1, django_capture_on_commit_callbacks)
    _overdue(user)
    tasks.user_invitations_sweep()

    assert tasks.user_invitation_send(user.pk, requested_at) is False
    assert tasks.user_invitations_send_batch([user.pk], requested_at) == 0
    assert len(mail.outbox) == 1


def test_a_sweep_batch_sends_nothing_once_the_on_commit_task_sent_it(
    django_capture_on_commit_callbacks,
):
    """The race: the sweep read the mark while the on-commit task was sending (the mark
    cleared only at its commit); the sweep's batch, queued with a later time, finds the
    invitation sent and sends nothing."""
    requested_at = timezone.now().isoformat()
    (user,) = _lost_invitations(1, django_capture_on_commit_callbacks)
    assert tasks.user_invitation_send(user.pk, requested_at) is True  # the on-commit task

    later = (timezone.now() + datetime.timedelta(seconds=5)).isoformat()
    assert tasks.user_invitations_send_batch([user.pk], later, True) == 0
    assert len(mail.outbox) == 1


def test_an_account_that_no_longer_needs_the_invitation_is_no_longer_owed(
    django_capture_on_commit_callbacks,
):
    with_password, inactive = _lost_invitations(2, django_capture_on_commit_callbacks)
    with_password.set_password("Rahasia-Sekali-123")
    with_password.save()
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    _overdue(with_password, inactive)

    tasks.user_invitations_sweep()

    assert mail.outbox == []
    assert not User.objects.filter(invitation_sweep_at__isnull=False).exists()


def test_an_employee_import_marks_each_new_account_owed(django_capture_on_commit_callbacks):
    rows = [["199203152019032001", "Rina", "rina@bontang.example"]]
    with django_capture_on_commit_callbacks():  # the batch task is lost
        report = employees_import(
            data=csv_bytes(["nip", "nama", "email"], rows),
            filename="pegawai.csv",
            actor=None,
            dry_run=False,
        )
    assert report.ok
    user = User.objects.get(email="rina@bontang.example")
    assert user.invitation_sweep_at is not None
    _overdue(user)

    assert tasks.user_invitations_sweep() == 1
    assert [m.to for m in mail.outbox] == [["rina@bontang.example"]]


def test_the_batch_task_retries_a_database_error_and_then_sends(
    django_capture_on_commit_callbacks,
):
    """The database restarting under the batch (the fault run lost 3,212 invitations)."""
    (user,) = _lost_invitations(1, django_capture_on_commit_callbacks)
    failures = []

    def first_query_fails(execute, sql, params, many, context):
        if not failures:
            failures.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(first_query_fails):
        # throw=False: Celery runs the eager retry itself instead of raising Retry.
        result = tasks.user_invitations_send_batch.apply(
            args=([user.pk], timezone.now().isoformat()), throw=False
        )

    assert failures
    assert (result.state, result.result) == ("SUCCESS", 1)
    assert [m.to for m in mail.outbox] == [[user.email]]
