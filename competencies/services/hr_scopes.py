"""Writes for HR scopes: the unit subtree an HR manager is limited to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from competencies.selectors.hr_scope import hr_scope_forget
from competencies.services import audit

if TYPE_CHECKING:
    from accounts.models import User
    from competencies.models import HRScope


def hr_scope_create(*, actor: User, scope: HRScope) -> HRScope:
    audit.instance_save_audited(instance=scope, actor=actor, action=audit.CREATE)
    hr_scope_forget(user=actor)
    hr_scope_forget(user=scope.user)
    return scope


def hr_scope_update(
    *, actor: User, scope: HRScope, changes: dict[str, list[Any]], changed: bool
) -> HRScope:
    audit.instance_save_audited(
        instance=scope,
        actor=actor,
        action=audit.EDIT,
        changes=changes,
        log_entry=bool(changes) or changed,
    )
    hr_scope_forget(user=actor)
    hr_scope_forget(user=scope.user)
    return scope
