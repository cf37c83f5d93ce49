"""The bulk ZIP: HR asks for the PDFs of one course, or of one unit subtree within their
scope; Celery builds the ZIP (lms.tasks.certificate_bulk_zip, re-queued by
certificate_bulk_zip_sweep) and it is deleted after LMS_CERTIFICATE_ZIP_RETENTION_HOURS
(lms.tasks.certificate_bulk_jobs_delete_expired). Which certificates go in, and the job's
download checks, are lms.selectors.certificates."""

from __future__ import annotations

import datetime
import logging
import re
import tempfile
import zipfile
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.rules import require_hr
from competencies.selectors.hr_scope import hr_scope_unit
from config.celery import enqueue_on_commit
from lms.models import Certificate, CertificateBulkJob, CoursePage
from lms.selectors.certificates import certificate_bulk_queryset
from lms.services.certificate_pdfs import certificate_pdf_ensure

if TYPE_CHECKING:
    from accounts.models import User
    from competencies.models import OrgUnit

logger = logging.getLogger(__name__)


def certificate_bulk_job_create(
    *, actor: User, course: CoursePage | None = None, unit: OrgUnit | None = None
) -> CertificateBulkJob:
    """Creates the job and queues the ZIP after commit. HR only, within their scope (a
    unit outside it is refused)."""
    from lms.tasks import certificate_bulk_zip

    if (course is None) == (unit is None):
        raise ValidationError(_("Choose either a course or a unit."))
    require_hr(actor)
    scope = hr_scope_unit(user=actor)
    if unit is not None and scope is not None and not unit.path.startswith(scope.path):
        raise PermissionDenied
    total = certificate_bulk_queryset(actor=actor, course=course, unit=unit).count()
    job = CertificateBulkJob.objects.create(
        requested_by=actor, course=course, unit=unit, total=total
    )
    # A broker that is down is logged, not an error page; certificate_bulk_zip_sweep
    # queues the job again.
    enqueue_on_commit(certificate_bulk_zip, job.pk)
    return job


def _certificate_bulk_job_claim(*, job_id: int) -> bool:
    """Takes the job for this worker, in one UPDATE: a queued job, a failed one (the
    task's own retry) or a running one whose lease has run out (its worker died: the
    hard time limit has passed). While running, `finished_at` holds the lease's end,
    so the sweep re-queuing the job or a redelivery does not build it a second time."""
    now = timezone.now()
    lease = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    claimable = Q(
        status__in=[CertificateBulkJob.Status.QUEUED, CertificateBulkJob.Status.FAILED]
    ) | Q(status=CertificateBulkJob.Status.RUNNING, finished_at__lt=now)
    return bool(
        CertificateBulkJob.objects.filter(claimable, pk=job_id).update(
            status=CertificateBulkJob.Status.RUNNING,
            progress=0,
            error="",
            finished_at=now + lease,
        )
    )


def _zip_entry_name(certificate: Certificate) -> str:
    number = re.sub(r"[^0-9A-Za-z-]+", "-", certificate.number).strip("-")
    holder = re.sub(r"[^0-9A-Za-z]+", "-", certificate.holder_name).strip("-")[:60]
    return f"{number}_{holder}.pdf"


def certificate_bulk_job_run(*, job_id: int, progress_every: int = 20) -> None:
    """Builds the ZIP (PDFs from storage, re-rendered from the snapshot if lost) into a
    temporary file, saving progress every `progress_every` certificates, then stores it
    under an unguessable name in private storage. Does nothing unless it claims the job
    (_certificate_bulk_job_claim): a job done, gone or being built by another worker
    is left alone."""
    if not _certificate_bulk_job_claim(job_id=job_id):
        return
    job = CertificateBulkJob.objects.select_related("requested_by", "course", "unit").filter(
        pk=job_id
    )
    job_obj = job.first()
    if job_obj is None:
        return
    try:
        certificates = list(
            certificate_bulk_queryset(
                actor=job_obj.requested_by, course=job_obj.course, unit=job_obj.unit
            )
        )
        job.update(total=len(certificates))
        with tempfile.TemporaryFile() as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
                for index, certificate in enumerate(certificates, start=1):
                    name = certificate_pdf_ensure(certificate=certificate)
                    with default_storage.open(name, "rb") as pdf:
                        archive.writestr(_zip_entry_name(certificate), pdf.read())
                    if index % progress_every == 0:
                        job.update(progress=index)
            handle.seek(0)
            token = salted_hmac("lms.certificate-zip", str(job_id)).hexdigest()[:20]
            target = f"certificate-zips/{job_id}-{token}.zip"
            if default_storage.exists(target):
                default_storage.delete(target)
            stored = default_storage.save(target, File(handle))
        job.update(
            status=CertificateBulkJob.Status.DONE,
            progress=len(certificates),
            file=stored,
            finished_at=timezone.now(),
        )
    except Exception as exc:
        job.update(
            status=CertificateBulkJob.Status.FAILED, error=repr(exc)[:2000], finished_at=None
        )
        raise


def certificate_bulk_jobs_delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Deletes the ZIP files and jobs requested more than
    LMS_CERTIFICATE_ZIP_RETENTION_HOURS (default 24) ago: the files hold full NIPs and
    are not meant to be archives. The file goes first, so a crash leaves at worst a job
    without its file, deleted by the next run. Safe to run twice. Returns how many."""
    hours = int(getattr(settings, "LMS_CERTIFICATE_ZIP_RETENTION_HOURS", 24))
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=hours)
    deleted = 0
    for job in CertificateBulkJob.objects.filter(created_at__lt=cutoff).iterator(chunk_size=200):
        if job.file.name:
            default_storage.delete(job.file.name)
        CertificateBulkJob.objects.filter(pk=job.pk).delete()
        deleted += 1
    if deleted:
        logger.info("Deleted %s certificate ZIP jobs older than %s hours", deleted, hours)
    return deleted
