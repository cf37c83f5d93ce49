"""Certificates: issue (from the completion hook, through Celery), store the PDF, revoke
and reissue (HR), the Open Badges credential, expiry reminders, re-rendering, competency
evidence and the bulk ZIP. The reads behind the download and verification pages, and the
sweeps' queries, are lms.selectors.certificates.

Issuing is safe to run twice and under races: the enrolment row is locked, a status
guard (PENDING → ISSUED) makes a second run a no-op, the number comes from the year's
`CertificateSequence` row locked in the same transaction (so numbers are gap-free), and a
partial unique constraint (one current certificate per enrolment) is the final backstop.

**Lock order.** Every function that locks more than one row takes the locks in this
order, so two of them can never wait on each other (deadlock):

1. the enrolment row (`Enrolment`, `select_for_update(of=("self",))`);
2. its certificate rows (`Certificate`);
3. last, the year's `CertificateSequence` row (held only until the commit).

`certificate_issue`, `certificate_reissue` and `certificate_mark_failed` follow it;
`certificate_revoke` locks a single certificate row, then the enrolment's training record
(`TrainingRecord`, always after certificates: issuing and reissuing write it after their
certificate locks too), then the holder's assignment rows and course-completion
assessments (nothing here locks a certificate after those), which cannot form a cycle."""

from __future__ import annotations

import datetime
import hashlib
import logging
from decimal import Decimal
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.models import NotificationKind
from accounts.rules import require_hr
from accounts.services import notify
from competencies.models import AgencySettings, TrainingRecord
from competencies.services.audit import audit_log
from competencies.services.records import training_record_from_course, training_record_withdraw
from competencies.siasn import DevelopmentType
from config.celery import enqueue_on_commit
from config.links import certificate_base_url
from lms.models import (
    Certificate,
    CertificateBulkJob,
    CertificateSequence,
    CoursePage,
    Enrolment,
)
from lms.pdf import CertificateData, render_certificate
from lms.selectors.certificates import (
    certificate_bulk_queryset,
    certificate_download_url,
    certificate_reminder_candidates,
    certificate_verify_url,
)
from lms.services import credentials

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

DEFAULT_NUMBER_PATTERN = "{seq:05d}/BKPSDM-BTG/{year}"


# HELPERS ---------------------------------------------------------------------------------


def _agency_settings() -> AgencySettings:
    # Cached and forgotten when the settings or a site are saved, so a changed signer is
    # on the next certificate; two queries less on every certificate issued.
    return AgencySettings.for_default_site()


def certificate_number_format(*, pattern: str, seq: int, year: int) -> str:
    """The number from the agency's pattern; a broken pattern falls back to the default
    rather than stopping certificates from being issued."""
    try:
        number = pattern.format(seq=seq, year=year)
    except (KeyError, IndexError, ValueError):
        logger.warning("Invalid certificate number pattern %r; using the default", pattern)
        number = DEFAULT_NUMBER_PATTERN.format(seq=seq, year=year)
    return number[:120]


