"""The organisation-unit import: upsert by `code`. A unit's parent may be a unit of the
database or any row of the file, before or after it. Units are written one by one, not in
bulk, because treebeard places each node in the tree; a unit file has hundreds of rows,
not thousands."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from competencies.imports import cells
from competencies.imports.columns import UNITS
from competencies.imports.reading import Progress, Row, Table
from competencies.imports.report import ImportReport
from competencies.imports.runner import (
    actor_scope,
    log_entries,
    outside_scope_message,
    run_import,
)
from competencies.models import OrgUnit
from competencies.services import audit


def _unit_kind_aliases() -> dict[str, str]:
    return cells.choice_aliases(
        OrgUnit.Kind,
        {
            "dinas": OrgUnit.Kind.PERANGKAT_DAERAH,
            "badan": OrgUnit.Kind.PERANGKAT_DAERAH,
            "opd": OrgUnit.Kind.PERANGKAT_DAERAH,
            "subbidang": OrgUnit.Kind.SEKSI,
        },
    )


@dataclass
class _UnitRow:
    row: Row
    code: str
    values: dict[str, Any]
    parent_code: Any  # str, None (top level) or cells.MISSING (leave as is)
    existing: OrgUnit | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)


def _plan_units(*, table: Table, actor: User | None, report: ImportReport) -> list[_UnitRow]:
    steplen = OrgUnit.steplen
    units = list(OrgUnit.objects.order_by("path"))
    by_code = {u.code: u for u in units}
    code_by_path = {u.path: u.code for u in units}
    db_parent = {
        u.code: code_by_path.get(u.path[:-steplen]) if u.depth > 1 else None for u in units
    }
    planned = _unit_rows(table, by_code)
    # Each unit's parent once the file is imported: the file's, else the database's.
    final_parent = dict(db_parent)
    for item in planned:
        if item.parent_code is not cells.MISSING:
            final_parent[item.code] = item.parent_code
        elif item.existing is None:
            final_parent[item.code] = None
    _check_parents(planned, by_code, final_parent)
    scope = actor_scope(actor=actor)
    if scope is not None:
        _check_scope(planned, scope, final_parent)
    _count_changes(planned, db_parent, report)
    # Parents first, so that a child placed under a unit created by this file finds it.
    depth: dict[str, int] = {}

    def depth_of(code: str) -> int:
        if code not in depth:
            parent = final_parent.get(code)
            depth[code] = 0 if parent is None else 1 + depth_of(parent)
        return depth[code]

    if not any(item.row.errors for item in planned):
        planned.sort(key=lambda item: depth_of(item.code))
    return planned


def _unit_rows(table: Table, by_code: dict[str, OrgUnit]) -> list[_UnitRow]:
    """Each row's own cells checked; a row without a valid code, or repeating one, is
    left out (its error is on the row)."""
    kinds = _unit_kind_aliases()
    name_max = OrgUnit._meta.get_field("name").max_length or 200
    code_max = OrgUnit._meta.get_field("code").max_length or 40
    planned: list[_UnitRow] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        code = cells.code(row, "code", code_max)
        name = cells.required_text(row, "name", name_max)
        kind = cells.choice(row, "kind", kinds, ", ".join(OrgUnit.Kind.values))
        if kind is cells.MISSING and not row.text("kind"):
            row.error("kind", _("This column is required."))
        is_active = cells.boolean(row, "is_active")
        parent_code: Any = cells.MISSING
        if row.has("parent_code"):
            parent_code = row.text("parent_code") or None
        if code is None:
            continue
        if code in seen:
            row.error("code", _("This code also appears in row %(row)d.") % {"row": seen[code]})
            continue
        seen[code] = row.number
        values: dict[str, Any] = {"name": name, "kind": kind}
        if is_active is not cells.MISSING:
            values["is_active"] = is_active
        planned.append(
            _UnitRow(
                row=row,
                code=code,
                values=values,
                parent_code=parent_code,
                existing=by_code.get(code),
            )
        )
    return planned


def _check_parents(
    planned: list[_UnitRow], by_code: dict[str, OrgUnit], final_parent: dict[str, Any]
) -> None:
    """A parent must exist (in the database or the file) and must not make a loop."""
    in_file = {p.code: p for p in planned}
    for item in planned:
        parent = item.parent_code
        if parent in (cells.MISSING, None):
            continue
        if parent == item.code:
            item.row.error("parent_code", _("A unit cannot be its own parent."))
        elif parent not in by_code and parent not in in_file:
            item.row.error(
                "parent_code",
                _("No unit has the code “%(code)s” (neither in the database nor in this file).")
                % {"code": parent},
            )
        else:
            ancestor, steps = final_parent.get(parent), 0
            while ancestor is not None and steps <= len(final_parent):
                if ancestor == item.code:
                    item.row.error(
                        "parent_code",
                        _("This parent would make the unit a sub-unit of itself."),
                    )
                    break
                ancestor, steps = final_parent.get(ancestor), steps + 1


def _check_scope(planned: list[_UnitRow], scope: OrgUnit, final_parent: dict[str, Any]) -> None:
    def inside(code: str) -> bool:
        """Whether the unit's final parent is the scope unit or below it (so a
        scoped manager cannot change the scope unit itself, as in the admin)."""
        current, steps = final_parent.get(code), 0
        while current is not None and steps <= len(final_parent):
            if current == scope.code:
                return True
            current, steps = final_parent.get(current), steps + 1
        return False

    for item in planned:
        was_inside = item.existing is None or (
            item.existing.path.startswith(scope.path) and item.existing.pk != scope.pk
        )
        if not was_inside:
            item.row.error("code", outside_scope_message())
        elif not inside(item.code):
            item.row.error("parent_code", outside_scope_message())


def _count_changes(
    planned: list[_UnitRow], db_parent: dict[str, Any], report: ImportReport
) -> None:
    for item in planned:
        if item.row.errors:
            continue
        if item.existing is None:
            report.created += 1
            continue
        unit = item.existing
        for name, value in item.values.items():
            if value is not None and value is not cells.MISSING and getattr(unit, name) != value:
                item.changes[name] = [getattr(unit, name), value]
        if item.parent_code is not cells.MISSING and item.parent_code != db_parent.get(item.code):
            item.changes["parent"] = [db_parent.get(item.code), item.parent_code]
        if item.changes:
            report.updated += 1
        else:
            report.unchanged += 1


def _apply_units(*, planned: list[_UnitRow], actor: User | None, note: str) -> None:
    now = timezone.now()
    created: list[OrgUnit] = []
    edited: list[tuple[OrgUnit, dict[str, list[Any]]]] = []
    for item in planned:
        if item.existing is None:
            unit = OrgUnit(
                code=item.code,
                name=item.values["name"],
                kind=item.values["kind"],
                is_active=item.values.get("is_active", True),
            )
            if item.parent_code in (cells.MISSING, None):
                unit = OrgUnit.add_root(instance=unit)
            else:
                # Fetched afresh: treebeard shifts paths as siblings are inserted.
                parent = OrgUnit.objects.get(code=item.parent_code)
                unit = parent.add_child(instance=unit)
            created.append(unit)
            continue
        if not item.changes:
            continue
        if "parent" in item.changes:
            node = OrgUnit.objects.get(pk=item.existing.pk)
            if item.parent_code is None:
                first_root = OrgUnit.get_first_root_node()
                node.move(first_root, "sorted-sibling")
            else:
                node.move(OrgUnit.objects.get(code=item.parent_code), "sorted-child")
        fields = {name: new for name, (_old, new) in item.changes.items() if name != "parent"}
        if fields:
            OrgUnit.objects.filter(pk=item.existing.pk).update(**fields, updated_at=now)
        else:
            OrgUnit.objects.filter(pk=item.existing.pk).update(updated_at=now)
        for name, value in fields.items():
            setattr(item.existing, name, value)
        edited.append((item.existing, item.changes))
    batch = uuid.uuid4()
    log_entries(
        model=OrgUnit,
        items=[(u, audit.CREATE, {}) for u in created] + [(u, audit.EDIT, c) for u, c in edited],
        actor=actor,
        note=note,
        now=now,
        batch=batch,
    )


def units_import(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    dry_run: bool,
    progress: Progress | None = None,
) -> ImportReport:
    """Creates and updates organisation units from a CSV/XLSX file (upsert by code).
    A parent may be a unit of the database or any row of the file, before or after."""
    return run_import(
        kind=UNITS,
        data=data,
        filename=filename,
        actor=actor,
        dry_run=dry_run,
        plan=_plan_units,
        apply=_apply_units,
        progress=progress,
    )
