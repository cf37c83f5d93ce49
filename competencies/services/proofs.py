"""Proof files held between two submissions of the external-record form.

A browser cannot refill a file input, so when the form fails validation for another
field the employee would have to choose the file again. The upload is kept in the default
(private) storage instead, and the form carries a signed token naming it: the token is
bound to the employee and expires, so it cannot be used to attach someone else's file."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from competencies.models import Employee

_SALT = "competencies.proof-held"
HELD_DIRECTORY = "proofs/held"
# Long enough to fix a form and send it again; the file is removed once used.
HELD_MAX_AGE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class HeldProof:
    token: str
    name: str
    path: str


def proof_hold(*, employee: Employee, upload: UploadedFile) -> HeldProof:
    """Stores an already checked upload and returns the token the form sends back."""
    suffix = PurePath(upload.name or "").suffix.lower()
    upload.seek(0)
    path = default_storage.save(
        f"{HELD_DIRECTORY}/{uuid.uuid4().hex}{suffix}", ContentFile(upload.read())
    )
    upload.seek(0)
    name = PurePath(upload.name or "").name
    token = signing.dumps({"p": path, "n": name, "e": employee.pk}, salt=_SALT)
    return HeldProof(token=token, name=name, path=path)


def proof_held_get(*, employee: Employee, token: str) -> HeldProof | None:
    """The held proof the token names, if it is this employee's, fresh and still stored."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=HELD_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    path = str(data.get("p", ""))
    if data.get("e") != employee.pk or not path.startswith(f"{HELD_DIRECTORY}/"):
        return None
    if not default_storage.exists(path):
        return None
    return HeldProof(token=token, name=str(data.get("n", "")), path=path)


def proof_held_file(*, held: HeldProof) -> ContentFile:
    """The held proof's content as a file the record's FileField can save."""
    with default_storage.open(held.path, "rb") as stored:
        return ContentFile(stored.read(), name=held.name)


def proof_held_discard(*, held: HeldProof) -> None:
    default_storage.delete(held.path)


def held_proofs_delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Deletes held proofs older than their token's life; returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=HELD_MAX_AGE_SECONDS)
    try:
        _, names = default_storage.listdir(HELD_DIRECTORY)
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in names:
        path = f"{HELD_DIRECTORY}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            deleted += 1
    return deleted
