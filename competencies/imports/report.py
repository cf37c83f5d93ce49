"""What an import found: the counts, every row error and warning, and the columns it
ignored. A background check stores its report as JSON on the `PendingImport`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# How much of an offending cell the error report repeats.
ERROR_VALUE_MAX_LENGTH = 100

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


def import_report_to_json(*, report: ImportReport) -> dict:
    return {
        "kind": report.kind,
        "dry_run": report.dry_run,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "errors": [[e.row, e.column, str(e.message), e.value] for e in report.errors],
        "ignored_columns": list(report.ignored_columns),
        "warnings": [[w.row, w.column, str(w.message), w.value] for w in report.warnings],
    }


def import_report_from_json(*, data: dict) -> ImportReport:
    return ImportReport(
        kind=data["kind"],
        dry_run=data["dry_run"],
        rows=data["rows"],
        created=data["created"],
        updated=data["updated"],
        unchanged=data["unchanged"],
        # Reports stored before the offending value was kept have three fields.
        errors=[RowError(*error) for error in data["errors"]],
        ignored_columns=list(data["ignored_columns"]),
        warnings=[RowError(*warning) for warning in data.get("warnings", [])],
    )
