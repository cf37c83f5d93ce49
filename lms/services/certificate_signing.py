"""The PAdES signature of certificate PDFs: signing one certificate exactly once (row lock
and a conditional filter on `signed_at`), automatically at issue or from the signer's
queue, and the PDF render-then-sign used by every path that writes a certificate's PDF.

The backend (local PKCS#12 key, BSrE gateway) is lms.signing; the layout of the visible
block is lms.pdf. A certificate is signed when its stored PDF carries a signature made
for it: `signed_at` is set in the same transaction that stores that file, so nothing is
marked signed that is not."""

from __future__ import annotations

import datetime
import json
import logging
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.services.audit import audit_log
from lms.models import Certificate, CertificateSigningJob
from lms.pdf import SIGNATURE_BOX
from lms.signing import SignatureRequest, SigningError, get_signer, signing_automatic

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


def signature_request(
    *, certificate: Certificate, passphrase: str | None = None
) -> SignatureRequest:
    """The signature of a certificate's PDF: its visible field, the reason (the number,
    which the verify page matches), and the Open Badges credential (JSON and its signed
    VC-JWT, as served at /verify/<code>/credential.json and .jwt) embedded as associated
    files in the signed revision."""
    from lms.services import credentials

    credential = json.dumps(
        credentials.credential_ob3(certificate=certificate), ensure_ascii=False, indent=2
    ).encode()
    token = credentials.credential_jwt(certificate=certificate).encode()
    return SignatureRequest(
        attachments=(
            ("credential.json", credential, "application/json", "Open Badges 3.0 credential"),
            ("credential.jwt", token, "application/vc+jwt", "Open Badges 3.0 credential (VC-JWT)"),
        ),
        box=SIGNATURE_BOX,
        page=0,
        reason=_("Certificate %(number)s") % {"number": certificate.number},
        location=certificate.place,
        signer_name=certificate.signer_name,
        passphrase=passphrase,
    )


def certificate_pdf_sign(
    *, certificate: Certificate, pdf: bytes, passphrase: str | None = None
) -> bytes:
    """The rendered PDF with the agency's PAdES signature. Raises SigningError."""
    return get_signer().sign(
        pdf, request=signature_request(certificate=certificate, passphrase=passphrase)
    )


def _store(*, name: str, data: bytes) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    stored = default_storage.save(name, ContentFile(data))
    if stored != name:  # a concurrent writer stored it in between: keep one file
        default_storage.delete(stored)


def certificate_sign(
    *, certificate_id: int, actor: User | None = None, passphrase: str | None = None
) -> Certificate | None:
    """Signs one issued, current certificate that is not signed yet, once: the row is
    locked and re-read with `signed_at IS NULL`, so two workers (or the automatic path
    and the signer's queue) never both sign it; the second finds it signed and does
    nothing. Returns the certificate signed now, or None. Signed by a person (the
    signer's queue: `actor`) it is audited; automatic signing is part of issuing, which
    is not. A SigningError is recorded on the
    certificate (the queue shows it) and raised again; nothing is marked signed."""
    from lms.services.certificate_pdfs import certificate_pdf_name, certificate_pdf_render

    try:
        with transaction.atomic():
            certificate = (
                Certificate.objects.select_for_update()
                .filter(
                    pk=certificate_id,
                    status=Certificate.Status.ISSUED,
                    is_current=True,
                    signed_at__isnull=True,
                )
                .first()
            )
            if certificate is None:
                return None
            certificate.signed_at = timezone.now()
            pdf = certificate_pdf_render(certificate=certificate, passphrase=passphrase)
            name = certificate_pdf_name(certificate=certificate)
            _store(name=name, data=pdf)
            certificate.pdf.name = name
            certificate.signed_by_subject = _signer_subject()
            certificate.signing_error = ""
            certificate.save(
                update_fields=[
                    "signed_at",
                    "signed_by_subject",
                    "signing_error",
                    "pdf",
                    "updated_at",
                ]
            )
            if actor is not None:
                audit_log(
                    instance=certificate,
                    action="lms.certificate_sign",
                    user=actor,
                    changes={"signed_at": [None, certificate.signed_at.isoformat()]},
                )
    except SigningError as error:
        Certificate.objects.filter(pk=certificate_id, signed_at__isnull=True).update(
            signing_error=str(error)[:1000]
        )
        raise
    logger.info("Certificate %s signed", certificate.number)
    return certificate


def _signer_subject() -> str:
    signer = get_signer()
    certificate = getattr(signer, "certificate", None)
    if certificate is None:
        return signer.name
    return certificate.subject.rfc4514_string()[:255]


def certificate_sign_on_issue(*, certificate: Certificate) -> None:
    """Automatic signing (LMS_PDF_SIGNING_AUTOMATIC, a local key): signs a certificate
    just issued. A failure leaves it in the signer's queue with the error; issuing goes
    on (the holder gets the PDF marked as waiting for the signature)."""
    if not signing_automatic() or certificate.signed_at is not None:
        return
    try:
        signed = certificate_sign(certificate_id=certificate.pk)
    except SigningError as error:
        logger.warning("Certificate %s not signed at issue: %s", certificate.pk, error)
        certificate.signing_error = str(error)[:1000]
        return
    if signed is not None:
        for name in ("signed_at", "signed_by_subject", "signing_error"):
            setattr(certificate, name, getattr(signed, name))
        certificate.pdf.name = signed.pdf.name


