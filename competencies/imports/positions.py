"""The position import: upsert by `code`, with each position's competency standard. A
`standard` cell replaces the position's whole standard; an empty cell clears it."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from competencies.imports import cells
from competencies.imports.columns import POSITIONS
from competencies.imports.reading import Progress, Row, Table
from competencies.imports.report import ImportReport
from competencies.imports.runner import (
    actor_scope,
    chunks,
    in_bulk,
    log_entries,
    outside_scope_message,
    run_import,
    unit_in_scope,
)
from competencies.models import Competency, OrgUnit, Position, PositionRequirement
from competencies.services import audit
from competencies.services.hooks import standards_changed
from competencies.services.summaries import gap_counts_refresh_for_positions


def _position_kind_aliases() -> dict[str, str]:
    return cells.choice_aliases(Position.Kind, {"jft": Position.Kind.FUNGSIONAL})


def _jenjang_aliases() -> dict[str, str]:
    return cells.choice_aliases(Position.Jenjang)


def standard_format(*, levels: dict[str, int]) -> str:
    return "; ".join(f"{code}={level}" for code, level in sorted(levels.items()))


def _standard(row: Row, competencies: dict[str, Competency]) -> Any:
    """{competency code: level}, or cells.MISSING when the column is absent or a cell invalid."""
    if not row.has("standard"):
        return cells.MISSING
    text = row.text("standard")
    levels: dict[str, int] = {}
    ok = True
    for part in re.split(r"[;\n]", text):
        part = part.strip()
        if not part:
            continue
        code, sep, level_text = part.partition("=")
        code, level_text = code.strip(), level_text.strip()
        if not sep or not code or not level_text.isdigit():
            row.error(
                "standard",
                _(
                    "Write the standard as CODE=LEVEL pairs separated by semicolons, e.g. %(example)s."
                )
                % {"example": "M.01=3; M.02=2"},
            )
            return cells.MISSING
        level = int(level_text)
        if code not in competencies:
            row.error("standard", _("No competency has the code “%(code)s”.") % {"code": code})
            ok = False
        elif not 1 <= level <= 5:
            row.error(
                "standard",
                _("The required level of %(code)s must be between 1 and 5.") % {"code": code},
            )
            ok = False
        elif code in levels:
            row.error("standard", _("%(code)s appears twice in the standard.") % {"code": code})
            ok = False
        levels[code] = level
    return levels if ok else cells.MISSING


def _standard_codes(table: Table) -> set[str]:
    codes = set()
    for row in table.rows:
        for part in re.split(r"[;\n]", row.text("standard")):
            codes.add(part.partition("=")[0].strip())
    return codes - {""}


@dataclass
class _PositionRow:
    row: Row
    code: str
    values: dict[str, Any]
    standard: Any
    existing: Position | None = None
    current_standard: dict[str, int] = field(default_factory=dict)
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class _PositionPlan:
    items: list[_PositionRow]
    competencies: dict[str, Competency]


@dataclass(frozen=True)
class _Lookups:
    """What the rows refer to, each fetched once for the whole file."""

    existing: dict[str, Position]
    units: dict[str, OrgUnit]
    competencies: dict[str, Competency]
    kinds: dict[str, str]
    jenjangs: dict[str, str]


def _plan_positions(*, table: Table, actor: User | None, report: ImportReport) -> _PositionPlan:
    codes = {row.text("code") for row in table.rows}
    existing = in_bulk(
        queryset=Position.objects.select_related("unit"), field_name="code", values=codes
    )
    lookups = _Lookups(
        existing=existing,
        units=in_bulk(
            queryset=OrgUnit.objects.all(),
            field_name="code",
            values=(row.text("unit_code") for row in table.rows),
        ),
        competencies=in_bulk(
            queryset=Competency.objects.all(), field_name="code", values=_standard_codes(table)
        ),
        kinds=_position_kind_aliases(),
        jenjangs=_jenjang_aliases(),
    )
    current: dict[int, dict[str, int]] = defaultdict(dict)
    if existing:
        for chunk in chunks(p.pk for p in existing.values()):
            for position_id, competency_code, level in PositionRequirement.objects.filter(
                position_id__in=chunk
            ).values_list("position_id", "competency__code", "required_level"):
                current[position_id][competency_code] = level
    scope = actor_scope(actor=actor)
    planned: list[_PositionRow] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        item = _position_row(row, lookups, seen)
        if item is None:
            continue
        planned.append(item)
        if not row.errors:
            _check_position(item, scope)
        if row.errors:
            continue
        if item.existing is None:
            report.created += 1
            continue
        _diff_position(item, current.get(item.existing.pk, {}))
        if item.changes:
            report.updated += 1
        else:
            report.unchanged += 1
    return _PositionPlan(items=planned, competencies=lookups.competencies)


def _position_row(row: Row, lookups: _Lookups, seen: dict[str, int]) -> _PositionRow | None:
    """The row's own cells checked; None for a row without a valid code, or repeating
    one (its error is on the row)."""
    code = cells.code(row, "code", Position._meta.get_field("code").max_length or 40)
    name = cells.required_text(row, "name", Position._meta.get_field("name").max_length or 200)
    kind = cells.choice(row, "kind", lookups.kinds, ", ".join(Position.Kind.values))
    if kind is cells.MISSING and not row.text("kind"):
        row.error("kind", _("This column is required."))
    jenjang: Any = cells.MISSING
    if row.has("jenjang"):
        jenjang = (
            cells.choice(row, "jenjang", lookups.jenjangs, ", ".join(Position.Jenjang.values))
            if row.text("jenjang")
            else ""
        )
    unit: Any = cells.MISSING
    if row.has("unit_code"):
        unit_code = row.text("unit_code")
        unit = lookups.units.get(unit_code) if unit_code else None
        if unit_code and unit is None:
            row.error("unit_code", _("No unit has the code “%(code)s”.") % {"code": unit_code})
            unit = cells.MISSING
    standard = _standard(row, lookups.competencies)
    is_active = cells.boolean(row, "is_active")
    if code is None:
        return None
    if code in seen:
        row.error("code", _("This code also appears in row %(row)d.") % {"row": seen[code]})
        return None
    seen[code] = row.number
    values: dict[str, Any] = {"name": name, "kind": kind}
    if jenjang is not cells.MISSING:
        values["jenjang"] = jenjang
    if unit is not cells.MISSING:
        values["unit"] = unit
    if is_active is not cells.MISSING:
        values["is_active"] = is_active
    return _PositionRow(
        row=row, code=code, values=values, standard=standard, existing=lookups.existing.get(code)
    )


def _check_position(item: _PositionRow, scope: OrgUnit | None) -> None:
    """The rules across cells: the grade of a functional position, and the HR scope."""
    row, values, position = item.row, item.values, item.existing
    # The model's rule: only functional positions have a grade, and they must.
    final_kind = values["kind"]
    final_jenjang = values.get("jenjang", position.jenjang if position else "")
    if final_kind == Position.Kind.FUNGSIONAL and not final_jenjang:
        row.error("jenjang", _("A functional position needs its grade (jenjang)."))
    elif final_kind != Position.Kind.FUNGSIONAL and final_jenjang:
        row.error("jenjang", _("Only functional positions have a grade (jenjang)."))
    if scope is not None:
        final_unit = values.get("unit", position.unit if position else None)
        if position is not None and not unit_in_scope(unit=position.unit, scope=scope):
            row.error(
                "code",
                _(
                    "This position belongs to a unit outside the part of the organisation you manage."
                ),
            )
        elif not unit_in_scope(unit=final_unit, scope=scope):
            row.error("unit_code", outside_scope_message())


def _diff_position(item: _PositionRow, current_standard: dict[str, int]) -> None:
    position = item.existing
    assert position is not None  # noqa: S101 - only existing positions are compared
    item.current_standard = current_standard
    for field_name, value in item.values.items():
        old = getattr(position, field_name)
        if old != value:
            if field_name == "unit":
                item.changes["unit"] = [old.pk if old else None, value.pk if value else None]
            else:
                item.changes[field_name] = [old, value]
    if item.standard is not cells.MISSING and item.standard != current_standard:
        item.changes["standard"] = [
            standard_format(levels=current_standard),
            standard_format(levels=item.standard),
        ]


def _apply_positions(*, planned: _PositionPlan, actor: User | None, note: str) -> None:
    now = timezone.now()
    new = [p for p in planned.items if p.existing is None]
    changed = [p for p in planned.items if p.existing is not None and p.changes]
    competencies = planned.competencies
    created = Position.objects.bulk_create(
        [
            Position(
                code=item.code,
                name=item.values["name"],
                kind=item.values["kind"],
                jenjang=item.values.get("jenjang", ""),
                unit=item.values.get("unit"),
                is_active=item.values.get("is_active", True),
            )
            for item in new
        ]
    )
    update_fields: set[str] = set()
    for item in changed:
        assert item.existing is not None  # noqa: S101 - narrowed by the list above
        for field_name in item.changes:
            if field_name != "standard":
                setattr(item.existing, field_name, item.values[field_name])
                update_fields.add(field_name)
        item.existing.updated_at = now
    if changed:
        Position.objects.bulk_update(
            [item.existing for item in changed], [*sorted(update_fields), "updated_at"]
        )
    restandardised = [item for item in changed if "standard" in item.changes]
    for chunk in chunks(item.existing.pk for item in restandardised if item.existing):
        PositionRequirement.objects.filter(position_id__in=chunk).delete()
    requirements = [
        PositionRequirement(position=position, competency=competencies[code], required_level=level)
        for item, position in zip(new, created, strict=True)
        if item.standard is not cells.MISSING
        for code, level in item.standard.items()
    ] + [
        PositionRequirement(
            position=item.existing, competency=competencies[code], required_level=level
        )
        for item in restandardised
        for code, level in item.standard.items()
    ]
    PositionRequirement.objects.bulk_create(requirements)
    log_entries(
        model=Position,
        items=[(p, audit.CREATE, {}) for p in created]
        + [(item.existing, audit.EDIT, item.changes) for item in changed if item.existing],
        actor=actor,
        note=note,
        now=now,
        batch=uuid.uuid4(),
    )
    if restandardised:  # a new position has no holder yet: no gap counts to change
        gap_counts_refresh_for_positions(
            position_ids=[item.existing.pk for item in restandardised if item.existing]
        )
    standards_changed()


def positions_import(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    dry_run: bool,
    progress: Progress | None = None,
) -> ImportReport:
    """Creates and updates positions and their competency standards (upsert by code).
    A `standard` cell replaces the position's whole standard; an empty cell clears it."""
    return run_import(
        kind=POSITIONS,
        data=data,
        filename=filename,
        actor=actor,
        dry_run=dry_run,
        plan=_plan_positions,
        apply=_apply_positions,
        progress=progress,
    )