def _sequence_next(*, year: int) -> int:
    """Locks the year's counter row until the end of the calling transaction."""
    sequence, _created = CertificateSequence.objects.select_for_update().get_or_create(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


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


def _holder(user: User) -> tuple[str, str]:
    """Name with academic titles and NIP, from the employee record when there is one."""
    try:
        employee = user.employee
    except ObjectDoesNotExist:
        employee = None
    if employee is not None:
        return employee.display_name, user.nip or ""
    return (user.get_full_name() or user.email), user.nip or ""


def _snapshot(
    *,
    certificate: Certificate,
    enrolment: Enrolment,
    course: CoursePage,
    agency: AgencySettings,
    images: dict[str, str],
) -> None:
    holder_name, holder_nip = _holder(enrolment.user)
    completed_on = timezone.localdate(enrolment.completed_at or timezone.now())
    started = enrolment.enrolled_at or enrolment.created_at
    certificate.holder_name = holder_name[:255]
    certificate.holder_nip = holder_nip
    certificate.course_title = course.title or enrolment.course_title
    certificate.jp = (
        enrolment.jp_earned if enrolment.jp_earned is not None else Decimal(course.jp_hours or 0)
    )
    certificate.started_on = timezone.localdate(started) if started else completed_on
    if certificate.started_on > completed_on:
        certificate.started_on = completed_on
    certificate.completed_on = completed_on
    certificate.competencies = [
        [link.competency.name, link.target_level]
        for link in course.course_competencies.select_related("competency").order_by("sort_order")
    ]
    certificate.signer_name = agency.signer_name
    certificate.signer_nip = agency.signer_nip
    certificate.signer_title = agency.signer_title
    certificate.place = agency.city
    certificate.agency_name = agency.agency_name
    certificate.government_name = agency.government_name
    certificate.language = course.language if course.language in ("id", "en") else "id"
    certificate.image_files = dict(images)


def _issue_number(
    *, certificate: Certificate, validity_months: int | None, agency: AgencySettings
) -> None:
    """Number, dates and status. Called last in the transaction: the sequence row lock is
    held from here to the commit, so nothing slow may follow it."""
    today = timezone.localdate()
    pattern = agency.certificate_number_pattern or DEFAULT_NUMBER_PATTERN
    certificate.year = today.year
    certificate.sequence = _sequence_next(year=today.year)
    certificate.number = certificate_number_format(
        pattern=pattern, seq=certificate.sequence, year=today.year
    )
    certificate.issued_on = today
    certificate.issued_at = timezone.now()
    certificate.valid_until = _add_months(today, validity_months) if validity_months else None
    certificate.status = Certificate.Status.ISSUED
    certificate.failure = ""
    # Deterministic, so it is known before the file exists (rendered after the commit).
    certificate.pdf.name = certificate_pdf_name(certificate=certificate)


def _legacy_siasn_type(course: CoursePage) -> int:
    """A course published before the SIASN type was required (the `lms.W001` check and
    the SIASN export screen list them) still credits the learner's JP: its record takes
    the generic "lainnya" type for its delivery (13 classroom, 25 otherwise) until HR
    sets the course's type and corrects the record. New courses cannot reach this."""
    if course.delivery_mode == CoursePage.DeliveryMode.KLASIKAL:
        return DevelopmentType.KLASIKAL_LAINNYA.value
    return DevelopmentType.NONKLASIKAL_LAINNYA.value


def _after_issue(*, certificate: Certificate, enrolment: Enrolment, course: CoursePage) -> None:
    """Training record (riwayat diklat) and the in-app notice. Both are idempotent (keyed
    by enrolment and certificate), so this runs after every issue call for a current,
    issued certificate: a run that died between the commit and here is completed by the
    next one, and the sequence lock is not held while they are written."""
    user = enrolment.user
    if hasattr(user, "employee"):
        training_record_from_course(
            employee=user.employee,
            source_key=f"enrolment:{enrolment.pk}",
            title=certificate.course_title,
            organiser=certificate.agency_name,
            development_type=course.siasn_type_id or _legacy_siasn_type(course),
            started_on=certificate.started_on or certificate.completed_on,  # type: ignore[arg-type]
            finished_on=certificate.completed_on,  # type: ignore[arg-type]
            jp=Decimal(certificate.jp),
            certificate_number=certificate.number,
        )
    notify(
        user=user,
        kind=NotificationKind.CERTIFICATE_ISSUED,
        params={"course": certificate.course_title, "number": certificate.number},
        url=certificate_download_url(code=certificate.code),
        dedupe_key=f"certificate:{certificate.pk}:issued",
    )


# ISSUE -----------------------------------------------------------------------------------


def certificate_issue(*, enrolment_id: int) -> Certificate | None:
    """Issues the certificate of a completed enrolment, once. Returns it (also when it was
    already issued or revoked), or None when there is nothing to issue: the enrolment has
    gone, is not completed, or its course has no certificate.

    Three short steps rather than one transaction: (1) number and snapshot, under the
    enrolment lock and, last, the year's sequence lock; (2) the PDF, rendered and stored
    outside any lock; (3) the training record and the notice (idempotent). Steps 2 and 3
    are redone by a second call if a crash interrupted them; the notice comes last, so
    the holder is told only once the PDF is there."""
    agency = _agency_settings()
    images = certificate_images_snapshot(agency=agency)
    try:
        with transaction.atomic():
            enrolment = (
                Enrolment.objects.select_for_update(of=("self",))
                .select_related("user__employee", "course")  # the holder's name and NIP
                .filter(pk=enrolment_id)
                .first()
            )
            if enrolment is None or enrolment.status != Enrolment.Status.COMPLETED:
                return None
            course = enrolment.course
            if course is None or not course.certificate_enabled:
                return None
            certificate = (
                Certificate.objects.select_for_update()
                .filter(enrolment=enrolment, is_current=True)
                .first()
            )
            issued = certificate is None or certificate.status not in (
                Certificate.Status.ISSUED,
                Certificate.Status.REVOKED,
            )
            if issued:
                if certificate is None:
                    certificate = Certificate(enrolment=enrolment, user=enrolment.user)
                _snapshot(
                    certificate=certificate,
                    enrolment=enrolment,
                    course=course,
                    agency=agency,
                    images=images,
                )
                # The enrolment and user were just loaded under lock: no need to re-check them.
                certificate.full_clean(
                    exclude=["enrolment", "user", "replaces", "revoked_by"],
                    validate_unique=False,
                    validate_constraints=False,
                )
                _issue_number(
                    certificate=certificate,
                    validity_months=course.certificate_validity_months,
                    agency=agency,
                )
                certificate.save()
    except IntegrityError:
        # Another worker issued it between our checks (SQLite takes no row locks): the
        # whole step rolled back, sequence included, so no number is lost; give that one
        # back. Anything else (a number already taken, say after a pattern change) is
        # raised, so that the task retries or fails visibly. No savepoint around the
        # insert: the sequence lock is held until the commit, and each round trip under
        # it holds up every other certificate.
        existing = Certificate.objects.filter(enrolment_id=enrolment_id, is_current=True).first()
        if existing is None:
            raise
        return existing
    if certificate is None or certificate.status != Certificate.Status.ISSUED:
        return certificate
    certificate_pdf_ensure(certificate=certificate, agency=agency)
    with transaction.atomic():
        # Re-checked under the certificate's lock: a revocation committed since step 1
        # has withdrawn the training record, which must not be approved again here.
        still_issued = (
            Certificate.objects.select_for_update()
            .filter(pk=certificate.pk, status=Certificate.Status.ISSUED, is_current=True)
            .exists()
        )
        if still_issued:
            _after_issue(certificate=certificate, enrolment=enrolment, course=course)
    if issued:
        logger.info("Certificate %s issued for enrolment %s", certificate.number, enrolment_id)
    return certificate


def certificate_mark_failed(*, enrolment_id: int, error: str) -> None:
    """The task's on_failure: records the failure so HR sees it; a later successful run
    (retry or reissue) moves the certificate on to ISSUED."""
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().filter(pk=enrolment_id).first()
        if enrolment is None:
            return
        certificate = (
            Certificate.objects.select_for_update()
            .filter(enrolment=enrolment, is_current=True)
            .first()
        )
        if certificate is None:
            certificate = Certificate(enrolment=enrolment, user_id=enrolment.user_id)
        elif certificate.status != Certificate.Status.PENDING:
            return
        certificate.status = Certificate.Status.FAILED
        certificate.course_title = certificate.course_title or enrolment.course_title
        certificate.failure = error[:2000]
        certificate.save()


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
        agency = agency or _agency_settings()
        logo_path, signature_path = image_path(agency.logo), image_path(agency.signature)

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
    )


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
    the same file."""
    name = certificate_pdf_name(certificate=certificate)
    if not default_storage.exists(name):
        stored = default_storage.save(
            name,
            ContentFile(
                render_certificate(certificate_data(certificate=certificate, agency=agency))
            ),
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
        return render_certificate(certificate_data(certificate=certificate, language=language))
    name = certificate_pdf_ensure(certificate=certificate)
    with default_storage.open(name, "rb") as handle:
        return handle.read()


# REVOKE AND REISSUE ----------------------------------------------------------------------


def _require_manage(*, actor: User, certificate: Certificate) -> None:
    if not actor.has_perm("lms.manage_certificate", certificate):
        raise PermissionDenied


def _training_record_withdraw(*, certificate: Certificate, actor: User) -> None:
    """A revoked certificate's training is no longer evidence: its record (riwayat diklat)
    leaves the approved set (JP, transcript, SIASN export) and the webhook fires. A
    reissue approves it again with the new number (training_record_from_course)."""
    if not certificate.is_current:
        return
    record = TrainingRecord.objects.filter(
        source_key=f"enrolment:{certificate.enrolment_id}"
    ).first()
    if record is None:
        return
    training_record_withdraw(record=record, reason=_revocation_note(certificate), actor=actor)


def _revocation_note(certificate: Certificate) -> str:
    # The public category, not HR's free-text reason: the note is shown to the employee
    # and sent to HR systems.
    return _("Certificate %(number)s was revoked: %(category)s.") % {
        "number": certificate.number,
        "category": certificate.get_revocation_category_display(),
    }


def _revocation_apply(*, certificate: Certificate, actor: User) -> None:
    """Everything a revocation changes besides the certificate row, inside its
    transaction: the course no longer completes the holder's assignment (the rows it
    completed are open again), its competency evidence is withdrawn, and the holder and
    their supervisor are told (in-app notice, e-mail queued after commit; once each, by
    key). The training record was withdrawn just before (`_training_record_withdraw`),
    so the JP no longer counts anywhere."""
    from competencies.services.assessments import assessments_withdraw_for_source
    from lms.services.assignments import assignment_completion_undo

    if not certificate.is_current:
        return
    enrolment = Enrolment.objects.select_related("user").get(pk=certificate.enrolment_id)
    reopened = assignment_completion_undo(enrolment=enrolment)
    employee = getattr(enrolment.user, "employee", None)
    if employee is not None:
        assessments_withdraw_for_source(
            employee_id=employee.pk,
            source_key=f"enrolment:{enrolment.pk}",
            reason=_revocation_note(certificate),
            actor=actor,
        )
    params = {
        "revoked": True,
        "title": certificate.course_title,
        "number": certificate.number,
        "jp": f"{Decimal(certificate.jp):g}",
        "reopened": reopened,
    }
    notify(
        user=enrolment.user,
        kind=NotificationKind.RECORD_DECIDED,
        params=params,
        url=reverse("competencies:records"),
        dedupe_key=f"certificate:{certificate.pk}:revoked",
    )
    supervisor = employee.supervisor if employee is not None else None
    if employee is not None and supervisor is not None and supervisor.user_id != enrolment.user_id:
        notify(
            user=supervisor.user,
            kind=NotificationKind.RECORD_DECIDED,
            params={**params, "employee": employee.display_name},
            url=reverse("lms:team"),
            dedupe_key=f"certificate:{certificate.pk}:revoked:supervisor:{supervisor.user_id}",
        )


def certificate_revoke(
    *,
    certificate: Certificate,
    actor: User,
    reason: str,
    category: str = Certificate.RevocationCategory.OTHER,
) -> Certificate:
    """Revokes an issued certificate and applies it everywhere, in one transaction: the
    training record is withdrawn (history "Revoked", JP, transcript, SIASN export), the
    assignment rows the course completed are open again, the competency evidence from
    the course is withdrawn, and the holder and their supervisor are notified once
    (docs/certificates.md, "HR: revoke and reissue"). The `category` is public
    (verification page, JSON, credential status); the free-text `reason` is for HR only
    (admin, audit log)."""
    _require_manage(actor=actor, certificate=certificate)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking the certificate.")})
    if category not in Certificate.RevocationCategory.values:
        raise ValidationError({"category": _("Choose a valid revocation category.")})
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status != Certificate.Status.ISSUED:
            raise ValidationError(_("Only an issued certificate can be revoked."))
        certificate.status = Certificate.Status.REVOKED
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = actor
        certificate.revocation_reason = reason
        certificate.revocation_category = category
        certificate.save()
        _training_record_withdraw(certificate=certificate, actor=actor)
        _revocation_apply(certificate=certificate, actor=actor)
        audit_log(
            instance=certificate,
            action="lms.certificate_revoke",
            user=actor,
            changes={
                "status": [Certificate.Status.ISSUED, Certificate.Status.REVOKED],
                "revocation_category": ["", category],
            },
            note=reason,
        )
    return certificate


def certificate_reissue(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    """Replaces a certificate with a new one (new number and code, fresh snapshot of the
    learner, course and settings), e.g. after a name correction. The old one stops being
    current and, if it was valid, is revoked with the reason, so its QR code shows that it
    was replaced."""
    _require_manage(actor=actor, certificate=certificate)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reissuing the certificate.")})
    enrolment_id = Certificate.objects.values_list("enrolment_id", flat=True).get(pk=certificate.pk)
    agency = _agency_settings()
    images = certificate_images_snapshot(agency=agency)
    with transaction.atomic():
        # The module's lock order: the enrolment first, then the certificate (as in
        # certificate_issue; the opposite order could deadlock against it).
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("user", "course")
            .get(pk=enrolment_id)
        )
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        course = enrolment.course
        if not old.is_current:
            raise ValidationError(_("This certificate has already been replaced."))
        if course is None or enrolment.status != Enrolment.Status.COMPLETED:
            raise ValidationError(_("The course of this certificate no longer exists."))
        old.is_current = False
        if old.status == Certificate.Status.ISSUED:
            old.status = Certificate.Status.REVOKED
            old.revoked_at = timezone.now()
            old.revoked_by = actor
            old.revocation_reason = _("Replaced by a reissued certificate: %(reason)s") % {
                "reason": reason
            }
            old.revocation_category = Certificate.RevocationCategory.REPLACED
        old.save()
        new = Certificate(enrolment=enrolment, user=enrolment.user, replaces=old)
        _snapshot(certificate=new, enrolment=enrolment, course=course, agency=agency, images=images)
        new.full_clean(validate_unique=False, validate_constraints=False)
        _issue_number(
            certificate=new, validity_months=course.certificate_validity_months, agency=agency
        )
        new.save()
        _after_issue(certificate=new, enrolment=enrolment, course=course)
        audit_log(
            instance=new,
            action="lms.certificate_reissue",
            user=actor,
            changes={"number": [old.number, new.number]},
            note=reason,
        )
    certificate_pdf_ensure(certificate=new, agency=agency)
    return new


# OPEN BADGES CREDENTIAL -----------------------------------------------------------------


COMPETENCY_FRAMEWORK = "PermenPANRB 38/2017"


def certificate_credential_url(*, code: str, suffix: str = "credential.json") -> str:
    return certificate_base_url() + reverse("verify:detail", args=[code]) + suffix


def _end_of_day_utc(day: datetime.date) -> str:
    """The end of a local (WITA) day as a UTC timestamp: 23:59:59+08:00 is 15:59:59Z."""
    end = datetime.datetime.combine(
        day, datetime.time(23, 59, 59), tzinfo=timezone.get_default_timezone()
    )
    return end.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_ob3(*, certificate: Certificate) -> dict[str, Any]:
    """The certificate as an Open Badges 3.0 AchievementCredential. The same object is
    the payload of the signed VC-JWT (`credential_jwt`). It does not change when the
    certificate is revoked (its `credentialStatus` URL says that), nor with the visitor's
    language: its wording is in the certificate's language."""
    with translation.override(certificate.language or "id"):
        return _credential_ob3(certificate=certificate)


