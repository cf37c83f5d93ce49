"""Reading an import file: the checks on the file itself (type, size, a zip bomb), its
rows as cells, the header matched to the columns, and the bounds that keep a large or
hostile file from exhausting a web worker (docs/imports.md).

Files are read with the csv module and openpyxl directly rather than through a tablib
Dataset: a Dataset drops blank CSV lines (so the reported row numbers would no longer
match the spreadsheet) and refuses rows longer than the header. A cell that an export
guarded with an apostrophe (`competencies.spreadsheets.spreadsheet_safe`) is read without
it (`spreadsheet_unguard`), so an export re-imports unchanged."""

from __future__ import annotations

import csv
import datetime
import io
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from competencies.imports.columns import Column, FileFormat
from competencies.imports.report import ERROR_VALUE_MAX_LENGTH, ImportReport, RowError
from competencies.spreadsheets import spreadsheet_unguard

MAX_ROWS = 50_000
# An .xlsx is a zip archive; refuse one that inflates beyond this (a "zip bomb").
MAX_XLSX_UNCOMPRESSED = 300 * 1024 * 1024
# Reading a file is bounded before it can exhaust a web worker (docs/imports.md): the
# cells read (rows × columns, blank rows and ignored columns included), the shared text
# table openpyxl loads whole into memory, and the time spent reading.
MAX_CELLS = 2_000_000
MAX_XLSX_SHARED_STRINGS = 32 * 1024 * 1024
MAX_READ_SECONDS = 30.0


class ImportFileError(Exception):
    """The file cannot be read at all (wrong type, not UTF-8, damaged)."""


def match_key(text: Any) -> str:
    return re.sub(r"[\s_\-]", "", str(text or "")).lower()


def file_format_for(*, filename: str) -> FileFormat:
    name = filename.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".xlsx"):
        return "xlsx"
    raise ImportFileError(_("Only CSV (.csv) and Excel (.xlsx) files can be imported."))


def check_file(*, data: bytes, filename: str) -> FileFormat:
    """Checks that the content matches the extension: an .xlsx must be a real Excel
    workbook (a zip archive with a workbook inside), a .csv must be UTF-8 text."""
    file_format = file_format_for(filename=filename)
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
        # (too small), so `_read_rows` also counts the cells it actually reads.
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


def cell_text(value: Any) -> str:
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
    return spreadsheet_unguard(str(value).strip())


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
        return cell_text(self.raw.get(key))

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


def read_table(
    *,
    data: bytes,
    filename: str,
    columns: tuple[Column, ...],
    report: ImportReport,
    progress: Progress | None = None,
) -> Table | None:
    """The file's rows matched to `columns`, or None when the file cannot be imported at
    all (the reason is in `report.errors`). Rows with errors in single cells are kept:
    each carries its own errors."""
    try:
        file_format = check_file(data=data, filename=filename)
        info = {"rows": data.count(b"\n") if file_format == "csv" else 0}
        reader: Iterable[Sequence[Any]] = (
            _xlsx_rows(data, info) if file_format == "xlsx" else _csv_rows(data)
        )
        iterator = iter(reader)
        header_row = next(iterator, None)
        if header_row is None or not any(cell_text(h) for h in header_row):
            report.errors.append(RowError(1, "", _("The file has no header row.")))
            return None
        table = _table_for_header(header_row, columns, report)
        if table is None:
            return None
        if not _read_rows(iterator, table, report, len(header_row), info["rows"], progress):
            return None
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


def _table_for_header(
    header_row: Sequence[Any], columns: tuple[Column, ...], report: ImportReport
) -> Table | None:
    """An empty table whose columns are found in the header row, or None (with the
    errors in `report`) when a column is missing or appears twice."""
    by_name = {match_key(name): column for column in columns for name in column.names}
    headers: dict[str, str] = {}
    index: dict[str, int] = {}
    for position, header in enumerate(header_row):
        label = cell_text(header)
        if not label:
            continue
        column = by_name.get(match_key(label))
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
    return Table(columns=columns, headers=headers, index=index, rows=[])


def _read_rows(
    iterator: Iterator[Sequence[Any]],
    table: Table,
    report: ImportReport,
    cells: int,
    expected_rows: int,
    progress: Progress | None,
) -> bool:
    """Appends the non-blank rows to `table`; False (with the error in `report`) once
    the file is past a reading bound. `cells` counts the header's already."""
    deadline = time.monotonic() + MAX_READ_SECONDS
    for number, values in enumerate(iterator, start=2):
        cells += max(len(values), 1)
        if cells > MAX_CELLS or time.monotonic() > deadline:
            report.errors.append(RowError(0, "", _too_large_message()))
            return False
        if progress is not None and number % PROGRESS_EVERY_ROWS == 0 and expected_rows:
            progress(min(70, 70 * number // expected_rows))
        if not any(cell_text(v) for v in values):
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
            return False
        table.rows.append(_row(number, values, table))
    return True


def _row(number: int, values: Sequence[Any], table: Table) -> Row:
    raw = {
        key: values[position] if position < len(values) else None
        for key, position in table.index.items()
    }
    row = Row(number=number, raw=raw, table=table)
    for key, value in raw.items():
        if isinstance(value, _Formula):
            row.error(
                key,
                _("Cell %(cell)s holds a formula without a saved value; enter the value itself.")
                % {"cell": value.coordinate},
            )
            raw[key] = None
    return row
