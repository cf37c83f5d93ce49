"""Re-render stored certificate PDFs from their snapshots (after a template change).
Issued data stays as it is, and each certificate keeps the logo and signature recorded
when it was issued (docs/certificates.md). Certificates issued before images were
recorded are skipped unless their images are adopted first.

    manage.py certificate_pdfs_regenerate               # all, queued to Celery in batches
    manage.py certificate_pdfs_regenerate --course 42   # one course
    manage.py certificate_pdfs_regenerate --now         # here, without Celery
    manage.py certificate_pdfs_regenerate --adopt-current-images  # see below
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lms.selectors.certificates import certificate_ids_for_regeneration
from lms.services.certificate_pdfs import (
    certificate_images_adopt_current,
    certificate_pdfs_regenerate,
)
from lms.tasks import certificate_pdfs_regenerate_queue


class Command(BaseCommand):
    help = "Re-render the stored PDFs of issued certificates from their snapshots."

    def add_arguments(self, parser):
        parser.add_argument("--course", type=int, help="Only this course (page id).")
        parser.add_argument("--batch-size", type=int, default=100)
        parser.add_argument("--now", action="store_true", help="Render here, not in Celery.")
        parser.add_argument(
            "--adopt-current-images",
            action="store_true",
            help="First record the agency's current logo and signature as those of "
            "certificates issued before images were recorded (only if they have not "
            "changed since), so that those are re-rendered too.",
        )

    def handle(
        self, *args, course=None, batch_size=100, now=False, adopt_current_images=False, **options
    ):
        if adopt_current_images:
            adopted = certificate_images_adopt_current(course_id=course)
            self.stdout.write(f"Recorded the current images for {adopted} older certificates.")
        ids = certificate_ids_for_regeneration(course_id=course)
        if now:
            done = 0
            for start in range(0, len(ids), batch_size):
                done += certificate_pdfs_regenerate(certificate_ids=ids[start : start + batch_size])
            self.stdout.write(self.style.SUCCESS(f"Re-rendered {done} certificate PDFs."))
            if done < len(ids):
                self.stdout.write(
                    self.style.WARNING(
                        f"Kept {len(ids) - done} PDFs as they are: an image file is missing."
                    )
                )
            return
        batches = certificate_pdfs_regenerate_queue(certificate_ids=ids, batch_size=batch_size)
        self.stdout.write(
            self.style.SUCCESS(f"Queued {len(ids)} certificates in {batches} batches.")
        )
