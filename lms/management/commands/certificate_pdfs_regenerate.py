"""Re-render stored certificate PDFs from their snapshots (after a template, logo or
signature change). Issued data stays as it is (docs/certificates.md).

    manage.py certificate_pdfs_regenerate               # all, queued to Celery in batches
    manage.py certificate_pdfs_regenerate --course 42   # one course
    manage.py certificate_pdfs_regenerate --now         # here, without Celery
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lms.services.certificates import certificate_ids_for_regeneration, certificate_pdfs_regenerate
from lms.tasks import certificate_pdfs_regenerate_queue


class Command(BaseCommand):
    help = "Re-render the stored PDFs of issued certificates from their snapshots."

    def add_arguments(self, parser):
        parser.add_argument("--course", type=int, help="Only this course (page id).")
        parser.add_argument("--batch-size", type=int, default=100)
        parser.add_argument("--now", action="store_true", help="Render here, not in Celery.")

    def handle(self, *args, course=None, batch_size=100, now=False, **options):
        ids = certificate_ids_for_regeneration(course_id=course)
        if now:
            done = 0
            for start in range(0, len(ids), batch_size):
                done += certificate_pdfs_regenerate(certificate_ids=ids[start : start + batch_size])
            self.stdout.write(self.style.SUCCESS(f"Re-rendered {done} certificate PDFs."))
            return
        batches = certificate_pdfs_regenerate_queue(certificate_ids=ids, batch_size=batch_size)
        self.stdout.write(
            self.style.SUCCESS(f"Queued {len(ids)} certificates in {batches} batches.")
        )
