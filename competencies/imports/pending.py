"""Pending uploads (docs/imports.md): an upload is stored in the database between the dry
run and "Import now", so any web machine can serve either step."""

from __future__ import annotations

import datetime
import secrets

from django.utils import timezone

from accounts.models import User
from competencies.models import PendingImport

PENDING_IMPORT_LIFETIME = datetime.timedelta(days=1)


def pending_import_store(
    *, user: User, kind: str, file_format: str, name: str, data: bytes, language: str = ""
) -> PendingImport:
    """Keep an upload for its owner and drop the owner's and everyone's stale ones."""
    PendingImport.objects.filter(created_at__lt=timezone.now() - PENDING_IMPORT_LIFETIME).delete()
    return PendingImport.objects.create(
        token=secrets.token_urlsafe(24),
        user=user,
        kind=kind,
        file_format=file_format,
        name=name[:200],
        data=data,
        language=language[:10],
    )


def pending_import_get(*, user: User, token: str) -> PendingImport | None:
    """The owner's upload, if it is still there and not older than a day."""
    return PendingImport.objects.filter(
        token=token,
        user=user,
        created_at__gte=timezone.now() - PENDING_IMPORT_LIFETIME,
    ).first()


def pending_import_claim(*, user: User, token: str) -> PendingImport | None:
    """Take the upload for the real import. Only one caller gets it: the row is deleted
    by a conditional DELETE, so a double click (or two machines) imports once."""
    pending = pending_import_get(user=user, token=token)
    if pending is None:
        return None
    deleted, _ = PendingImport.objects.filter(pk=pending.pk).delete()
    return pending if deleted else None
