from __future__ import annotations

import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

import pytest

from accounts.models import Notification, NotificationKind, NotificationPreference
from accounts.services import notification_email_send, notify, notify_many
from accounts.tasks import notification_emails_send_pending
from tests.factories.accounts import UserFactory
from tests.perf.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

PARAMS = {"course": "Pelayanan Prima", "due": "31 Desember 2026", "reason": ""}


class FailingBackend:
    """An e-mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("connection lost")


def test_notify_keeps_an_in_app_notice_and_emails_after_commit_in_the_recipients_language(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            user=user, kind=NotificationKind.ASSIGNMENT_NEW, params=PARAMS, url="/x/"
        )

    assert notification.email_status == Notification.EmailStatus.PENDING
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT
    assert mail.outbox[0].subject == "New training assignment: Pelayanan Prima"
    assert "31 Desember 2026" in mail.outbox[0].body
    assert "http://testserver/x/" in mail.outbox[0].body


def test_indonesian_recipient_gets_indonesian_mail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=UserFactory(), kind=NotificationKind.ASSIGNMENT_NEW, params=PARAMS)

    assert mail.outbox[0].subject == "Penugasan pelatihan baru: Pelayanan Prima"


def test_email_turned_off_for_a_kind_keeps_only_the_in_app_notice(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    NotificationPreference.objects.create(
        user=user, kind=NotificationKind.ASSIGNMENT_NEW, email=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=user, kind=NotificationKind.ASSIGNMENT_NEW, params=PARAMS)

    assert notification.email_status == Notification.EmailStatus.SKIPPED
    assert mail.outbox == []


def test_same_dedupe_key_notifies_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(
            user=user, kind=NotificationKind.ASSIGNMENT_DUE_7, params=PARAMS, dedupe_key="due7:1"
        )
        second = notify(
            user=user, kind=NotificationKind.ASSIGNMENT_DUE_7, params=PARAMS, dedupe_key="due7:1"
        )

    assert first is not None and second is None
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_email_task_run_twice_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        notification = notify(
            user=UserFactory(),
            kind=NotificationKind.REMINDER,
            params={"course": "X", "sender": "Budi"},
        )

    assert notification_email_send(notification_id=notification.pk) is True
    assert notification_email_send(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_mail_server_down_loses_nothing(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.accounts.test_notifications.FailingBackend"
    with django_capture_on_commit_callbacks():
        notification = notify(
            user=UserFactory(), kind=NotificationKind.ASSIGNMENT_NEW, params=PARAMS
        )

    with pytest.raises(smtplib.SMTPException):
        notification_email_send(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.PENDING  # retried later
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_emails_send_pending() == 1
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT


def test_notify_many_is_one_insert_idempotent_and_queues_one_sweep(
    django_capture_on_commit_callbacks,
):
    users = [UserFactory() for _ in range(30)]
    NotificationPreference.objects.create(
        user=users[0], kind=NotificationKind.ASSIGNMENT_NEW, email=False
    )

    with django_capture_on_commit_callbacks() as callbacks:
        created = notify_many(
            users=users, kind=NotificationKind.ASSIGNMENT_NEW, params=PARAMS, dedupe_prefix="a:9"
        )

    assert created == 30 and len(callbacks) == 1
    assert (
        notify_many(
            users=users, kind=NotificationKind.ASSIGNMENT_NEW, params=PARAMS, dedupe_prefix="a:9"
        )
        == 0
    )
    assert Notification.objects.count() == 30
    assert notification_emails_send_pending() == 29
    assert notification_emails_send_pending() == 0
    assert len(mail.outbox) == 29


def test_notify_many_query_count_does_not_grow_with_the_users():
    users = [UserFactory() for _ in range(10)]
    NotificationPreference.objects.create(
        user=users[0], kind=NotificationKind.ASSIGNMENT_NEW, email=False
    )
    prefixes = iter(range(10))

    def notify_everyone():
        created = notify_many(
            users=users,
            kind=NotificationKind.ASSIGNMENT_NEW,
            params=PARAMS,
            dedupe_prefix=f"a:{next(prefixes)}",
        )
        assert created == len(users)

    assert_constant_queries(
        notify_everyone, grow=lambda: users.extend(UserFactory() for _ in range(30)), limit=3
    )


def test_notification_centre_shows_notices_in_the_page_language_and_marks_them_read(
    client, home_page
):
    user = UserFactory()
    other = UserFactory()
    mine = notify(
        user=user, kind=NotificationKind.ASSIGNMENT_NEW, params=PARAMS, url="/kompetensi/profil/"
    )
    theirs = notify(user=other, kind=NotificationKind.ASSIGNMENT_NEW, params=PARAMS)
    client.force_login(user)

    html = client.get("/").content.decode()
    assert '<span class="badge">1' in html
    page = client.get(reverse("account_notifications")).content.decode()
    assert "Penugasan pelatihan baru: Pelayanan Prima" in page

    assert client.get(reverse("account_notification_open", args=[theirs.pk])).status_code == 404
    response = client.get(reverse("account_notification_open", args=[mine.pk]))
    assert response["Location"] == "/kompetensi/profil/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert '<span class="badge">' not in client.get("/").content.decode()


def test_mark_all_read_and_preferences(client, home_page):
    user = UserFactory()
    for i in range(3):
        notify(user=user, kind=NotificationKind.REMINDER, params={"course": str(i), "sender": "B"})
    client.force_login(user)

    client.post(reverse("account_notifications_read"))
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()

    wanted = [k for k in NotificationKind.values if k != NotificationKind.REMINDER]
    client.post(reverse("account_notification_preferences"), {"email": wanted})
    assert list(NotificationPreference.objects.filter(user=user).values_list("kind", "email")) == [
        (NotificationKind.REMINDER, False)
    ]


def test_mark_read_never_redirects_off_site(client, home_page):
    client.force_login(UserFactory())

    response = client.post(reverse("account_notifications_read"), {"next": "https://evil.example/"})

    assert response["Location"] == reverse("account_notifications")


class CountingBackend:
    """The locmem backend, counting the connections opened (one per instance)."""

    opened = 0

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        type(self).opened += 1
        self._backend = EmailBackend(*args, **kwargs)

    def open(self):
        return self._backend.open()

    def close(self):
        return self._backend.close()

    def send_messages(self, messages):
        return self._backend.send_messages(messages)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class DownBackend(BaseEmailBackend):
    """A proper backend (context manager and all) whose mail server is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("connection lost")


