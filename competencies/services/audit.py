"""The HR audit trail, kept in Wagtail's own log (ModelLogEntry) so administrators read
it under Reports → Site history, filtered by action, user and date.

Every HR write calls audit_log inside its transaction, with the fields that changed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


def audit_log_many(
    *,
    items: Sequence[tuple[models.Model, dict[str, list[Any]]]],
    action: str,
    user: User | None,
) -> None:
    """`audit_log` for many instances of one model changed by one act (a JP
    re-computation touches every converted record of the agency): the same entries
    Wagtail's `log()` writes — the model's log entry model, content type, title, the
    active log context's user and uuid, `{"changes": …}` — with the action's
    registration checked once and the rows inserted a thousand per statement, instead of
    a `full_clean()` (two foreign-key look-ups) and an INSERT per entry."""
    if not items:
        return
    from django.contrib.contenttypes.models import ContentType
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from wagtail.log_actions import get_active_log_context, registry

    first = items[0][0]
    model = registry.get_log_model_for_instance(first)
    if model is None:  # no log for this model: as `log()`, nothing to write
        return
    if not registry.action_exists(action):
        raise ValidationError(f"The log action {action!r} has not been registered.")
    context = get_active_log_context()
    content_type = ContentType.objects.get_for_model(first, for_concrete_model=False)
    timestamp = timezone.now()
    model.objects.bulk_create(
        [
            model(
                content_type=content_type,
                label=model.objects.get_instance_title(instance),
                action=action,
                timestamp=timestamp,
                data={"changes": changes} if changes else {},
                user=user or context.user,
                uuid=context.uuid,
                content_changed=bool(changes) or action == CREATE,
                object_id=str(instance.pk),
            )
            for instance, changes in items
        ],
        batch_size=1000,
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
