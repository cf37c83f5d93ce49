"""Import and export of organisation units, positions (with their competency standard)
and employees, as CSV or XLSX.

Every import checks the whole file first and writes only when no row has an error, in
one transaction, so a file is imported completely or not at all. Rows are matched on
their key (unit and position `code`, employee `nip`): a row that matches nothing is
created, a row that matches is compared field by field and written only when something
changed, so importing the same file twice changes nothing the second time. Writes and
audit entries (Wagtail's ModelLogEntry, as competencies.services.audit writes them) use
bulk operations, so the number of queries does not grow with the number of rows (apart
from the database's own batch limits); units are the exception, because a tree node
needs treebeard to place it, and a unit file has hundreds of rows, not thousands.

The file formats, every column and its Indonesian alias are documented in
docs/imports.md. Messages are in the active language (gettext, English msgids).

Files are read with the csv module and openpyxl directly rather than through a tablib
Dataset: a Dataset drops blank CSV lines (so the reported row numbers would no longer
match the spreadsheet) and refuses rows longer than the header. Exports and templates are
written with `competencies.spreadsheets`, the writer and formula guard of every export.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import secrets
import time
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.models import ModelLogEntry

from accounts.models import User
from accounts.nip import nip_normalize, validate_nip
from accounts.roles import Role, has_role
from accounts.services import INVITATION_SWEEP_GRACE
from competencies.models import (
    Competency,
    Employee,
    Golongan,
    OrgUnit,
    PendingImport,
    Position,
    PositionRequirement,
    PppkGolongan,
)
from competencies.models.organisation import code_validator
from competencies.selectors.hr_scope import hr_scope_unit, privileged_user_ids
from competencies.services import audit
from competencies.services.hooks import employees_changed
from competencies.spreadsheets import FORMULA_START, csv_bytes, xlsx_bytes
from config.celery import enqueue_on_commit

Kind = Literal["units", "positions", "employees"]
FileFormat = Literal["csv", "xlsx"]

UNITS: Kind = "units"
POSITIONS: Kind = "positions"
EMPLOYEES: Kind = "employees"
KINDS: tuple[Kind, ...] = (UNITS, POSITIONS, EMPLOYEES)
FORMATS: tuple[FileFormat, ...] = ("csv", "xlsx")

MAX_ROWS = 50_000
# An .xlsx is a zip archive; refuse one that inflates beyond this (a "zip bomb").
MAX_XLSX_UNCOMPRESSED = 300 * 1024 * 1024
# Reading a file is bounded before it can exhaust a web worker (docs/imports.md): the
# cells read (rows × columns, blank rows and ignored columns included), the shared text
# table openpyxl loads whole into memory, and the time spent reading.
MAX_CELLS = 2_000_000
MAX_XLSX_SHARED_STRINGS = 32 * 1024 * 1024
MAX_READ_SECONDS = 30.0
# Keeps `__in` lookups under every database's parameter limit.
LOOKUP_CHUNK = 500

YES = frozenset({"1", "yes", "y", "true", "ya", "aktif", "active"})
NO = frozenset({"0", "no", "n", "false", "tidak", "nonaktif", "tidakaktif", "inactive"})


# COLUMNS ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    aliases: tuple[str, ...]
    help: Promise
    example: str | Promise = ""
    required: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.key, *self.aliases)


UNIT_COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        ("kode", "kode_unit", "unit_code"),
        gettext_lazy("Unique code of the unit (letters, digits, dots, dashes, underscores)."),
        "CONTOH-DINAS",
        required=True,
    ),
    Column(
        "name",
        ("nama", "nama_unit"),
        gettext_lazy("Name of the unit."),
        gettext_lazy("Example unit (delete this row)"),
        required=True,
    ),
    Column(
        "kind",
        ("jenis", "jenis_unit"),
        gettext_lazy(
            "perangkat_daerah, bidang, seksi, upt, kecamatan or kelurahan "
            "(Indonesian names such as bagian or subbagian are accepted)."
        ),
        "perangkat_daerah",
        required=True,
    ),
    Column(
        "parent_code",
        ("kode_induk",),
        gettext_lazy(
            "Code of the parent unit, in the database or elsewhere in the file; "
            "empty for a top-level unit."
        ),
        "",
    ),
    Column(
        "is_active",
        ("aktif",),
        gettext_lazy("yes/no (ya/tidak); empty keeps the current value, new units are active."),
        "yes",
    ),
)

POSITION_COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        ("kode", "kode_jabatan", "position_code"),
        gettext_lazy("Unique code of the position."),
        "CONTOH-ANALIS",
        required=True,
    ),
    Column(
        "name",
        ("nama", "nama_jabatan"),
        gettext_lazy("Name of the position (jabatan)."),
        gettext_lazy("Example position (delete this row)"),
        required=True,
    ),
    Column(
        "kind",
        ("jenis", "jenis_jabatan"),
        gettext_lazy(
            "jpt_utama, jpt_madya, jpt_pratama, administrator, pengawas, pelaksana or fungsional."
        ),
        "fungsional",
        required=True,
    ),
    Column(
        "jenjang",
        ("grade",),
        gettext_lazy(
            "Functional grade, only for functional positions: PT, MU, MA, UT, PM, TR, MH, PY "
            "or its name (Ahli Pertama…)."
        ),
        "PT",
    ),
    Column(
        "unit_code",
        ("kode_unit",),
        gettext_lazy("Code of an existing unit; empty for a position used across units."),
        "CONTOH-DINAS",
    ),
    Column(
        "standard",
        ("standar_kompetensi", "standar", "competency_standard"),
        gettext_lazy(
            "Competency standard: competency code = required level (1–5), separated by semicolons."
        ),
        "M.01=3; M.02=2",
    ),
    Column(
        "is_active",
        ("aktif",),
        gettext_lazy("yes/no (ya/tidak); empty keeps the current value, new positions are active."),
        "yes",
    ),
)

EMPLOYEE_COLUMNS: tuple[Column, ...] = (
    Column(
        "nip",
        ("nip_baru", "ni_pppk"),
        gettext_lazy("18-digit NIP (or NI PPPK); spaces are ignored. Format the column as text."),
        "199001012015011001",
        required=True,
    ),
    Column(
        "name",
        ("nama", "nama_lengkap", "full_name"),
        gettext_lazy("Full name without academic titles."),
        gettext_lazy("Example Employee (delete this row)"),
        required=True,
    ),
    Column(
        "email",
        ("surel", "e-mail", "alamat_email"),
        gettext_lazy("Official e-mail address; the invitation to the portal goes there."),
        "pegawai.contoh@contoh.example",
        required=True,
    ),
    Column("title_prefix", ("gelar_depan",), gettext_lazy("Title before the name."), "Dr."),
    Column(
        "title_suffix", ("gelar_belakang",), gettext_lazy("Titles after the name."), "S.Sos., M.Si."
    ),
    Column(
        "employment_type",
        ("jenis_pegawai", "status_kepegawaian"),
        gettext_lazy("PNS or PPPK; empty means PNS for a new employee."),
        "PNS",
    ),
    Column(
        "golongan",
        ("golongan_ruang", "gol"),
        gettext_lazy(
            "PNS: golongan/ruang as III/a or its SIASN id (31). "
            "PPPK: golongan I to XVII (Perpres 98/2020)."
        ),
        "III/a",
    ),
    Column(
        "unit_code",
        ("kode_unit",),
        gettext_lazy("Code of an existing unit."),
        "CONTOH-DINAS",
    ),
    Column(
        "position_code",
        ("kode_jabatan",),
        gettext_lazy("Code of an existing position."),
        "CONTOH-ANALIS",
    ),
    Column(
        "supervisor_nip",
        ("nip_atasan",),
        gettext_lazy("NIP of the direct supervisor: an employee in the database or in this file."),
        "",
    ),
    Column(
        "joined_on",
        ("tmt", "tanggal_mulai"),
        gettext_lazy("Start date, YYYY-MM-DD or DD-MM-YYYY."),
        "2015-01-01",
    ),
    Column(
        "is_active",
        ("aktif",),
        gettext_lazy(
            "yes/no (ya/tidak); no deactivates the employee and their account. "
            "Empty keeps the current value; new employees are active."
        ),
        "yes",
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    UNITS: UNIT_COLUMNS,
    POSITIONS: POSITION_COLUMNS,
    EMPLOYEES: EMPLOYEE_COLUMNS,
}


# REPORT ----------------------------------------------------------------------------------


# How much of an offending cell the error report repeats.
ERROR_VALUE_MAX_LENGTH = 100


@dataclass(frozen=True)
class RowError:
    """`row` is the spreadsheet row number (the header is row 1; 0 means the whole file).
    `column` is the header as written in the file; `value` the offending cell as read
    (shortened to ERROR_VALUE_MAX_LENGTH), so the report can repeat it."""

    row: int
    column: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        if self.row == 0:
            return _("file: %(message)s") % {"message": self.message}
        return _("row %(row)d, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column or "-",
            "message": self.message,
        }


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # Worth a look but not blocking (e.g. titles typed inside the name).
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


class ImportFileError(Exception):
    """The file cannot be read at all (wrong type, not UTF-8, damaged)."""


# READING ---------------------------------------------------------------------------------


def _key(text: Any) -> str:
    return re.sub(r"[\s_\-]", "", str(text or "")).lower()


def file_format_for(filename: str) -> FileFormat:
    name = filename.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".xlsx"):
        return "xlsx"
    raise ImportFileError(_("Only CSV (.csv) and Excel (.xlsx) files can be imported."))


def check_file(*, data: bytes, filename: str) -> FileFormat:
    """Checks that the content matches the extension: an .xlsx must be a real Excel
    workbook (a zip archive with a workbook inside), a .csv must be UTF-8 text."""
    file_format = file_format_for(filename)
    if file_format == "xlsx":
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ImportFileError(_("This .xlsx file is not an Excel workbook."))
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                size = sum(info.file_size for info in archive.infolist())
                shared_strings = sum(
                    info.file_size
                    for info in archive.infolist()
                    if info.filename.lower().endswith("sharedstrings.xml")
                )
        except (zipfile.BadZipFile, OSError) as exc:
            raise ImportFileError(_("This .xlsx file is damaged.")) from exc
        if "xl/workbook.xml" not in names:
            raise ImportFileError(_("This .xlsx file is not an Excel workbook."))
        if size > MAX_XLSX_UNCOMPRESSED:
            raise ImportFileError(_("This .xlsx file is too large once unpacked."))
        if shared_strings > MAX_XLSX_SHARED_STRINGS:
            raise ImportFileError(_too_large_message())
    else:
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _(
                    "This CSV file is not UTF-8 text. In Excel choose "
                    "“CSV UTF-8 (Comma delimited)” when saving."
                )
            ) from exc
        if b"\x00" in data:
            raise ImportFileError(_("This CSV file contains binary data."))
    return file_format


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    text = data.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    # Excel in an Indonesian locale saves CSV with semicolons (the comma is the decimal
    # separator there).
    delimiter = max((",", ";", "\t"), key=first_line.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _too_large_message() -> str:
    return _(
        "This file is too large to check at once (more than %(cells)s cells, rows × "
        "columns, or more than %(seconds)d seconds of reading). Nothing was changed. "
        "Remove the columns the portal does not use, or split it into files of at most "
        "%(rows)s rows."
    ) % {
        "cells": number_format(MAX_CELLS, force_grouping=True),
        "seconds": MAX_READ_SECONDS,
        "rows": number_format(MAX_ROWS, force_grouping=True),
    }


@dataclass(frozen=True)
class _Formula:
    """A formula cell saved without its result (a file written by a script, or by a
    program that does not calculate). Read as empty it would clear the field, so it is
    an error naming the cell."""

    coordinate: str
    formula: str

    def __str__(self) -> str:
        return self.formula


def _xlsx_rows(data: bytes, info: dict[str, int] | None = None) -> Iterator[Sequence[Any]]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    # Opened twice, both streaming: the values (the result each formula had when the file
    # was saved) and the formulas, to tell a formula without a result from an empty cell.
    try:
        values_book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formula_book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportFileError(_("This .xlsx file cannot be read.")) from exc
    try:
        sheet = values_book.worksheets[0]
        formula_sheet = formula_book.worksheets[0]
        # The size the file declares is checked before reading any row; it may be wrong
        # (too small), so _read also counts the cells it actually reads.
        if sheet.max_row and sheet.max_column:
            declared = (sheet.max_row - (sheet.min_row or 1) + 1) * (
                sheet.max_column - (sheet.min_column or 1) + 1
            )
            if declared > MAX_CELLS:
                raise ImportFileError(_too_large_message())
            if info is not None:
                info["rows"] = sheet.max_row
        # Some programs write a wrong sheet size; without this, rows could be missed.
        sheet.reset_dimensions()
        formula_sheet.reset_dimensions()
        formula_rows = formula_sheet.iter_rows(min_row=1)
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = next(formula_rows, ())
            if not any(cell.data_type == "f" for cell in cells):
                yield values
                continue
            row = list(values)
            for position, cell in enumerate(cells):
                if cell.data_type == "f" and position < len(row) and row[position] is None:
                    coordinate = f"{get_column_letter(position + 1)}{number}"
                    row[position] = _Formula(coordinate, str(cell.value))
            yield row
    finally:
        values_book.close()
        formula_book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_START):
        text = text[1:]
    return text


@dataclass
class Table:
    columns: tuple[Column, ...]
    headers: dict[str, str]  # canonical key -> header as written in the file
    index: dict[str, int]  # canonical key -> position in the row
    rows: list[Row]


@dataclass
class Row:
    number: int
    raw: dict[str, Any]  # canonical key -> cell value as read
    table: Table | None = None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    def has(self, key: str) -> bool:
        return key in self.raw

    def text(self, key: str) -> str:
        return _cell_text(self.raw.get(key))

    def error(self, key: str, message: str) -> None:
        header = self.table.headers.get(key, key) if self.table else key
        value = self.text(key)
        if len(value) > ERROR_VALUE_MAX_LENGTH:
            value = value[: ERROR_VALUE_MAX_LENGTH - 1] + "…"
        self.errors.append(RowError(self.number, header, message, value))

    def warn(self, key: str, message: str) -> None:
        """A warning about the cell: shown in the check, the row is still imported."""
        header = self.table.headers.get(key, key) if self.table else key
        self.warnings.append(RowError(self.number, header, message, self.text(key)))


# A progress callback gets a percentage: reading is 0–70 %, checking the rows 70–95 %.
Progress = Callable[[int], None]
PROGRESS_EVERY_ROWS = 1000


def _read(
    data: bytes,
    filename: str,
    columns: tuple[Column, ...],
    report: ImportReport,
    progress: Progress | None = None,
) -> Table | None:
    try:
        file_format = check_file(data=data, filename=filename)
        info = {"rows": data.count(b"\n") if file_format == "csv" else 0}
        reader: Iterable[Sequence[Any]] = (
            _xlsx_rows(data, info) if file_format == "xlsx" else _csv_rows(data)
        )
        iterator = iter(reader)
        header_row = next(iterator, None)
        if header_row is None or not any(_cell_text(h) for h in header_row):
            report.errors.append(RowError(1, "", _("The file has no header row.")))
            return None
        by_name = {_key(name): column for column in columns for name in column.names}
        headers: dict[str, str] = {}
        index: dict[str, int] = {}
        for position, header in enumerate(header_row):
            label = _cell_text(header)
            if not label:
                continue
            column = by_name.get(_key(label))
            if column is None:
                report.ignored_columns.append(label)
                continue
            if column.key in index:
                report.errors.append(
                    RowError(
                        1,
                        label,
                        _("Column %(column)s appears twice (as “%(first)s” and “%(second)s”).")
                        % {"column": column.key, "first": headers[column.key], "second": label},
                    )
                )
                continue
            headers[column.key] = label
            index[column.key] = position
        for column in columns:
            if column.required and column.key not in index:
                report.errors.append(
                    RowError(
                        1,
                        column.key,
                        _("The required column %(column)s (or %(alias)s) is missing.")
                        % {"column": column.key, "alias": column.aliases[0]},
                    )
                )
        if report.errors:
            return None
        table = Table(columns=columns, headers=headers, index=index, rows=[])
        cells = len(header_row)
        deadline = time.monotonic() + MAX_READ_SECONDS
        for number, values in enumerate(iterator, start=2):
            cells += max(len(values), 1)
            if cells > MAX_CELLS or time.monotonic() > deadline:
                report.errors.append(RowError(0, "", _too_large_message()))
                return None
            if progress is not None and number % PROGRESS_EVERY_ROWS == 0 and info["rows"]:
                progress(min(70, 70 * number // info["rows"]))
            if not any(_cell_text(v) for v in values):
                continue
            if len(table.rows) >= MAX_ROWS:
                report.errors.append(
                    RowError(
                        0,
                        "",
                        _("The file has more than %(count)d rows; split it into smaller files.")
                        % {"count": MAX_ROWS},
                    )
                )
                return None
            raw = {
                key: values[position] if position < len(values) else None
                for key, position in index.items()
            }
            row = Row(number=number, raw=raw, table=table)
            for key, value in raw.items():
                if isinstance(value, _Formula):
                    row.error(
                        key,
                        _(
                            "Cell %(cell)s holds a formula without a saved value; enter "
                            "the value itself."
                        )
                        % {"cell": value.coordinate},
                    )
                    raw[key] = None
            table.rows.append(row)
    except ImportFileError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return None
    except csv.Error as exc:
        report.errors.append(
            RowError(0, "", _("The CSV file cannot be read: %(error)s") % {"error": exc})
        )
        return None
    report.rows = len(table.rows)
    return table


# VALUE PARSERS (return None and record an error when the cell is invalid) ------------------

_MISSING = object()


def _required_text(row: Row, key: str, max_length: int) -> str | None:
    value = row.text(key)
    if not value:
        row.error(key, _("This column is required."))
        return None
    if len(value) > max_length:
        row.error(
            key,
            _("At most %(max)d characters (this has %(count)d).")
            % {"max": max_length, "count": len(value)},
        )
        return None
    return value


def _optional_text(row: Row, key: str, max_length: int) -> Any:
    if not row.has(key):
        return _MISSING
    value = row.text(key)
    if len(value) > max_length:
        row.error(
            key,
            _("At most %(max)d characters (this has %(count)d).")
            % {"max": max_length, "count": len(value)},
        )
        return _MISSING
    return value


def _code(row: Row, key: str, max_length: int) -> str | None:
    value = _required_text(row, key, max_length)
    if value is None:
        return None
    try:
        code_validator(value)
    except ValidationError:
        row.error(key, _("Use only letters, digits, dots, dashes and underscores."))
        return None
    return value


def _boolean(row: Row, key: str) -> Any:
    """True/False, or _MISSING when the column is absent or the cell empty."""
    value = _key(row.text(key))
    if not value:
        return _MISSING
    if value in YES:
        return True
    if value in NO:
        return False
    row.error(key, _("Write yes or no (ya or tidak)."))
    return _MISSING


def _date(row: Row, key: str) -> Any:
    if not row.has(key):
        return _MISSING
    value = row.text(key)
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    row.error(key, _("Write the date as YYYY-MM-DD or DD-MM-YYYY."))
    return _MISSING


def _choice(row: Row, key: str, aliases: dict[str, str], hint: str) -> Any:
    value = row.text(key)
    if not value:
        return _MISSING
    choice = aliases.get(_key(value))
    if choice is None:
        row.error(
            key,
            _("Unknown value “%(value)s”. Use one of: %(hint)s.") % {"value": value, "hint": hint},
        )
        return _MISSING
    return choice


def _choice_aliases(
    choices: type[models.Choices], extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Accepts a choice's value, its English and Indonesian labels, and each name inside
    the label's parentheses ("Division (bidang/bagian)" → bidang, bagian)."""
    aliases: dict[str, str] = {}
    for value, label in choices.choices:
        names = {str(value)}
        for language in ("en", "id"):
            with translation.override(language):
                text = str(label)
            names.add(text)
            inside = re.search(r"\(([^)]*)\)", text)
            if inside:
                names.add(inside.group(1))
                names.update(inside.group(1).split("/"))
        for name in names:
            aliases.setdefault(_key(name), str(value))
    for name, value in (extra or {}).items():
        aliases[_key(name)] = str(value)
    return aliases


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    values = sorted(set(values), key=str)
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


