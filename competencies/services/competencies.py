"""Writes for the competency dictionary (a competency and its five proficiency levels)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from competencies.services import audit

if TYPE_CHECKING:
    from accounts.models import User
    from competencies.models import Competency


def competency_create(*, actor: User, competency: Competency) -> Competency:
    """Saves a new competency built by the admin form, its levels included."""
    audit.instance_save_audited(instance=competency, actor=actor, action=audit.CREATE)
    return competency


def competency_update(
    *, actor: User, competency: Competency, changes: dict[str, list[Any]], changed: bool
) -> Competency:
    """Saves an edited competency. `changed` says whether anything changed, the levels
    included: a change of those alone has no field changes but is recorded."""
    audit.instance_save_audited(
        instance=competency,
        actor=actor,
        action=audit.EDIT,
        changes=changes,
        log_entry=bool(changes) or changed,
    )
    return competency