def _credential_ob3(*, certificate: Certificate) -> dict[str, Any]:
    base = certificate_base_url()
    verify_url = certificate_verify_url(code=certificate.code)
    issued_at = certificate.issued_at or timezone.now()
    competencies = [str(name) for name, _level in certificate.competencies]
    description = _("Completed the training %(course)s (%(jp)s JP).") % {
        "course": certificate.course_title,
        "jp": format(Decimal(certificate.jp).normalize(), "f"),
    }
    alignment = [
        {
            "type": ["Alignment"],
            "targetName": str(name),
            "targetDescription": _("Level %(level)s") % {"level": level},
            "targetCode": f"level-{level}",
            "targetFramework": COMPETENCY_FRAMEWORK,
            "targetType": "ceasn:Competency",
            "targetUrl": f"{verify_url}#competency-{index}",
        }
        for index, (name, level) in enumerate(certificate.competencies, start=1)
    ]
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": certificate_credential_url(code=certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.course_title,
        "description": description,
        # The issuer's id is its did:web; it resolves to /.well-known/did.json, which
        # holds the public key the VC-JWT's `kid` names.
        "issuer": {
            "id": credentials.issuer_did(),
            "type": ["Profile"],
            "name": certificate.agency_name,
            "url": f"{base}/",
        },
        "validFrom": issued_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": certificate.holder_name,
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "achievement": {
                "id": f"{verify_url}#achievement",
                "type": ["Achievement"],
                "name": certificate.course_title,
                "description": description,
                "criteria": {
                    "narrative": _("Completed every required lesson and quiz of the course.")
                },
                "achievementType": "Certificate",
                "creditsAvailable": float(certificate.jp),
                **({"tag": competencies} if competencies else {}),
                **({"alignment": alignment} if alignment else {}),
            },
            "creditsEarned": float(certificate.jp),
        },
        "credentialStatus": {
            "id": certificate_credential_url(code=certificate.code, suffix="status.json"),
            "type": "1EdTechRevocationList",
        },
        "credentialSchema": [
            {
                "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                "ob_v3p0_achievementcredential_schema.json",
                "type": "1EdTechJsonSchemaValidator2019",
            }
        ],
    }
    if certificate.valid_until:
        credential["validUntil"] = _end_of_day_utc(certificate.valid_until)
    return credential


