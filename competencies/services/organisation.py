"""Writes for the organisation tree. treebeard computes the tree paths, so units are
created and moved through its API, never saved directly."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from competencies.models import OrgUnit
from competencies.selectors.hr_scope import hr_scope_unit
from competencies.services import audit

if TYPE_CHECKING:
    from accounts.models import User

UNIT_FIELDS = ("code", "name", "kind", "is_active")


def _check_parent(actor: User, parent: OrgUnit | None) -> None:
    scope = hr_scope_unit(user=actor)
    if scope is not None and (parent is None or not parent.path.startswith(scope.path)):
        raise PermissionDenied(_("This unit is outside the part of the organisation you manage."))


@transaction.atomic
def orgunit_create(
    *,
    actor: User,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    is_active: bool = True,
) -> OrgUnit:
    _check_parent(actor, parent)
    unit = OrgUnit(code=code, name=name, kind=kind, is_active=is_active)
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit = parent.add_child(instance=unit) if parent else OrgUnit.add_root(instance=unit)
    audit.audit_log(instance=unit, action=audit.CREATE, user=actor)
    return unit


@transaction.atomic
def orgunit_update(
    *, actor: User, unit: OrgUnit, parent: OrgUnit | None, **fields: object
) -> OrgUnit:
    """Changes a unit's fields and, when `parent` differs, moves it with its subtree."""
    _check_parent(actor, unit.get_parent())
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = audit.snapshot(unit, UNIT_FIELDS)
    current_parent = unit.get_parent()
    for name, value in fields.items():
        if name not in UNIT_FIELDS:
            raise TypeError(f"Unknown unit field: {name}")
        setattr(unit, name, value)
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit.save()
    changes = audit.changes_between(before, audit.snapshot(unit, UNIT_FIELDS))
    if (parent and parent.pk) != (current_parent and current_parent.pk):
        _check_parent(actor, parent)
        if parent is not None and (parent.pk == unit.pk or parent.path.startswith(unit.path)):
            raise ValidationError({"parent": _("A unit cannot be placed under itself.")})
        if parent is None:
            unit.move(OrgUnit.get_first_root_node(), "sorted-sibling")
        else:
            unit.move(parent, "sorted-child")
        unit.refresh_from_db()
        changes["parent"] = [str(current_parent or "—"), str(parent or "—")]
    if changes:
        audit.audit_log(instance=unit, action=audit.EDIT, user=actor, changes=changes)
    return unit
