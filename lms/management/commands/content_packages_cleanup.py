"""Remove unpacked SCORM and H5P packages that no lesson, draft or attempt uses any more
(docs/scorm.md, "Replacing a package"). Safe to run twice; also run nightly by Celery.

    manage.py content_packages_cleanup              # remove them
    manage.py content_packages_cleanup --dry-run    # only count them
    manage.py content_packages_cleanup --grace-hours 1
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand

from lms.services.content_packages import content_packages_cleanup


class Command(BaseCommand):
    help = "Remove unpacked SCORM and H5P packages that nothing uses any more."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count them.")
        parser.add_argument(
            "--grace-hours",
            type=int,
            default=24,
            help="Keep packages uploaded less than this many hours ago (default 24).",
        )

    def handle(self, *args, dry_run=False, grace_hours=24, **options):
        result = content_packages_cleanup(grace=timedelta(hours=grace_hours), dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(f"{verb} {result.packages} packages ({result.files} files)")