def credential_jwt(*, certificate: Certificate) -> str:
    """The credential signed with the agency's Ed25519 key (VC-JWT, `alg: EdDSA`)."""
    return credentials.jws_sign(credential_ob3(certificate=certificate))


def credential_status(*, certificate: Certificate) -> dict[str, Any]:
    """The `credentialStatus` document (1EdTech Revocation List, one credential): empty
    `revokedCredentials` while valid; when revoked, the public category and date, never
    HR's free-text reason."""
    revoked = certificate.status == Certificate.Status.REVOKED
    with translation.override(certificate.language or "id"):
        reason = str(certificate.get_revocation_category_display())
    entry: list[dict[str, Any]] = []
    if revoked:
        entry.append(
            {
                "id": certificate_credential_url(code=certificate.code),
                "revoked": True,
                "revocationReason": reason,
                "revocationCategory": certificate.revocation_category,
                "revokedOn": timezone.localdate(certificate.revoked_at).isoformat()
                if certificate.revoked_at
                else None,
            }
        )
    return {
        "id": certificate_credential_url(code=certificate.code, suffix="status.json"),
        "type": "1EdTechRevocationList",
        "issuer": credentials.issuer_did(),
        "status": certificate.verification_status,
        "revokedCredentials": entry,
    }


# SWEEP, EXPIRY REMINDERS, RE-RENDERING ---------------------------------------------------


