"""`manage.py hr_summaries_rebuild`: rebuilds the summary tables (current levels per
employee × competency, JP per employee × year, then the gap counts per unit ×
competency) from the rules, in batches. Idempotent:
it writes only the rows that differ, so a second run changes nothing. Run it once after
the migration that creates the tables, and whenever data was changed outside the
services (a restore, SQL by hand). docs/performance.md, "Summary tables"."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from competencies.services.summaries import BATCH_SIZE, summaries_rebuild


class Command(BaseCommand):
    help = "Rebuild the HR summary tables (current levels, yearly JP, gap counts) from the rules."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help="Employees per transaction (default %(default)s).",
        )

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        started = time.monotonic()
        changes = summaries_rebuild(batch_size=batch_size)
        self.stdout.write(
            f"Summaries rebuilt in {time.monotonic() - started:.1f} s: "
            f"{changes.created} rows added, {changes.updated} changed, "
            f"{changes.deleted} removed."
        )
