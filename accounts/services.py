"""Writes for accounts: creating people and inviting them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str

from accounts.cache import unread_count_forget
from accounts.models import Notification, NotificationKind, NotificationPreference, User
from config.celery import enqueue_on_commit
from config.links import portal_url
from config.sql import execute_binary


@transaction.atomic
def user_create(
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    nip: str | None = None,
    roles: Iterable[str] = (),
    preferred_language: str = "id",
    password: str | None = None,
    invite: bool = True,
) -> User:
    """Creates an account the way HR does: the e-mail counts as verified (HR vouches for
    the official address) and, unless a password is given, an invitation with a
    set-password link is queued after commit."""
    user = User(
        email=email,
        first_name=first_name,
        last_name=last_name,
        nip=nip or None,
        preferred_language=preferred_language,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    if roles:
        user.groups.set(Group.objects.filter(name__in=list(roles)))
    if invite and not password:
        user_invitation_queue(user=user)
    return user


# The on-commit task gets this long before the sweep sends an owed invitation itself, and
# an invitation the sweep queued is not queued again before this lease ends.
INVITATION_SWEEP_GRACE = datetime.timedelta(minutes=1)
INVITATION_SWEEP_LEASE = datetime.timedelta(minutes=5)


def user_invitation_queue(*, user: User) -> None:
    """Marks the invitation owed (in the caller's transaction, so the mark is as durable
    as the account) and queues the e-mail once the transaction commits; if that task is
    lost, user_invitations_sweep sends it."""
    from accounts.tasks import user_invitation_send as user_invitation_send_task

    now = timezone.now()
    user.invitation_sweep_at = now + INVITATION_SWEEP_GRACE
    User.objects.filter(pk=user.pk).update(invitation_sweep_at=user.invitation_sweep_at)
    enqueue_on_commit(user_invitation_send_task, user.pk, now.isoformat())


def user_invitations_owed_ids(*, limit: int) -> list[int]:
    """The accounts whose invitation is owed and due for the sweep, oldest first (the
    partial index accounts_user_invite_owed: cheap when nothing is owed)."""
    return list(
        User.objects.filter(invitation_sweep_at__lte=timezone.now())
        .order_by("invitation_sweep_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def user_invitations_lease(*, user_ids: list[int]) -> None:
    """The sweep queued these: the next sweep leaves them alone until the lease ends
    (the mark stays, so a batch lost again is picked up after it)."""
    User.objects.filter(pk__in=user_ids, invitation_sweep_at__isnull=False).update(
        invitation_sweep_at=timezone.now() + INVITATION_SWEEP_LEASE
    )


def user_invitation_failed(*, user_id: int) -> None:
    """The mail server refused the invitation for good (the address does not exist): it
    is no longer owed, so the sweep stops building its batches around it. Nothing is
    recorded as sent; an administrator can invite the account again."""
    User.objects.filter(pk=user_id, invitation_sweep_at__isnull=False).update(
        invitation_sweep_at=None
    )


def _set_password_url(user: User) -> str:
    token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    return portal_url(path)


def user_invitation_send(
    *,
    user_id: int,
    requested_at: datetime.datetime,
    email_connection: Any = None,
    owed_only: bool = False,
) -> bool:
    """Sends the invitation. Safe to run twice: a delivery of the same request after the
    e-mail went out, an account that already has a password, or a deleted or inactive
    account sends nothing. The owed mark (invitation_sweep_at) is cleared in the same
    transaction as the send is recorded, so the sweep never sends it again. Returns
    whether an e-mail was sent. `email_connection`: one connection for a whole batch.
    `owed_only` (the sweep's batches): send only while the mark is set, since the sweep
    may have read the mark just before the on-commit task, mid-send, cleared it."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            return False
        owed = user.invitation_sweep_at is not None
        if not user.is_active or user.has_usable_password():
            if owed:  # no longer needed
                user.invitation_sweep_at = None
                user.save(update_fields=["invitation_sweep_at"])
            return False
        if not owed and (
            owed_only or (user.invitation_sent_at and user.invitation_sent_at >= requested_at)
        ):
            return False
        user.invitation_sent_at = timezone.now()
        user.invitation_sweep_at = None
        user.save(update_fields=["invitation_sent_at", "invitation_sweep_at"])
        # The e-mail goes out inside the lock so that a racing duplicate waits and
        # then finds invitation_sent_at set; a failed send rolls the mark back.
        context = {
            "user": user,
            "set_password_url": _set_password_url(user),
            "site_name": settings.WAGTAIL_SITE_NAME,
            "timeout_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        }
        with translation.override(user.preferred_language):
            subject = render_to_string("account/email/invitation_subject.txt", context)
            body = render_to_string("account/email/invitation_message.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=body,
            to=[user.email],
            connection=email_connection,
        )
        message.send()
    return True


# NOTIFICATIONS ---------------------------------------------------------------------------


def _email_enabled(user_ids: list[int], kind: str) -> set[int]:
    off = set(
        NotificationPreference.objects.filter(
            user_id__in=user_ids, kind=kind, email=False
        ).values_list("user_id", flat=True)
    )
    return set(user_ids) - off


def notify(
    *,
    user: User,
    kind: str,
    params: dict | None = None,
    url: str = "",
    dedupe_key: str | None = None,
) -> Notification | None:
    """Creates an in-app notice (always) and, unless the person turned e-mail off for this
    kind, queues its e-mail after commit. With a `dedupe_key` a second call does nothing
    and returns None, so scheduled reminders can run twice safely."""
    email = user.pk in _email_enabled([user.pk], kind) and user.is_active
    notification = Notification(
        user=user,
        kind=kind,
        params=params or {},
        url=url,
        dedupe_key=dedupe_key,
        email_status=Notification.EmailStatus.PENDING
        if email
        else Notification.EmailStatus.SKIPPED,
    )
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        # The dedupe key is unique: sent before, or by a racing call. No look-up first,
        # since the second call is the rare one and the insert decides anyway.
        return None
    unread_count_forget([user.pk])
    if email:
        from accounts.tasks import notification_email_send as notification_email_send_task

        enqueue_on_commit(notification_email_send_task, notification.pk)
    return notification


def notify_many(
    *,
    users: Iterable[User] = (),
    user_ids: Iterable[int] = (),
    kind: str,
    params: dict | None = None,
    url: str = "",
    dedupe_prefix: str,
) -> int:
    """The same notice to many people (`users`, or just their `user_ids`) in one insert
    (e.g. an assignment to 10,000 employees). Each gets the key `<dedupe_prefix>:<user id>`,
    so repeating the call, or a concurrent one, adds nothing. E-mails are not sent inline:
    one sweep task sends the pending ones after commit. Returns how many notices were new.

    On PostgreSQL one `INSERT … SELECT … ON CONFLICT DO NOTHING` over the ids (active
    account and e-mail preference read in the same statement), so no model instance is
    built per person."""
    users = list(users)
    user_ids = list(user_ids)
    if connection.vendor == "postgresql":
        fresh_user_ids, pending = _notifications_insert(
            user_ids=list(dict.fromkeys([*user_ids, *(u.pk for u in users)])),
            kind=kind,
            params=params or {},
            url=url,
            dedupe_prefix=dedupe_prefix,
        )
    else:
        by_pk = {u.pk: u for u in users}
        missing = [pk for pk in user_ids if pk not in by_pk]
        if missing:
            by_pk.update(
                (u.pk, u) for u in User.objects.filter(pk__in=missing).only("pk", "is_active")
            )
        people = list(by_pk.values())
        keys = {u.pk: f"{dedupe_prefix}:{u.pk}" for u in people}
        existing = set(
            Notification.objects.filter(dedupe_key__in=keys.values()).values_list(
                "dedupe_key", flat=True
            )
        )
        email = _email_enabled([u.pk for u in people], kind)
        fresh = [
            Notification(
                user=u,
                kind=kind,
                params=params or {},
                url=url,
                dedupe_key=keys[u.pk],
                email_status=(
                    Notification.EmailStatus.PENDING
                    if u.pk in email and u.is_active
                    else Notification.EmailStatus.SKIPPED
                ),
            )
            for u in people
            if keys[u.pk] not in existing
        ]
        Notification.objects.bulk_create(fresh, batch_size=2000, ignore_conflicts=True)
        fresh_user_ids = [n.user_id for n in fresh]
        pending = any(n.email_status == Notification.EmailStatus.PENDING for n in fresh)
    # Only the people with a new notice have a new unread count.
    unread_count_forget(fresh_user_ids)
    if pending:
        from accounts.tasks import notification_emails_send_pending as sweep_task

        enqueue_on_commit(sweep_task)
    return len(fresh_user_ids)


def _notifications_insert(
    *, user_ids: list[int], kind: str, params: dict, url: str, dedupe_prefix: str
) -> tuple[list[int], bool]:
    """notify_many's single statement on PostgreSQL. Returns (the users who got a new
    notice, whether any of those has an e-mail pending)."""
    if not user_ids:
        return [], False
    quote = connection.ops.quote_name
    notification = Notification._meta
    column = {f.attname: quote(str(f.column)) for f in notification.concrete_fields}
    user_table = quote(User._meta.db_table)
    is_active = quote(str(User._meta.get_field("is_active").column))
    uid = "u." + quote(str(User._meta.pk.column))
    preference = NotificationPreference._meta
    pref_column = {f.attname: quote(str(f.column)) for f in preference.concrete_fields}
    pending = Notification.EmailStatus.PENDING
    skipped = Notification.EmailStatus.SKIPPED
    # Identifiers come from the models' metadata; every value is a parameter.
    sql = f"""
        WITH fresh AS (
            INSERT INTO {quote(notification.db_table)} (
                {column["user_id"]}, {column["kind"]}, {column["params"]}, {column["url"]},
                {column["dedupe_key"]}, {column["created_at"]}, {column["read_at"]},
                {column["email_status"]}, {column["email_sent_at"]}
            )
            SELECT {uid}, %s, %s::jsonb, %s, %s || {uid}::text, %s, NULL,
                CASE WHEN u.{is_active} AND NOT EXISTS (
                    SELECT 1 FROM {quote(preference.db_table)} p
                    WHERE p.{pref_column["user_id"]} = {uid} AND p.{pref_column["kind"]} = %s
                        AND NOT p.{pref_column["email"]}
                ) THEN %s ELSE %s END,
                NULL
            FROM {user_table} u
            WHERE {uid} IN (SELECT unnest(%s::bigint[]))
            ORDER BY {uid}
            ON CONFLICT DO NOTHING
            RETURNING {column["user_id"]} AS user_id, {column["email_status"]} AS email_status
        )
        SELECT array_agg(user_id), count(*) FILTER (WHERE email_status = %s) FROM fresh
    """  # noqa: S608  # nosec B608 - identifiers from model metadata, values are parameters
    values = [
        kind,
        Notification._meta.get_field("params").get_db_prep_save(params, connection),
        url,
        f"{dedupe_prefix}:",
        timezone.now(),
        kind,
        str(pending),
        str(skipped),
        user_ids,
        str(pending),
    ]
    # Binary parameters: the id array is not quoted into text in Python (config/sql.py).
    rows = execute_binary(sql, values)
    fresh_user_ids, with_email = rows[0] if rows else (None, 0)
    return list(fresh_user_ids or []), bool(with_email)


def notification_email_send(*, notification_id: int, email_connection: Any = None) -> bool:
    """Sends one notice's e-mail in the recipient's language. Safe to run twice: only a
    pending notice is sent, under a row lock. A failure raises (the task retries) and
    leaves the in-app notice as it is. `email_connection`: one connection for a batch."""
    from accounts.notifications import notice_render

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.email_status != Notification.EmailStatus.PENDING:
            return False
        user = notification.user
        language = user.preferred_language or settings.LANGUAGE_CODE
        notice = notice_render(notification, language=language)
        link = portal_url(notification.url)
        with translation.override(language):
            body = render_to_string(
                "notifications/email.txt",
                {
                    "notice": notice,
                    "link": link,
                    "user": user,
                    "site_name": settings.WAGTAIL_SITE_NAME,
                },
            )
        EmailMultiAlternatives(
            subject=notice.title, body=body, to=[user.email], connection=email_connection
        ).send()
        notification.email_status = Notification.EmailStatus.SENT
        notification.email_sent_at = timezone.now()
        notification.save(update_fields=["email_status", "email_sent_at"])
    return True


# A batch of e-mails the sweep queued is not queued again before this lease ends.
NOTIFICATION_EMAIL_LEASE = datetime.timedelta(minutes=5)


def notification_emails_pending_ids(*, limit: int) -> list[int]:
    """The pending e-mails not queued by a sweep within the lease, oldest first (the
    partial index accounts_notif_email_pending: cheap when nothing is pending)."""
    return list(
        Notification.objects.filter(email_status=Notification.EmailStatus.PENDING)
        .filter(
            Q(email_queued_at__isnull=True)
            | Q(email_queued_at__lte=timezone.now() - NOTIFICATION_EMAIL_LEASE)
        )
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def notification_emails_lease(*, notification_ids: list[int]) -> None:
    """The sweep queued these: the next sweep leaves them alone until the lease ends."""
    Notification.objects.filter(
        pk__in=notification_ids, email_status=Notification.EmailStatus.PENDING
    ).update(email_queued_at=timezone.now())


def notification_email_failed(*, notification_id: int) -> None:
    Notification.objects.filter(
        pk=notification_id, email_status=Notification.EmailStatus.PENDING
    ).update(email_status=Notification.EmailStatus.FAILED)


def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Marks the user's own notices read (all of them when no ids are given)."""
    notices = Notification.objects.filter(user=user, read_at__isnull=True)
    unread_count_forget([user.pk])
    if notification_ids is not None:
        notices = notices.filter(pk__in=list(notification_ids))
    return notices.update(read_at=timezone.now())


def notification_preferences_save(*, user: User, email_off: Iterable[str]) -> None:
    email_off = set(email_off) & set(NotificationKind.values)
    with transaction.atomic():
        NotificationPreference.objects.filter(user=user).exclude(kind__in=email_off).delete()
        for kind in email_off:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"email": False}
            )