def certificate_expiry_reminders_send(*, today: datetime.date | None = None) -> int:
    """Reminds the holder and the HR managers in scope of their unit, 30 days before a
    certificate of a recurring course expires. Idempotent: dedupe keys per certificate
    and the `expiry_reminded_at` mark. Returns how many certificates were reminded."""
    from accounts.services import notify_many
    from competencies.selectors.hr_scope import hr_managers_for_employee

    sent = 0
    for certificate in certificate_reminder_candidates(today=today).iterator(chunk_size=200):
        params = {
            "course": certificate.course_title,
            "number": certificate.number,
            "valid_until": certificate.valid_until.strftime("%d-%m-%Y")
            if certificate.valid_until
            else "",
        }
        with transaction.atomic():
            notify(
                user=certificate.user,
                kind=NotificationKind.CERTIFICATE_EXPIRING,
                params=params,
                url=certificate_download_url(code=certificate.code),
                dedupe_key=f"certificate:{certificate.pk}:expiring",
            )
            employee = getattr(certificate.user, "employee", None)
            if employee is not None:
                notify_many(
                    users=hr_managers_for_employee(employee=employee),
                    kind=NotificationKind.CERTIFICATE_EXPIRING,
                    params={**params, "holder": certificate.holder_name},
                    url=reverse("lms_certificates:index") + f"?q={certificate.number}",
                    dedupe_prefix=f"certificate:{certificate.pk}:expiring:hr",
                )
            Certificate.objects.filter(pk=certificate.pk).update(expiry_reminded_at=timezone.now())
        sent += 1
    return sent


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
    data = render_certificate(certificate_data(certificate=certificate))
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
    images = certificate_images_snapshot(agency=_agency_settings())
    certificates = Certificate.objects.filter(
        status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED],
        image_files__isnull=True,
    )
    if course_id is not None:
        certificates = certificates.filter(enrolment__course_id=course_id)
    return certificates.update(image_files=images)


