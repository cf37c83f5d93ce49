"""One CSV/XLSX writer and one formula guard for every spreadsheet the portal hands out:
HR's JP compliance report, the training-needs report, the trainer's course report, the
import/export files, the SIASN export and the public open data.

Names, titles and unit names are typed by people. A spreadsheet program runs a cell that
starts with ``= + - @`` (or a tab or carriage return before one) as a formula, so a name
like ``=HYPERLINK("http://evil", "Klik")`` would become a live link or worse (CSV/formula
injection, OWASP). Every text cell therefore goes through `spreadsheet_safe`, which puts
an apostrophe in front, as OWASP advises; the importer removes it again
(`spreadsheet_unguard`), so an export re-imports unchanged. In XLSX files every text cell
is also written as a string cell, never as a formula (openpyxl would otherwise store a
text that starts with ``=`` as a formula).

CSV files start with a byte-order mark so that Excel reads them as UTF-8. `csv_response`
streams row by row; `xlsx_response` uses openpyxl's write-only mode and spools the file,
so memory stays flat for 10,000 rows."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}

Row = Sequence[Any]


def spreadsheet_safe(value: Any) -> Any:
    """The formula guard: text a spreadsheet would run as a formula gets an apostrophe
    in front; anything else (numbers, None, dates) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def spreadsheet_unguard(text: str) -> str:
    """The guard undone, for a cell read back by an import: the apostrophe in front of
    a formula start is dropped, so an export re-imports unchanged."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [spreadsheet_safe(value) for value in row]


class _Echo:
    """A file-like object whose `write` returns the text: csv.writer then yields lines."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """The byte-order mark, then each row as one guarded CSV line (``\\r\\n`` endings)."""
    writer = csv.writer(_Echo())
    yield BOM
    for row in rows:
        yield writer.writerow(safe_row(row))


def csv_bytes(rows: Iterable[Row]) -> bytes:
    return "".join(csv_lines(rows)).encode("utf-8")


def csv_response(*, rows: Iterable[Row], filename: str) -> StreamingHttpResponse:
    """A CSV download streamed row by row; `rows` (the header first) may be a generator."""
    response = StreamingHttpResponse(csv_lines(rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def spreadsheet_attachment(*, data: bytes, file_format: str, filename: str) -> HttpResponse:
    """A download of a file already written by `csv_bytes` or `xlsx_bytes` ("csv" or
    "xlsx"), for the exports the command line writes too."""
    response = HttpResponse(data, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_attachment(*, rows: Iterable[Row], filename: str) -> HttpResponse:
    """The same CSV, whole (small files: one course's learners, the open data)."""
    return spreadsheet_attachment(data=csv_bytes(rows), file_format="csv", filename=filename)


def _xlsx_write(target: Any, sheets: Iterable[tuple[str, Iterable[Row]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title[:31])  # Excel's limit for a sheet name
        for index, row in enumerate(rows):
            cells = []
            for value in safe_row(row):
                if isinstance(value, str):
                    # Control characters are not allowed in the file format. Removing
                    # them may uncover a formula start ("\x01=..."): guarded again.
                    value = spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
                    # openpyxl types a plain text as a string itself; the guard has already
                    # put an apostrophe before any "=". Only a text equal to an error code
                    # ("#N/A") needs the cell forced to text.
                    if index and value not in ERROR_CODES:
                        cells.append(value)
                        continue
                elif index:
                    cells.append(value)  # numbers, dates, None: as openpyxl types them
                    continue
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, never a formula
                if index == 0:
                    cell.font = bold
                cells.append(cell)
            sheet.append(cells)
    workbook.save(target)


def xlsx_bytes(*, sheets: Iterable[tuple[str, Iterable[Row]]]) -> bytes:
    """A workbook with one sheet per (title, rows); the first row of each is its header."""
    buffer = io.BytesIO()
    _xlsx_write(buffer, sheets)
    return buffer.getvalue()


def xlsx_response(*, sheets: Iterable[tuple[str, Iterable[Row]]], filename: str) -> FileResponse:
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    _xlsx_write(spool, sheets)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
