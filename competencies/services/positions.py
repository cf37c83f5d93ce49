"""Writes for positions and their competency standard (the required levels), with the
gap counts of the units whose holders the standard applies to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from competencies.services import audit
from competencies.services.summaries import gap_counts_refresh_for_positions

if TYPE_CHECKING:
    from accounts.models import User
    from competencies.models import Position


@transaction.atomic
def position_create(*, actor: User, position: Position) -> Position:
    """Saves a new position built by the admin form, its required levels included."""
    audit.instance_save_audited(instance=position, actor=actor, action=audit.CREATE)
    gap_counts_refresh_for_positions(position_ids=[position.pk])
    return position


@transaction.atomic
def position_update(
    *, actor: User, position: Position, changes: dict[str, list[Any]], changed: bool
) -> Position:
    """Saves an edited position. `changed` says whether anything changed, the required
    levels included: a change of those alone has no field changes but is recorded."""
    audit.instance_save_audited(
        instance=position,
        actor=actor,
        action=audit.EDIT,
        changes=changes,
        log_entry=bool(changes) or changed,
    )
    if changed or changes:
        gap_counts_refresh_for_positions(position_ids=[position.pk])
    return position