# COMPETENCY EVIDENCE ---------------------------------------------------------------------


def enrolment_competency_evidence(*, enrolment_id: int) -> int:
    """A completed course that develops competency C at level L is evidence of it: the
    competencies service records an assessment (method "course completion"), submitted
    to HR or approved at once when the course is marked as an assessment
    (`CoursePage.completion_is_assessment`). Plain data crosses the app boundary.
    Idempotent (keyed by the enrolment). Returns how many assessments were created."""
    from competencies.services.assessments import assessments_from_course_completion

    enrolment = (
        Enrolment.objects.select_related("course", "user__employee")
        .filter(pk=enrolment_id, status=Enrolment.Status.COMPLETED)
        .first()
    )
    if enrolment is None or enrolment.course is None:
        return 0
    employee = getattr(enrolment.user, "employee", None)
    if employee is None:
        return 0
    course = enrolment.course
    levels = [
        (link.competency_id, link.target_level)
        for link in course.course_competencies.order_by("sort_order")
    ]
    created = assessments_from_course_completion(
        employee_id=employee.pk,
        source_key=f"enrolment:{enrolment.pk}",
        course_title=course.title,
        levels=levels,
        approve=course.completion_is_assessment,
        assessed_on=timezone.localdate(enrolment.completed_at or timezone.now()),
    )
    return len(created)


# BULK ZIP --------------------------------------------------------------------------------


def certificate_bulk_job_create(
    *, actor: User, course: CoursePage | None = None, unit: Any = None
) -> CertificateBulkJob:
    """Creates the job and queues the ZIP after commit. HR only, within their scope (a
    unit outside it is refused)."""
    from competencies.selectors.hr_scope import hr_scope_unit
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
    import re

    number = re.sub(r"[^0-9A-Za-z-]+", "-", certificate.number).strip("-")
    holder = re.sub(r"[^0-9A-Za-z]+", "-", certificate.holder_name).strip("-")[:60]
    return f"{number}_{holder}.pdf"


def certificate_bulk_job_run(*, job_id: int, progress_every: int = 20) -> None:
    """Builds the ZIP (PDFs from storage, re-rendered from the snapshot if lost) into a
    temporary file, saving progress every `progress_every` certificates, then stores it
    under an unguessable name in private storage. Does nothing unless it claims the job
    (_certificate_bulk_job_claim): a job done, gone or being built by another worker
    is left alone."""
    import tempfile
    import zipfile

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
            from django.core.files import File

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