def certificates_sign_automatically(*, limit: int = 200) -> int:
    """The sweep of automatic signing (`lms.tasks.certificates_sign_automatically`, every
    five minutes): signs the certificates still waiting that were issued more than a
    minute ago (left unsigned at issue by a TSA, OCSP responder or worker that failed),
    oldest first, at most `limit`. The first SigningError ends the run (recorded on the
    certificate): the service is still down, or the key unusable, and the next one would
    fail alike; the next run tries again. Idempotent (`certificate_sign` signs each
    once). Nothing without automatic signing (the signer signs from the queue). Returns
    how many it signed."""
    from lms.selectors.certificates import certificates_waiting_for_signature

    if not signing_automatic():
        return 0
    ids = list(
        certificates_waiting_for_signature()
        .filter(issued_at__lte=timezone.now() - datetime.timedelta(minutes=1))
        .order_by("issued_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    signed = 0
    for certificate_id in ids:
        try:
            if certificate_sign(certificate_id=certificate_id) is not None:
                signed += 1
        except SigningError as error:
            logger.warning("Automatic signing stopped, to be tried again: %s", error)
            break
    return signed


# THE SIGNER'S QUEUE -----------------------------------------------------------------------

_PASSPHRASE_KEY = "lms:certificate-signing-job:{pk}:passphrase"  # noqa: S105 - a cache key, not a secret


def certificate_signing_job_create(
    *, actor: User, certificate_ids: list[int] | None, passphrase: str = ""
) -> CertificateSigningJob:
    """A batch for the signer: the chosen certificates, or every one waiting (None).
    The task runs after commit. A BSrE passphrase is kept in the cache for the batch
    only (never in the database or the broker's message) and forgotten when it ends."""
    from lms.selectors.certificates import certificates_waiting_for_signature
    from lms.tasks import certificate_signing_job_run

    if not actor.has_perm("lms.sign_certificates"):
        raise PermissionDenied
    waiting = certificates_waiting_for_signature()
    if certificate_ids is not None:
        waiting = waiting.filter(pk__in=certificate_ids)
    ids = list(waiting.order_by("issued_at", "pk").values_list("pk", flat=True))
    with transaction.atomic():
        job = CertificateSigningJob.objects.create(
            requested_by=actor, certificate_ids=ids, total=len(ids)
        )
        audit_log(
            instance=job,
            action="lms.certificate_signing_job",
            user=actor,
            changes={"certificates": [0, len(ids)]},
        )
        if passphrase:
            cache.set(_PASSPHRASE_KEY.format(pk=job.pk), passphrase, timeout=3600)
        transaction.on_commit(lambda: certificate_signing_job_run.delay(job.pk))
    return job


def certificate_signing_job_run(*, job_id: int) -> CertificateSigningJob:
    """Signs the batch's certificates one by one (each exactly once: certificate_sign),
    updating the progress. A wrong passphrase or an unusable certificate stops the batch
    (every next one would fail the same way) with the reason; a gateway or TSA that does
    not answer raises a transient SigningError for the task to retry later, the batch
    resuming where it stopped."""
    claimed = CertificateSigningJob.objects.filter(
        pk=job_id,
        status__in=[CertificateSigningJob.Status.QUEUED, CertificateSigningJob.Status.RUNNING],
    ).update(status=CertificateSigningJob.Status.RUNNING)
    job = CertificateSigningJob.objects.select_related("requested_by").get(pk=job_id)
    if not claimed:
        return job
    passphrase = cache.get(_PASSPHRASE_KEY.format(pk=job.pk))
    done = set(job.certificate_ids[: job.progress])
    for certificate_id in job.certificate_ids[job.progress :]:
        try:
            if certificate_sign(
                certificate_id=certificate_id, actor=job.requested_by, passphrase=passphrase
            ):
                job.signed += 1
        except SigningError as error:
            if error.transient:
                CertificateSigningJob.objects.filter(pk=job.pk).update(
                    progress=job.progress, signed=job.signed, error=str(error)[:1000]
                )
                raise
            job.status = CertificateSigningJob.Status.FAILED
            job.error = str(error)[:1000]
            break
        done.add(certificate_id)
        job.progress += 1
        CertificateSigningJob.objects.filter(pk=job.pk).update(
            progress=job.progress, signed=job.signed
        )
    else:
        job.status = CertificateSigningJob.Status.DONE
        job.error = ""
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at", "progress", "signed"])
    cache.delete(_PASSPHRASE_KEY.format(pk=job.pk))
    return job


def certificate_signing_job_give_up(*, job_id: int, error: str) -> None:
    """The task's retries are spent: the batch stops; starting a new one resumes it."""
    CertificateSigningJob.objects.filter(pk=job_id).update(
        status=CertificateSigningJob.Status.FAILED, error=error[:1000], finished_at=timezone.now()
    )
    cache.delete(_PASSPHRASE_KEY.format(pk=job_id))