def _in_bulk(queryset: QuerySet, field_name: str, values: Iterable[Any]) -> dict[Any, Any]:
    found = {}
    for chunk in _chunks(v for v in values if v):
        for obj in queryset.filter(**{f"{field_name}__in": chunk}):
            found[getattr(obj, field_name)] = obj
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _log_entries(
    *,
    model: type[models.Model],
    items: Iterable[tuple[models.Model, str, dict[str, list[Any]]]],
    actor: User | None,
    note: str,
    now: datetime.datetime,
    batch: uuid.UUID,
) -> None:
    """Bulk version of audit.audit_log: one ModelLogEntry per (instance, action, changes)."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    entries = []
    for instance, action, changes in items:
        data: dict[str, Any] = {"note": note}
        if changes:
            data["changes"] = {name: [_plain(a), _plain(b)] for name, (a, b) in changes.items()}
        entries.append(
            ModelLogEntry(
                content_type=content_type,
                label=str(instance)[:255],
                action=action,
                data=data,
                timestamp=now,
                uuid=batch,
                user=actor,
                content_changed=True,
                object_id=str(instance.pk),
            )
        )
    ModelLogEntry.objects.bulk_create(entries)


def _run(
    *,
    kind: Kind,
    data: bytes,
    filename: str,
    actor: User | None,
    dry_run: bool,
    plan: Callable[..., Any],
    apply: Callable[..., None],
    progress: Progress | None = None,
) -> ImportReport:
    report = ImportReport(kind=kind, dry_run=dry_run)
    table = _read(data, filename, COLUMNS[kind], report, progress)
    if table is None:
        return report
    if progress is not None:
        progress(70)

    def check() -> Any:
        planned = plan(table=table, actor=actor, report=report)
        for row in table.rows:
            report.errors.extend(row.errors)
            report.warnings.extend(row.warnings)
        report.errors.sort(key=lambda e: e.row)
        return planned

    if dry_run:
        # Reads only: no transaction, so a long check never holds a write lock.
        check()
        return report
    try:
        with transaction.atomic():
            planned = check()
            if report.errors:
                return report
            apply(planned=planned, actor=actor, note=f"import: {filename}")
    except IntegrityError:
        report.errors.append(
            RowError(
                0,
                "",
                _(
                    "The data changed while the file was being imported; nothing was "
                    "written. Try again."
                ),
            )
        )
    return report


def _scope(actor: User | None) -> OrgUnit | None:
    return hr_scope_unit(user=actor) if actor is not None else None


def _privileged_message() -> str:
    return _(
        "Only an administrator can change the sign-in e-mail or status of an HR manager, "
        "trainer or administrator."
    )


def _outside_scope_message() -> str:
    return _("This unit is outside the part of the organisation you manage.")


def _supervisor_outside_scope_message(nip: str) -> str:
    return _(
        "The supervisor with NIP %(nip)s works in a unit outside the part of the "
        "organisation you manage; only an HR manager whose scope covers both may link them."
    ) % {"nip": nip}


# UNITS -------------------------------------------------------------------------------------


def _unit_kind_aliases() -> dict[str, str]:
    return _choice_aliases(
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
    parent_code: Any  # str, None (top level) or _MISSING (leave as is)
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
    kinds = _unit_kind_aliases()
    name_max = OrgUnit._meta.get_field("name").max_length or 200
    code_max = OrgUnit._meta.get_field("code").max_length or 40

    planned: list[_UnitRow] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        code = _code(row, "code", code_max)
        name = _required_text(row, "name", name_max)
        kind = _choice(row, "kind", kinds, ", ".join(OrgUnit.Kind.values))
        if kind is _MISSING and not row.text("kind"):
            row.error("kind", _("This column is required."))
        is_active = _boolean(row, "is_active")
        parent_code: Any = _MISSING
        if row.has("parent_code"):
            parent_code = row.text("parent_code") or None
        if code is None:
            continue
        if code in seen:
            row.error("code", _("This code also appears in row %(row)d.") % {"row": seen[code]})
            continue
        seen[code] = row.number
        values: dict[str, Any] = {"name": name, "kind": kind}
        if is_active is not _MISSING:
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

    in_file = {p.code: p for p in planned}
    final_parent = dict(db_parent)
    for item in planned:
        if item.parent_code is not _MISSING:
            final_parent[item.code] = item.parent_code
        elif item.existing is None:
            final_parent[item.code] = None
    for item in planned:
        parent = item.parent_code
        if parent not in (_MISSING, None):
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

    scope = _scope(actor)
    if scope is not None:

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
                item.row.error("code", _outside_scope_message())
            elif not inside(item.code):
                item.row.error("parent_code", _outside_scope_message())

    for item in planned:
        if item.row.errors:
            continue
        if item.existing is None:
            report.created += 1
            continue
        unit = item.existing
        for name, value in item.values.items():
            if value is not None and value is not _MISSING and getattr(unit, name) != value:
                item.changes[name] = [getattr(unit, name), value]
        if item.parent_code is not _MISSING and item.parent_code != db_parent.get(item.code):
            item.changes["parent"] = [db_parent.get(item.code), item.parent_code]
        if item.changes:
            report.updated += 1
        else:
            report.unchanged += 1
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
            if item.parent_code in (_MISSING, None):
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
    _log_entries(
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
    return _run(
        kind=UNITS,
        data=data,
        filename=filename,
        actor=actor,
        dry_run=dry_run,
        plan=_plan_units,
        apply=_apply_units,
        progress=progress,
    )


# POSITIONS ---------------------------------------------------------------------------------


def _position_kind_aliases() -> dict[str, str]:
    return _choice_aliases(Position.Kind, {"jft": Position.Kind.FUNGSIONAL})


def _jenjang_aliases() -> dict[str, str]:
    return _choice_aliases(Position.Jenjang)


def standard_format(levels: dict[str, int]) -> str:
    return "; ".join(f"{code}={level}" for code, level in sorted(levels.items()))


def _standard(row: Row, competencies: dict[str, Competency]) -> Any:
    """{competency code: level}, or _MISSING when the column is absent or a cell invalid."""
    if not row.has("standard"):
        return _MISSING
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
            return _MISSING
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
    return levels if ok else _MISSING


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


def _unit_in_scope(unit: OrgUnit | None, scope: OrgUnit | None) -> bool:
    return scope is None or (unit is not None and unit.path.startswith(scope.path))


@dataclass
class _PositionPlan:
    items: list[_PositionRow]
    competencies: dict[str, Competency]


def _plan_positions(*, table: Table, actor: User | None, report: ImportReport) -> _PositionPlan:
    codes = {row.text("code") for row in table.rows}
    existing = _in_bulk(Position.objects.select_related("unit"), "code", codes)
    units = _in_bulk(OrgUnit.objects.all(), "code", (row.text("unit_code") for row in table.rows))
    competencies = _in_bulk(Competency.objects.all(), "code", _standard_codes(table))
    current: dict[int, dict[str, int]] = defaultdict(dict)
    if existing:
        for chunk in _chunks(p.pk for p in existing.values()):
            for position_id, competency_code, level in PositionRequirement.objects.filter(
                position_id__in=chunk
            ).values_list("position_id", "competency__code", "required_level"):
                current[position_id][competency_code] = level
    kinds, jenjangs = _position_kind_aliases(), _jenjang_aliases()
    scope = _scope(actor)
    code_max = Position._meta.get_field("code").max_length or 40
    name_max = Position._meta.get_field("name").max_length or 200

    planned: list[_PositionRow] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        code = _code(row, "code", code_max)
        name = _required_text(row, "name", name_max)
        kind = _choice(row, "kind", kinds, ", ".join(Position.Kind.values))
        if kind is _MISSING and not row.text("kind"):
            row.error("kind", _("This column is required."))
        jenjang: Any = _MISSING
        if row.has("jenjang"):
            jenjang = (
                _choice(row, "jenjang", jenjangs, ", ".join(Position.Jenjang.values))
                if row.text("jenjang")
                else ""
            )
        unit: Any = _MISSING
        if row.has("unit_code"):
            unit_code = row.text("unit_code")
            unit = units.get(unit_code) if unit_code else None
            if unit_code and unit is None:
                row.error("unit_code", _("No unit has the code “%(code)s”.") % {"code": unit_code})
                unit = _MISSING
        standard = _standard(row, competencies)
        is_active = _boolean(row, "is_active")
        if code is None:
            continue
        if code in seen:
            row.error("code", _("This code also appears in row %(row)d.") % {"row": seen[code]})
            continue
        seen[code] = row.number
        position = existing.get(code)
        values: dict[str, Any] = {"name": name, "kind": kind}
        if jenjang is not _MISSING:
            values["jenjang"] = jenjang
        if unit is not _MISSING:
            values["unit"] = unit
        if is_active is not _MISSING:
            values["is_active"] = is_active
        item = _PositionRow(row=row, code=code, values=values, standard=standard, existing=position)
        planned.append(item)
        if row.errors:
            continue
        # The model's rule: only functional positions have a grade, and they must.
        final_kind = kind
        final_jenjang = values.get("jenjang", position.jenjang if position else "")
        if final_kind == Position.Kind.FUNGSIONAL and not final_jenjang:
            row.error("jenjang", _("A functional position needs its grade (jenjang)."))
        elif final_kind != Position.Kind.FUNGSIONAL and final_jenjang:
            row.error("jenjang", _("Only functional positions have a grade (jenjang)."))
        if scope is not None:
            final_unit = values.get("unit", position.unit if position else None)
            if position is not None and not _unit_in_scope(position.unit, scope):
                row.error(
                    "code",
                    _(
                        "This position belongs to a unit outside the part of the organisation you manage."
                    ),
                )
            elif not _unit_in_scope(final_unit, scope):
                row.error("unit_code", _outside_scope_message())
        if row.errors:
            continue
        if position is None:
            report.created += 1
            continue
        item.current_standard = current.get(position.pk, {})
        for field_name, value in values.items():
            old = getattr(position, field_name)
            if old != value:
                if field_name == "unit":
                    item.changes["unit"] = [old.pk if old else None, value.pk if value else None]
                else:
                    item.changes[field_name] = [old, value]
        if standard is not _MISSING and standard != item.current_standard:
            item.changes["standard"] = [
                standard_format(item.current_standard),
                standard_format(standard),
            ]
        if item.changes:
            report.updated += 1
        else:
            report.unchanged += 1
    return _PositionPlan(items=planned, competencies=competencies)


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
    for chunk in _chunks(item.existing.pk for item in restandardised if item.existing):
        PositionRequirement.objects.filter(position_id__in=chunk).delete()
    requirements = [
        PositionRequirement(position=position, competency=competencies[code], required_level=level)
        for item, position in zip(new, created, strict=True)
        if item.standard is not _MISSING
        for code, level in item.standard.items()
    ] + [
        PositionRequirement(
            position=item.existing, competency=competencies[code], required_level=level
        )
        for item in restandardised
        for code, level in item.standard.items()
    ]
    PositionRequirement.objects.bulk_create(requirements)
    _log_entries(
        model=Position,
        items=[(p, audit.CREATE, {}) for p in created]
        + [(item.existing, audit.EDIT, item.changes) for item in changed if item.existing],
        actor=actor,
        note=note,
        now=now,
        batch=uuid.uuid4(),
    )


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
    return _run(
        kind=POSITIONS,
        data=data,
        filename=filename,
        actor=actor,
        dry_run=dry_run,
        plan=_plan_positions,
        apply=_apply_positions,
        progress=progress,
    )


# EMPLOYEES ---------------------------------------------------------------------------------

EMPLOYMENT_TYPES: dict[str, str] = {
    "pns": Employee.EmploymentType.PNS,
    "pppk": Employee.EmploymentType.PPPK,
    "p3k": Employee.EmploymentType.PPPK,
}
# Employee fields an import can set, compared one by one to decide whether a row changed.
EMPLOYEE_IMPORT_FIELDS = (
    "full_name",
    "title_prefix",
    "title_suffix",
    "employment_type",
    "golongan",
    "pppk_golongan",
    "unit",
    "position",
    "joined_on",
    "is_active",
)


def _golongan_aliases() -> dict[str, int]:
    aliases: dict[str, int] = {}
    for value, label in Golongan.choices:
        aliases[_key(label)] = value
        aliases[str(value)] = value
    return aliases


def _pppk_golongan_aliases() -> dict[str, int]:
    """PPPK golongan I–XVII (Perpres 98/2020), as the Roman numeral or its number."""
    aliases: dict[str, int] = {}
    for value, label in PppkGolongan.choices:
        aliases[_key(label)] = value
        aliases[str(value)] = value
    return aliases


@dataclass(eq=False)
class _EmployeeRow:
    row: Row
    nip: str
    email: str
    values: dict[str, Any]  # Employee field -> wanted value (only the columns in the file)
    supervisor_nip: Any  # _MISSING (leave as is), None (no supervisor) or a NIP
    user: User | None = None  # the account with this NIP, if any
    employee: Employee | None = None
    supervisor_id: Any = _MISSING  # resolved: an id, None, or _NEW (a row of this file)
    changes: dict[str, list[Any]] = field(default_factory=dict)
    user_fields: dict[str, Any] = field(default_factory=dict)


_NEW = object()


@dataclass
class _EmployeePlan:
    items: list[_EmployeeRow]


def _nip(row: Row, key: str) -> str:
    """The NIP without separators, nor the apostrophe people type to keep Excel from
    turning it into a number."""
    return nip_normalize(row.text(key).lstrip("'"))


# Academic and professional titles typed inside the name column ("Dr. Budi, S.Kom."): a
# prefix (Dr., Drs., Dra., Ir., Prof., dr., drg.) or a degree written with dots (S.Kom.,
# S.E., M.M., M.Si., A.Md., Ph.D.). "M. Rizki" (an initial and a space) is a name.
NAME_TITLE_RE = re.compile(
    r"(?<![\w.])((?:Dr|Drs|Dra|Ir|Prof|dr|drg)\.|(?:[SMAD]\.[A-Z][A-Za-z]{0,5}\.?)|Ph\.D\.?)"
    r"(?=$|[\s,])"
)


def _split_name(full_name: str) -> tuple[str, str]:
    first, _sep, last = full_name.partition(" ")
    return first[:150], last[:150]


def _plan_employees(*, table: Table, actor: User | None, report: ImportReport) -> _EmployeePlan:
    nips = {_nip(row, "nip") for row in table.rows}
    nips |= {_nip(row, "supervisor_nip") for row in table.rows}
    users = _in_bulk(User.objects.select_related("employee__unit"), "nip", nips)
    emails = _in_bulk(
        User.objects.all(), "email", (row.text("email").lower() for row in table.rows)
    )
    units = _in_bulk(OrgUnit.objects.all(), "code", (row.text("unit_code") for row in table.rows))
    positions = _in_bulk(
        Position.objects.all(), "code", (row.text("position_code") for row in table.rows)
    )
    scope = _scope(actor)
    # Accounts whose sign-in e-mail and status only an administrator may change: a scoped
    # HR manager must not be able to take over an administrator's account by import.
    actor_is_admin = actor is None or has_role(actor, Role.ADMINISTRATOR)
    privileged = (
        set() if actor_is_admin else privileged_user_ids(user_ids=[u.pk for u in users.values()])
    )
    golongan_aliases = _golongan_aliases()
    pppk_golongan_aliases = _pppk_golongan_aliases()
    meta = Employee._meta

    def max_length(name: str) -> int:
        return meta.get_field(name).max_length or 200  # type: ignore[union-attr]

    items: list[_EmployeeRow] = []
    seen_nips: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for row in table.rows:
        raw_nip = row.raw.get("nip")
        nip = _nip(row, "nip")
        user = users.get(nip)
        employee: Employee | None = getattr(user, "employee", None) if user else None
        values: dict[str, Any] = {}

        employment_type = _choice(row, "employment_type", EMPLOYMENT_TYPES, "PNS, PPPK")
        if employment_type is not _MISSING:
            values["employment_type"] = employment_type
        final_type = values.get(
            "employment_type",
            employee.employment_type if employee else Employee.EmploymentType.PNS,
        )
        if isinstance(raw_nip, (int, float)) and not isinstance(raw_nip, bool):
            row.error(
                "nip",
                _(
                    "The NIP is stored as a number, so the spreadsheet may have changed its "
                    "last digits. Format the column as text and type the NIP again."
                ),
            )
        elif not nip:
            row.error("nip", _("This column is required."))
        else:
            try:
                validate_nip(nip, pppk=final_type == Employee.EmploymentType.PPPK)
            except ValidationError as exc:
                for message in exc.messages:
                    row.error("nip", message)
            if nip in seen_nips:
                row.error(
                    "nip", _("This NIP also appears in row %(row)d.") % {"row": seen_nips[nip]}
                )
            else:
                seen_nips[nip] = row.number

        full_name = _required_text(row, "name", max_length("full_name"))
        if full_name is not None:
            values["full_name"] = full_name
            if titles := NAME_TITLE_RE.findall(full_name):
                row.warn(
                    "name",
                    _(
                        "The name seems to contain academic titles (%(titles)s): put them "
                        "in the gelar_depan and gelar_belakang columns."
                    )
                    % {"titles": ", ".join(titles)},
                )

        email = row.text("email").lower()
        if not email:
            row.error("email", _("This column is required."))
        else:
            try:
                validate_email(email)
                if len(email) > 254:
                    raise ValidationError("too long")
            except ValidationError:
                row.error(
                    "email", _("“%(email)s” is not a valid e-mail address.") % {"email": email}
                )
            else:
                owner = emails.get(email)
                if email in seen_emails:
                    row.error(
                        "email",
                        _("This e-mail address also appears in row %(row)d.")
                        % {"row": seen_emails[email]},
                    )
                elif owner is not None and owner.nip != nip:
                    row.error("email", _("This e-mail address belongs to another account."))
                seen_emails.setdefault(email, row.number)

        for key, field_name in (("title_prefix", "title_prefix"), ("title_suffix", "title_suffix")):
            value = _optional_text(row, key, max_length(field_name))
            if value is not _MISSING:
                values[field_name] = value

        if row.has("golongan"):
            # One column, read by the row's employment type: PNS golongan/ruang, or PPPK
            # golongan I–XVII (Perpres 98/2020); each clears the other scale.
            text = row.text("golongan")
            is_pppk = final_type == Employee.EmploymentType.PPPK
            if not text:
                values["golongan"] = None
                values["pppk_golongan"] = None
            elif is_pppk and _key(text) in pppk_golongan_aliases:
                values["golongan"] = None
                values["pppk_golongan"] = pppk_golongan_aliases[_key(text)]
            elif is_pppk and _key(text) in golongan_aliases:
                row.error("golongan", _("PNS golongan does not apply to PPPK employees."))
            elif not is_pppk and _key(text) in golongan_aliases:
                values["golongan"] = golongan_aliases[_key(text)]
                values["pppk_golongan"] = None
            elif not is_pppk and _key(text) in pppk_golongan_aliases:
                row.error("golongan", _("PPPK golongan does not apply to PNS employees."))
            elif is_pppk:
                row.error(
                    "golongan",
                    _("Unknown PPPK golongan “%(value)s”. Write it as I to XVII.")
                    % {"value": text},
                )
            else:
                row.error(
                    "golongan",
                    _("Unknown golongan “%(value)s”. Write it as III/a or as its SIASN id (31).")
                    % {"value": text},
                )

        for key, field_name, found, unknown in (
            ("unit_code", "unit", units, _("No unit has the code “%(code)s”.")),
            ("position_code", "position", positions, _("No position has the code “%(code)s”.")),
        ):
            if not row.has(key):
                continue
            code = row.text(key)
            if not code:
                values[field_name] = None
            elif code in found:
                values[field_name] = found[code]
            else:
                row.error(key, unknown % {"code": code})

        supervisor_nip: Any = _MISSING
        if row.has("supervisor_nip"):
            supervisor_nip = _nip(row, "supervisor_nip") or None
            if supervisor_nip is not None and supervisor_nip == nip:
                row.error("supervisor_nip", _("An employee cannot be their own supervisor."))
                supervisor_nip = _MISSING

        joined_on = _date(row, "joined_on")
        if joined_on is not _MISSING:
            values["joined_on"] = joined_on
        is_active = _boolean(row, "is_active")
        if is_active is not _MISSING:
            values["is_active"] = is_active

        final_golongan = values.get("golongan", employee.golongan if employee else None)
        final_pppk_golongan = values.get(
            "pppk_golongan", employee.pppk_golongan if employee else None
        )
        if not row.has("golongan"):  # else read above by the row's employment type
            if final_type == Employee.EmploymentType.PPPK and final_golongan:
                row.error("golongan", _("PNS golongan does not apply to PPPK employees."))
            if final_type != Employee.EmploymentType.PPPK and final_pppk_golongan:
                row.error("golongan", _("PPPK golongan does not apply to PNS employees."))

        if scope is not None:
            if employee is not None and not _unit_in_scope(employee.unit, scope):
                row.error(
                    "nip",
                    _(
                        "This employee belongs to a unit outside the part of the "
                        "organisation you manage."
                    ),
                )
            elif "unit" in values or not row.has("unit_code"):
                final_unit = values.get("unit", employee.unit if employee else None)
                if final_unit is None:
                    row.error(
                        "unit_code",
                        _(
                            "Give the code of a unit inside the part of the organisation you manage."
                        ),
                    )
                elif not _unit_in_scope(final_unit, scope):
                    row.error("unit_code", _outside_scope_message())

        if user is not None and not actor_is_admin:
            if scope is not None and employee is None:
                row.error(
                    "nip",
                    _(
                        "This NIP belongs to an account outside the part of the organisation you manage."
                    ),
                )
            elif user.pk in privileged and (
                row.text("email").lower() != user.email
                or values.get("is_active", user.is_active) != user.is_active
            ):
                row.error("email", _privileged_message())

        items.append(
            _EmployeeRow(
                row=row,
                nip=nip,
                email=email,
                values=values,
                supervisor_nip=supervisor_nip,
                user=user,
                employee=employee,
            )
        )

    in_file = {item.nip: item for item in items if item.nip}
    for item in items:
        sup = item.supervisor_nip
        if sup is _MISSING:
            continue
        if sup is None:
            item.supervisor_id = None
        elif sup in in_file:
            target = in_file[sup]
            item.supervisor_id = target.employee.pk if target.employee else _NEW
        elif users.get(sup) is not None and getattr(users[sup], "employee", None) is not None:
            boss = users[sup].employee
            # A scoped manager must not hand a supervisor's rights over this employee to
            # someone employed outside their scope.
            if scope is not None and not _unit_in_scope(boss.unit, scope):
                item.row.error("supervisor_nip", _supervisor_outside_scope_message(sup))
            else:
                item.supervisor_id = boss.pk
        else:
            item.row.error(
                "supervisor_nip",
                _("No employee has the NIP %(nip)s (neither in the database nor in this file).")
                % {"nip": sup},
            )

    # A chain of supervisors within the file must not loop back (A → B → A).
    for item in items:
        if item.supervisor_nip in (_MISSING, None) or item.supervisor_nip not in in_file:
            continue
        current, steps = in_file.get(item.supervisor_nip), 0
        while current is not None and steps <= len(in_file):
            if current is item:
                item.row.error(
                    "supervisor_nip",
                    _("The chain of supervisors loops back to this employee."),
                )
                break
            nxt = current.supervisor_nip
            current = in_file.get(nxt) if isinstance(nxt, str) else None
            steps += 1

    for item in items:
        if item.row.errors:
            continue
        _diff_employee(item)
        if item.employee is None:
            report.created += 1
        elif item.changes:
            report.updated += 1
        else:
            report.unchanged += 1
    return _EmployeePlan(items=items)


def _diff_employee(item: _EmployeeRow) -> None:
    user, employee = item.user, item.employee
    if user is not None:
        if user.email != item.email:
            item.user_fields["email"] = item.email
            item.changes["email"] = [user.email, item.email]
        wanted_active = item.values.get("is_active")
        if wanted_active is not None and user.is_active != wanted_active:
            item.user_fields["is_active"] = wanted_active
    if employee is None:
        return
    for name in EMPLOYEE_IMPORT_FIELDS:
        if name not in item.values:
            continue
        new = item.values[name]
        if name in ("unit", "position"):
            old, new = getattr(employee, f"{name}_id"), new.pk if new else None
        else:
            old = getattr(employee, name)
        if old != new:
            item.changes[name] = [old, new]
    if item.supervisor_id is not _MISSING and (
        item.supervisor_id is _NEW or item.supervisor_id != employee.supervisor_id
    ):
        item.changes["supervisor"] = [employee.supervisor_id, item.supervisor_id]
    if "full_name" in item.changes and user is not None:
        item.user_fields["first_name"], item.user_fields["last_name"] = _split_name(
            item.values["full_name"]
        )
    if not item.changes:
        item.user_fields.clear()


def _apply_employees(*, planned: _EmployeePlan, actor: User | None, note: str) -> None:
    from allauth.account.models import EmailAddress

    now = timezone.now()
    items = planned.items

    # Accounts for people new to the portal: no password (they set one through the
    # invitation), a verified e-mail (HR vouches for it) and the Peserta role.
    new_accounts = [item for item in items if item.user is None]
    for item in new_accounts:
        first_name, last_name = _split_name(item.values["full_name"])
        is_active = item.values.get("is_active", True)
        user = User(
            email=item.email,
            nip=item.nip,
            first_name=first_name,
            last_name=last_name,
            is_active=is_active,
            # Owed from this insert on: user_invitations_sweep sends it if the batch
            # queued after commit is lost (docs/deployment.md, sweeps).
            invitation_sweep_at=now + INVITATION_SWEEP_GRACE if is_active else None,
        )
        user.set_unusable_password()
        item.user = user
    User.objects.bulk_create([item.user for item in new_accounts if item.user is not None])
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=item.user, email=item.email, primary=True, verified=True)
            for item in new_accounts
        ]
    )
    group = Group.objects.filter(name=Role.PESERTA).first()
    if group is not None:
        membership = User.groups.through
        membership.objects.bulk_create(
            [
                membership(user_id=item.user.pk, group_id=group.pk)
                for item in new_accounts
                if item.user
            ]
        )

    # Existing accounts whose e-mail, name or active flag changed.
    account_is_new = set(new_accounts)
    changed_users = [
        item
        for item in items
        if item.user_fields and item.user is not None and item not in account_is_new
    ]
    user_fields: set[str] = set()
    for item in changed_users:
        for name, value in item.user_fields.items():
            setattr(item.user, name, value)
            user_fields.add(name)
    if changed_users:
        User.objects.bulk_update(
            [item.user for item in changed_users if item.user is not None], sorted(user_fields)
        )
    email_changed = [item for item in changed_users if "email" in item.user_fields]
    for chunk in _chunks(item.user.pk for item in email_changed if item.user):
        EmailAddress.objects.filter(user_id__in=chunk).delete()
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=item.user, email=item.email, primary=True, verified=True)
            for item in email_changed
        ]
    )

    # New HR records (for new accounts and for accounts that had none).
    new_items = [item for item in items if item.employee is None]
    record_is_new = set(new_items)
    for item in new_items:
        is_active = item.values.get("is_active", True)
        item.employee = Employee(
            user=item.user,
            full_name=item.values["full_name"],
            title_prefix=item.values.get("title_prefix", ""),
            title_suffix=item.values.get("title_suffix", ""),
            employment_type=item.values.get("employment_type", Employee.EmploymentType.PNS),
            golongan=item.values.get("golongan"),
            pppk_golongan=item.values.get("pppk_golongan"),
            unit=item.values.get("unit"),
            position=item.values.get("position"),
            supervisor_id=None if item.supervisor_id in (_MISSING, _NEW) else item.supervisor_id,
            joined_on=item.values.get("joined_on"),
            is_active=is_active,
            deactivated_at=None if is_active else now,
        )
    # Supervisors first: each level of the chain within the file is one bulk insert, so
    # that every new record points at its supervisor without a second pass.
    by_nip = {item.nip: item.employee for item in items}
    created: list[Employee] = []
    remaining = new_items
    while remaining:
        level: list[Employee] = []
        later: list[_EmployeeRow] = []
        for item in remaining:
            employee = item.employee
            assert employee is not None  # noqa: S101 - built just above
            if item.supervisor_id is _NEW:
                boss = by_nip[item.supervisor_nip]
                if boss is None or boss.pk is None:
                    later.append(item)
                    continue
                item.supervisor_id = employee.supervisor_id = boss.pk
            level.append(employee)
        if not level:  # a loop of supervisors; planning reports it, so never reached
            raise ValueError("Supervisor loop among new employees")
        created += Employee.objects.bulk_create(level)
        remaining = later
    for item in items:
        if item.supervisor_id is _NEW:
            boss = by_nip[item.supervisor_nip]
            assert boss is not None  # noqa: S101 - every new record exists by now
            item.supervisor_id = boss.pk
            item.changes["supervisor"][1] = boss.pk

    # Changed HR records: only the fields that changed are written.
    changed = [item for item in items if item not in record_is_new and item.changes]
    employee_fields: set[str] = set()
    for item in changed:
        employee = item.employee
        assert employee is not None  # noqa: S101 - every existing row has its record
        for name in item.changes:
            if name == "email":
                continue
            if name == "supervisor":
                employee.supervisor_id = item.supervisor_id
            else:
                setattr(employee, name, item.values[name])
            employee_fields.add(name)
        if "is_active" in item.changes:
            employee.deactivated_at = None if employee.is_active else now
            employee_fields.add("deactivated_at")
        employee.updated_at = now
    if changed:
        Employee.objects.bulk_update(
            [item.employee for item in changed if item.employee is not None],
            [*sorted(employee_fields), "updated_at"],
        )

    _log_entries(
        model=Employee,
        items=[(e, audit.CREATE, {}) for e in created]
        + [(item.employee, audit.EDIT, item.changes) for item in changed if item.employee],
        actor=actor,
        note=note,
        now=now,
        batch=uuid.uuid4(),
    )
    employees_changed(
        [e.pk for e in created] + [i.employee.pk for i in changed if i.employee is not None]
    )

    invite = [item.user.pk for item in new_accounts if item.user and item.user.is_active]
    if invite:
        from accounts.tasks import user_invitations_send_batch

        requested_at = now.isoformat()
        enqueue_on_commit(user_invitations_send_batch, invite, requested_at)


def employees_import(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    dry_run: bool,
    progress: Progress | None = None,
) -> ImportReport:
    """Creates and updates employees (upsert by NIP). A new employee gets an account
    (no password, verified e-mail, role Peserta); one batch of invitations is queued
    after commit. `actor` None is the command line: no HR scope applies."""
    return _run(
        kind=EMPLOYEES,
        data=data,
        filename=filename,
        actor=actor,
        dry_run=dry_run,
        plan=_plan_employees,
        apply=_apply_employees,
        progress=progress,
    )


IMPORTERS: dict[str, Callable[..., ImportReport]] = {
    UNITS: units_import,
    POSITIONS: positions_import,
    EMPLOYEES: employees_import,
}


# EXPORT ------------------------------------------------------------------------------------


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
            standard_format({r.competency.code: r.required_level for r in p.requirements.all()}),
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


def import_template(kind: Kind, file_format: FileFormat) -> bytes:
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


# Pending uploads (docs/imports.md): stored in the database between the dry run and
# "Import now", so any web machine can serve either step.

PENDING_IMPORT_LIFETIME = datetime.timedelta(days=1)


def pending_import_store(
    *, user: User, kind: str, file_format: str, name: str, data: bytes, language: str = ""
) -> PendingImport:
    """Keep an upload for its owner and drop the owner's and everyone's stale ones."""
    PendingImport.objects.filter(created_at__lt=timezone.now() - PENDING_IMPORT_LIFETIME).delete()
    return PendingImport.objects.create(
        token=secrets.token_urlsafe(24),
        user=user,
        kind=kind,
        file_format=file_format,
        name=name[:200],
        data=data,
        language=language[:10],
    )


def pending_import_get(*, user: User, token: str) -> PendingImport | None:
    """The owner's upload, if it is still there and not older than a day."""
    return PendingImport.objects.filter(
        token=token,
        user=user,
        created_at__gte=timezone.now() - PENDING_IMPORT_LIFETIME,
    ).first()


def pending_import_claim(*, user: User, token: str) -> PendingImport | None:
    """Take the upload for the real import. Only one caller gets it: the row is deleted
    by a conditional DELETE, so a double click (or two machines) imports once."""
    pending = pending_import_get(user=user, token=token)
    if pending is None:
        return None
    deleted, _ = PendingImport.objects.filter(pk=pending.pk).delete()
    return pending if deleted else None