def test_pending_emails_go_out_in_batch_tasks_each_over_one_connection(settings, monkeypatch):
    """5,000 e-mails in one task came within a minute of its time limit: the sweep now
    queues batches, each sending over one SMTP connection."""
    from accounts import tasks

    monkeypatch.setattr(tasks, "NOTIFICATION_EMAIL_BATCH_SIZE", 2)
    settings.EMAIL_BACKEND = "tests.accounts.test_notifications.CountingBackend"
    CountingBackend.opened = 0
    notify_many(
        users=[UserFactory() for _ in range(5)],
        kind=NotificationKind.ASSIGNMENT_NEW,
        params=PARAMS,
        dedupe_prefix="a:10",
    )
    CountingBackend.opened = 0

    assert notification_emails_send_pending() == 5

    assert len(mail.outbox) == 5
    assert CountingBackend.opened == 3  # batches of 2, 2 and 1
    assert notification_emails_send_pending() == 0
    assert len(mail.outbox) == 5


def test_the_email_batch_task_run_twice_sends_each_email_once():
    from accounts.tasks import notification_emails_send_batch

    notify_many(
        users=[UserFactory() for _ in range(3)],
        kind=NotificationKind.ASSIGNMENT_NEW,
        params=PARAMS,
        dedupe_prefix="a:11",
    )
    ids = list(Notification.objects.values_list("pk", flat=True))

    assert notification_emails_send_batch(ids) == 3
    assert notification_emails_send_batch(ids) == 0
    assert len(mail.outbox) == 3


def test_a_sweep_does_not_queue_again_what_an_earlier_sweep_queued(
    settings, django_capture_on_commit_callbacks
):
    """Beat runs the sweep every minute; batches still waiting in the queue (a slow mail
    server) are not queued a second time until their lease has passed."""
    from config.celery import app

    notify_many(
        users=[UserFactory() for _ in range(3)],
        kind=NotificationKind.ASSIGNMENT_NEW,
        params=PARAMS,
        dedupe_prefix="a:12",
    )
    settings.EMAIL_BACKEND = "tests.accounts.test_notifications.DownBackend"
    app.conf.task_eager_propagates = False  # the failing batch stays queued (retrying)
    try:
        first = notification_emails_send_pending()
        second = notification_emails_send_pending()
    finally:
        app.conf.task_eager_propagates = True

    assert (first, second) == (3, 0)
    assert Notification.objects.filter(email_status=Notification.EmailStatus.PENDING).count() == 3
