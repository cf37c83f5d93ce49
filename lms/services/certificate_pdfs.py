"""The certificate's PDF file: the logo and signature recorded at issue (content-addressed
copies in private storage), the renderer's input built from the snapshot, the stored file
(deterministic name, rendered when missing) and re-rendering after a template change.
lms.pdf renders; this module stores. Issuing, revoking and reissuing are
lms.services.certificates."""

from __future__ import annotations

import hashlib
import logging
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.crypto import salted_hmac

from competencies.models import AgencySettings
from lms.models import Certificate
from lms.pdf import CertificateData, render_certificate
from lms.selectors.certificates import certificate_verify_url
from lms.services.certificate_signing import (
    certificate_pdf_sign,
    certificate_sign_on_issue,
)
from lms.signing import SigningError, signing_enabled

logger = logging.getLogger(__name__)


# IMAGES RECORDED AT ISSUE ----------------------------------------------------------------


CERTIFICATE_IMAGES_DIR = "certificate-images"
# (image id, file name, file hash) -> stored snapshot name, per process: issuing reads the
# agency's images once, not once per certificate.
_image_snapshots: dict[tuple[int, str, str], str] = {}


def _image_snapshot(image: Any) -> str:
    """A content-addressed copy of a Wagtail image's file in private storage
    (`certificate-images/<sha256><ext>`), so the certificate keeps the image even when
    the agency replaces or deletes it. The same image is stored once however many
    certificates use it. "" when there is no image or its file cannot be read."""
    if image is None or not image.file:
        return ""
    key = (image.pk, image.file.name, getattr(image, "file_hash", "") or "")
    name = _image_snapshots.get(key)
    if name and default_storage.exists(name):
        return name
    try:
        with image.file.open("rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        logger.warning("Agency image %s cannot be read; not printed on certificates", image.pk)
        return ""
    suffix = PurePosixPath(image.file.name).suffix.lower()[:10]
    name = f"{CERTIFICATE_IMAGES_DIR}/{hashlib.sha256(content).hexdigest()}{suffix}"
    if not default_storage.exists(name):
        stored = default_storage.save(name, ContentFile(content))
        if stored != name:  # a concurrent issue stored the same bytes first
            default_storage.delete(stored)
    _image_snapshots[key] = name
    return name


def certificate_images_snapshot(*, agency: AgencySettings) -> dict[str, str]:
    """The agency's logo and signature as the certificate's `image_files`. Stores files,
    so callers take it before their locks."""
    return {"logo": _image_snapshot(agency.logo), "signature": _image_snapshot(agency.signature)}


# PDF -------------------------------------------------------------------------------------


def certificate_data(
    *,
    certificate: Certificate,
    language: str | None = None,
    agency: AgencySettings | None = None,
) -> CertificateData:
    """The renderer's input: the snapshot, with the logo and signature recorded at issue
    (`image_files`). Only a certificate issued before images were recorded falls back to
    the agency's current ones (when its lost PDF is rendered again, or in English)."""

    def stored_path(name: str) -> str | None:
        if not name:
            return None
        if not default_storage.exists(name):
            logger.warning("Certificate image %s is missing; rendered without it", name)
            return None
        try:
            return default_storage.path(name)
        except NotImplementedError:
            return None

    def image_path(image: Any) -> str | None:
        if image is None:
            return None
        try:
            return image.file.path
        except (NotImplementedError, ValueError):
            return None

    if certificate.image_files is not None:
        logo_path = stored_path(certificate.image_files.get("logo", ""))
        signature_path = stored_path(certificate.image_files.get("signature", ""))
    else:
        agency = agency or AgencySettings.for_default_site()
        logo_path, signature_path = image_path(agency.logo), image_path(agency.signature)

    signature_state = ""
    if certificate.signed_at is not None:
        signature_state = "signed"
    elif signing_enabled():
        signature_state = "pending"
    return CertificateData(
        number=certificate.number,
        holder_name=certificate.holder_name,
        holder_nip=certificate.holder_nip,
        course_title=certificate.course_title,
        jp=Decimal(certificate.jp),
        completed_on=certificate.completed_on or certificate.issued_on,  # type: ignore[arg-type]
        issued_on=certificate.issued_on,  # type: ignore[arg-type]
        verify_url=certificate_verify_url(code=certificate.code),
        agency_name=certificate.agency_name,
        government_name=certificate.government_name,
        signer_name=certificate.signer_name,
        signer_nip=certificate.signer_nip,
        signer_title=certificate.signer_title,
        place=certificate.place,
        started_on=certificate.started_on,
        valid_until=certificate.valid_until,
        competencies=tuple((str(name), level) for name, level in certificate.competencies),
        language=language or certificate.language,
        logo_path=logo_path,
        signature_path=signature_path,
        signature_state=signature_state,
        holder_rank=certificate.holder_rank,
        holder_birth_place=certificate.holder_birth_place,
        holder_birth_date=certificate.holder_birth_date,
        holder_position=certificate.holder_position,
        holder_unit=certificate.holder_unit,
        qualification=certificate.qualification,
        subjects=tuple((str(title), str(jp)) for title, jp in certificate.subjects or ()),
        signed_on=(timezone.localdate(certificate.signed_at) if certificate.signed_at else None),
    )


def certificate_pdf_render(
    *,
    certificate: Certificate,
    language: str | None = None,
    agency: AgencySettings | None = None,
    passphrase: str | None = None,
) -> bytes:
    """The PDF from the snapshot; with the agency's PAdES signature when the certificate
    is signed (`signed_at`), so that a lost file, a re-rendering or the English copy
    carry the signature too. Raises lms.signing.SigningError."""
    pdf = render_certificate(
        certificate_data(certificate=certificate, language=language, agency=agency)
    )
    if certificate.signed_at is not None:
        pdf = certificate_pdf_sign(certificate=certificate, pdf=pdf, passphrase=passphrase)
    return pdf


def _render_or_unsign(*, certificate: Certificate, agency: AgencySettings | None = None) -> bytes:
    """The PDF to store for a certificate whose file must be made again (lost, or
    re-rendered after a template change). A signed one is signed again; when that cannot
    be done now (a BSrE signer needs the signer's passphrase; a TSA that does not answer)
    the file is stored unsigned and the certificate goes back to the signer's queue
    (`signed_at` cleared, the reason in `signing_error`): the queue, or automatic
    signing's sweep, signs it again. Nothing claims a signature the file lacks."""
    try:
        return certificate_pdf_render(certificate=certificate, agency=agency)
    except SigningError as error:
        if certificate.signed_at is None:
            raise
        logger.warning("Certificate %s back to the signer's queue: %s", certificate.pk, error)
        message = str(error)[:1000]
        Certificate.objects.filter(pk=certificate.pk).update(
            signed_at=None, signed_by_subject="", signing_error=message, updated_at=timezone.now()
        )
        certificate.signed_at, certificate.signed_by_subject = None, ""
        certificate.signing_error = message
        return certificate_pdf_render(certificate=certificate, agency=agency)


def certificate_pdf_name(*, certificate: Certificate) -> str:
    # The verification code is public (QR, /verify/ links) and /media/ may be served by
    # the web server: a keyed hash in the name keeps the file (full NIP) unguessable from
    # the code, while staying deterministic so that a retry writes the same file.
    token = salted_hmac("lms.certificate-pdf", certificate.code).hexdigest()[:20]
    return f"certificates/{certificate.year}/{certificate.code}-{token}.pdf"


def certificate_pdf_ensure(
    *, certificate: Certificate, agency: AgencySettings | None = None
) -> str:
    """The stored PDF's name; renders and stores it from the snapshot when it is missing
    (first issue, or the file was lost). The name is deterministic, so two runs write
    the same file. With automatic signing, a certificate not signed yet is signed here
    (which stores the signed file)."""
    name = certificate_pdf_name(certificate=certificate)
    if not default_storage.exists(name):
        certificate_sign_on_issue(certificate=certificate)
    if not default_storage.exists(name):
        stored = default_storage.save(
            name, ContentFile(_render_or_unsign(certificate=certificate, agency=agency))
        )
        if stored != name:  # a concurrent run wrote it first
            default_storage.delete(stored)
    if certificate.pdf.name != name:
        Certificate.objects.filter(pk=certificate.pk).update(pdf=name)
        certificate.pdf.name = name
    return name


def certificate_pdf_bytes(*, certificate: Certificate, language: str | None = None) -> bytes:
    """The PDF to send: the stored Indonesian one, or an English rendering on request
    (rendered on the fly, not stored: it is the same certificate in another language)."""
    if language and language != certificate.language:
        return certificate_pdf_render(certificate=certificate, language=language)
    name = certificate_pdf_ensure(certificate=certificate)
    with default_storage.open(name, "rb") as handle:
        return handle.read()


# RE-RENDERING ----------------------------------------------------------------------------


def certificate_pdf_regenerate(*, certificate: Certificate) -> str | None:
    """Renders the PDF again from the snapshot (after a template change) and overwrites
    the stored file under the same name. The snapshot, number and code are not touched,
    and the logo and signature are those recorded at issue. Safe to run twice. Returns
    None, leaving the stored PDF as it is, when the certificate has no image record
    (issued before images were recorded) or a recorded image file is gone: re-rendering
    would print today's images, or none, on it."""
    images = certificate.image_files
    if images is None or any(name and not default_storage.exists(name) for name in images.values()):
        logger.warning("Certificate %s not re-rendered: its images are unknown", certificate.pk)
        return None
    name = certificate_pdf_name(certificate=certificate)
    data = _render_or_unsign(certificate=certificate)
    if default_storage.exists(name):
        default_storage.delete(name)
    stored = default_storage.save(name, ContentFile(data))
    if stored != name:  # a concurrent run wrote it in between: keep one file
        default_storage.delete(stored)
    if certificate.pdf.name != name:
        Certificate.objects.filter(pk=certificate.pk).update(pdf=name)
    return name


def certificate_pdfs_regenerate(*, certificate_ids: list[int]) -> int:
    done = 0
    for certificate in Certificate.objects.filter(
        pk__in=certificate_ids,
        status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED],
    ).iterator(chunk_size=100):
        if certificate_pdf_regenerate(certificate=certificate) is not None:
            done += 1
    return done


def certificate_images_adopt_current(*, course_id: int | None = None) -> int:
    """Records the agency's *current* logo and signature as those of the certificates
    issued before images were recorded, so that they can be re-rendered. An explicit
    step (`certificate_pdfs_regenerate --adopt-current-images`): only right when the
    images have not changed since those certificates were issued. Returns how many."""
    images = certificate_images_snapshot(agency=AgencySettings.for_default_site())
    certificates = Certificate.objects.filter(
        status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED],
        image_files__isnull=True,
    )
    if course_id is not None:
        certificates = certificates.filter(enrolment__course_id=course_id)
    return certificates.update(image_files=images)
