"""Exports of units, positions and employees in the import format (so an export can be
edited and imported again), and the empty import templates. Every file is written by
`competencies.spreadsheets`, the writer and formula guard of every export."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from competencies.imports.columns import COLUMNS, EMPLOYEES, POSITIONS, UNITS, FileFormat, Kind
from competencies.imports.positions import standard_format
from competencies.models import Employee, OrgUnit, Position
from competencies.spreadsheets import csv_bytes, xlsx_bytes


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


Sheet = tuple[str, list[Sequence[Any]]]


def _dataset(kind: Kind, rows: Iterable[Sequence[Any]], title: str) -> Sheet:
    return title, [[c.key for c in COLUMNS[kind]], *rows]


def _render(sheets: list[Sheet], file_format: FileFormat) -> bytes:
    """The shared writer guards every cell (an apostrophe before a formula, which the
    import removes again); a CSV holds the first sheet only."""
    if file_format == "xlsx":
        return xlsx_bytes(sheets=sheets)
    if file_format == "csv":
        return csv_bytes(sheets[0][1])
    raise ValueError(f"Unknown format {file_format!r}")


def units_export(*, queryset: QuerySet[OrgUnit], file_format: FileFormat) -> bytes:
    units = list(queryset.order_by("path"))
    steplen = OrgUnit.steplen
    parent_paths = {u.path[:-steplen] for u in units if u.depth > 1}
    code_by_path = (
        dict(OrgUnit.objects.filter(path__in=parent_paths).values_list("path", "code"))
        if parent_paths
        else {}
    )
    rows = [
        (
            u.code,
            u.name,
            u.kind,
            code_by_path.get(u.path[:-steplen], "") if u.depth > 1 else "",
            _yes_no(u.is_active),
        )
        for u in units
    ]
    return _render([_dataset(UNITS, rows, "units")], file_format)


def positions_export(*, queryset: QuerySet[Position], file_format: FileFormat) -> bytes:
    positions = (
        queryset.select_related("unit")
        .prefetch_related("requirements__competency")
        .order_by("code")
    )
    rows = [
        (
            p.code,
            p.name,
            p.kind,
            p.jenjang,
            p.unit.code if p.unit else "",
            standard_format(
                levels={r.competency.code: r.required_level for r in p.requirements.all()}
            ),
            _yes_no(p.is_active),
        )
        for p in positions
    ]
    return _render([_dataset(POSITIONS, rows, "positions")], file_format)


def employees_export(*, queryset: QuerySet[Employee], file_format: FileFormat) -> bytes:
    employees = queryset.select_related("user", "unit", "position", "supervisor__user").order_by(
        "full_name", "pk"
    )
    rows = [
        (
            e.user.nip or "",
            e.full_name,
            e.user.email,
            e.title_prefix,
            e.title_suffix,
            e.birth_place,
            e.date_of_birth.isoformat() if e.date_of_birth else "",
            e.employment_type,
            e.get_golongan_display()
            if e.golongan
            else (e.get_pppk_golongan_display() if e.pppk_golongan else ""),
            e.unit.code if e.unit else "",
            e.position.code if e.position else "",
            (e.supervisor.user.nip or "") if e.supervisor else "",
            e.joined_on.isoformat() if e.joined_on else "",
            _yes_no(e.is_active),
        )
        for e in employees
    ]
    return _render([_dataset(EMPLOYEES, rows, "employees")], file_format)


EXPORTERS: dict[str, Callable[..., bytes]] = {
    UNITS: units_export,
    POSITIONS: positions_export,
    EMPLOYEES: employees_export,
}


def import_template(*, kind: Kind, file_format: FileFormat) -> bytes:
    """The header row and one example row. The .xlsx has a second sheet describing each
    column (the import reads only the first sheet)."""
    columns = COLUMNS[kind]
    data = _dataset(kind, [[str(c.example) for c in columns]], kind)
    if file_format == "csv":
        return _render([data], "csv")
    help_rows: list[Sequence[Any]] = [
        [_("Column"), _("Also accepted"), _("Mandatory"), _("Description")]
    ]
    for column in columns:
        help_rows.append(
            [
                column.key,
                ", ".join(column.aliases),
                _("yes") if column.required else _("no"),
                str(column.help),
            ]
        )
    return _render([data, (_("Columns"), help_rows)], "xlsx")
