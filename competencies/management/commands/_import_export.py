"""Shared code of the import_* and export_* commands (Django skips modules whose name
starts with an underscore when it looks for commands)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from competencies.imports.columns import FORMATS, FileFormat, Kind
from competencies.imports.exports import EXPORTERS
from competencies.imports.importers import IMPORTERS


class ImportCommand(BaseCommand):
    kind: Kind

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A .csv (UTF-8) or .xlsx file.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, without writing.",
        )

    def handle(self, *args: Any, file: str, dry_run: bool, **options: Any) -> None:
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc}
            ) from exc
        try:
            report = IMPORTERS[self.kind](
                data=data, filename=path.name, actor=None, dry_run=dry_run
            )
        except DatabaseError as exc:
            # The import is one transaction: a database going away rolls all of it back.
            # A message and a non-zero status for the nightly job, not a traceback.
            raise CommandError(
                _(
                    "The database could not be reached or refused the import; nothing was "
                    "imported. Run the command again once it is back. (%(error)s)"
                )
                % {"error": str(exc).strip()}
            ) from exc
        for error in report.errors:
            self.stderr.write(str(error))
        for column in report.ignored_columns:
            self.stdout.write(_("Ignored column: %(column)s") % {"column": column})
        summary = _(
            "%(rows)d rows: %(created)d new, %(updated)d changed, %(unchanged)d unchanged."
        ) % {
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        if not report.ok:
            raise CommandError(
                _("%(count)d errors in %(rows)d rows; nothing was imported.")
                % {"count": len(report.errors), "rows": report.error_rows}
            )
        if dry_run:
            self.stdout.write(_("Dry run, nothing was written. %(summary)s") % {"summary": summary})
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported. %(summary)s") % {"summary": summary}))


class ExportCommand(BaseCommand):
    kind: Kind

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=FORMATS, default="csv", dest="file_format")
        parser.add_argument(
            "--output", help="File to write; standard output when left out (CSV only)."
        )

    def queryset(self) -> Any:
        raise NotImplementedError

    def handle(
        self, *args: Any, file_format: FileFormat, output: str | None, **options: Any
    ) -> None:
        exporter = EXPORTERS[self.kind]
        if output is None and file_format == "xlsx":
            raise CommandError(_("An .xlsx export needs --output FILE."))
        data = exporter(queryset=self.queryset(), file_format=file_format)
        if output is None:
            self.stdout.write(data.decode("utf-8-sig"), ending="")
            return
        Path(output).write_bytes(data)
        self.stderr.write(_("Written to %(file)s.") % {"file": output})
