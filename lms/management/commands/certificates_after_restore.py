"""Run once after restoring a database dump, before the web and Celery processes start
again (docs/deployment.md, "Backup and restore"): advances the certificate counters past
every number handed out since the dump, so that no number is given to a second person.

    manage.py certificates_after_restore --dry-run            # show what it would do
    manage.py certificates_after_restore                      # margin of 100 per year
    manage.py certificates_after_restore --last 2026:404      # last number known from outside
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from lms.services.restore import certificate_sequences_advance


def _year_and_number(value: str) -> tuple[int, int]:
    year, _sep, number = value.partition(":")
    if not (year.isdigit() and number.isdigit()):
        raise CommandError(f"--last takes YEAR:NUMBER, e.g. 2026:404 (got {value!r}).")
    return int(year), int(number)


class Command(BaseCommand):
    help = "After a database restore: never hand out a certificate number twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--margin",
            type=int,
            default=100,
            help="Numbers to skip beyond the evidence, for certificates numbered after the "
            "dump whose PDF was never stored (default 100; 0 if --last is exact).",
        )
        parser.add_argument(
            "--last",
            action="append",
            default=[],
            metavar="YEAR:NUMBER",
            help="The highest sequence number known to have been issued in YEAR (from the "
            "worker log, an e-mail or a paper certificate). Repeat for several years.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Change nothing.")

    def handle(self, *args, margin=100, last=(), dry_run=False, **options):
        if margin < 0:
            raise CommandError("--margin cannot be negative.")
        last_issued: dict[int, int] = {}
        for value in last:
            year, number = _year_and_number(value)
            last_issued[year] = max(number, last_issued.get(year, 0))
        advances = certificate_sequences_advance(
            margin=margin, last_issued=last_issued, dry_run=dry_run
        )
        for advance in advances:
            verb = "would become" if dry_run else "is now"
            self.stdout.write(
                f"{advance.year}: counter {advance.restored_last} {verb} {advance.new_last} "
                f"(highest in the database {advance.highest_in_database}, PDFs the database "
                f"does not know {len(advance.lost_codes)}, given --last "
                f"{advance.operator_last or '-'}, margin {margin})"
            )
            if advance.lost_codes:
                self.stdout.write(
                    self.style.WARNING(
                        f"{advance.year}: {len(advance.lost_codes)} certificates issued after "
                        "the dump are not in the database; their verification links answer "
                        "404 until they are reissued. Codes:"
                    )
                )
                for code in advance.lost_codes:
                    self.stdout.write(f"  {code}")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
