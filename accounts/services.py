"""Writes for accounts: creating people and inviting them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str

from accounts.models import User


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


def user_invitation_queue(*, user: User) -> None:
    """Queues the invitation e-mail once the surrounding transaction commits."""
    from accounts.tasks import user_invitation_send as user_invitation_send_task

    requested_at = timezone.now().isoformat()
    transaction.on_commit(lambda: user_invitation_send_task.delay(user.pk, requested_at))


def _set_password_url(user: User) -> str:
    token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def user_invitation_send(*, user_id: int, requested_at: datetime.datetime) -> bool:
    """Sends the invitation. Safe to run twice: a delivery of the same request after the
    e-mail went out, an account that already has a password, or a deleted or inactive
    account sends nothing. Returns whether an e-mail was sent."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None or user.has_usable_password():
            return False
        if user.invitation_sent_at and user.invitation_sent_at >= requested_at:
            return False
        user.invitation_sent_at = timezone.now()
        user.save(update_fields=["invitation_sent_at"])
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
        )
        message.send()
    return True
