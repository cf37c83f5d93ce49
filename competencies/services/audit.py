"""The HR audit trail, kept in Wagtail's own log (ModelLogEntry) so administrators read
it under Reports → Site history, filtered by action, user and date.

Every HR write calls audit_log inside its transaction, with the fields that changed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from wagtail.log_actions import log

if TYPE_CHECKING:
    from accounts.models import User

# Action codes registered in competencies/wagtail_hooks.py (register_log_actions).
CREATE = "wagtail.create"
EDIT = "wagtail.edit"
DELETE = "wagtail.delete"
SUBMIT = "competencies.submit"
APPROVE = "competencies.approve"
REJECT = "competencies.reject"
DEACTIVATE = "competencies.deactivate"
REACTIVATE = "competencies.reactivate"
IMPORT = "competencies.import"
RECORD_APPROVE = "competencies.record_approve"
RECORD_REJECT = "competencies.record_reject"


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields` (foreign keys by id), to diff against later."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = getattr(instance, field.attname)  # type: ignore[union-attr]
    return values


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [_plain(before[name]), _plain(after.get(name))]
        for name in before
        if before[name] != after.get(name)
    }


def audit_log(
    *,
    instance: models.Model,
    action: str,
    user: User | None,
    changes: dict[str, list[Any]] | None = None,
    note: str = "",
) -> None:
    data: dict[str, Any] = {}
    if changes:
        data["changes"] = changes
    if note:
        data["note"] = note
    log(
        instance=instance,
        action=action,
        user=user,
        data=data,
        content_changed=bool(changes) or action == CREATE,
    )


def instance_save_audited(
    *,
    instance: models.Model,
    actor: User,
    action: str,
    changes: dict[str, list[Any]] | None = None,
    log_entry: bool = True,
) -> None:
    """Saves an object built by an admin form and writes its audit entry in the same
    transaction. The form has already validated the object (a model form runs
    full_clean); a ClusterableModel commits its inline rows on save."""
    with transaction.atomic():
        instance.save()
        if log_entry:
            audit_log(instance=instance, action=action, user=actor, changes=changes)
