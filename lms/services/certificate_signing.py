"""The PAdES signature of certificate PDFs: signing one certificate exactly once (row lock
and a conditional filter on `signed_at`), automatically at issue or from the signer's
queue, and the PDF render-then-sign used by every path that writes a certificate's PDF.

The backend (local PKCS#12 key, BSrE gateway) is lms.signing; the layout of the visible
block is lms.pdf. A certificate is signed when its stored PDF carries a signature made
for it: `signed_at` is set in the same transaction that stores that file, so nothing is
marked signed that is not."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.services.audit import audit_log
from lms.models import Certificate
from lms.pdf import SIGNATURE_BOX
from lms.signing import SignatureRequest, SigningError, get_signer, signing_automatic

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


def signature_request(
    *, certificate: Certificate, passphrase: str | None = None
) -> SignatureRequest:
    return SignatureRequest(
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
