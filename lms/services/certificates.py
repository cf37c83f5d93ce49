"""Certificates: issue (from the completion hook, through Celery), store the PDF, revoke
and reissue (HR), and the reads behind the download and verification pages.

Issuing is safe to run twice and under races: the enrolment row is locked, a status
guard (PENDING → ISSUED) makes a second run a no-op, the number comes from the year's
`CertificateSequence` row locked in the same transaction (so numbers are gap-free), and a
partial unique constraint (one current certificate per enrolment) is the final backstop."""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.models import NotificationKind
from accounts.nip import nip_mask
from accounts.roles import Role, has_role
from accounts.services import notify
from competencies.models import AgencySettings
from competencies.services.audit import audit_log
from competencies.services.records import training_record_from_course
from lms.models import Certificate, CertificateSequence, CoursePage, Enrolment
from lms.pdf import CertificateData, render_certificate

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from accounts.models import User

logger = logging.getLogger(__name__)

DEFAULT_NUMBER_PATTERN = "{seq:05d}/BKPSDM-BTG/{year}"


# HELPERS ---------------------------------------------------------------------------------


def _agency_settings() -> AgencySettings:
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    if site is None:
        return AgencySettings()
    return AgencySettings.for_site(site)


def certificate_number_format(*, pattern: str, seq: int, year: int) -> str:
    """The number from the agency's pattern; a broken pattern falls back to the default
    rather than stopping certificates from being issued."""
    try:
        number = pattern.format(seq=seq, year=year)
    except (KeyError, IndexError, ValueError):
        logger.warning("Invalid certificate number pattern %r; using the default", pattern)
        number = DEFAULT_NUMBER_PATTERN.format(seq=seq, year=year)
    return number[:120]


def certificate_verify_url(*, code: str) -> str:
    base = getattr(settings, "LMS_CERTIFICATE_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL
    return base.rstrip("/") + reverse("verify:detail", args=[code])


def certificate_download_url(*, code: str) -> str:
    return reverse("lms:certificate_download", args=[code])


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
    *, certificate: Certificate, enrolment: Enrolment, course: CoursePage, agency: AgencySettings
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
            development_type=course.siasn_type_id,
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
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("user", "course")
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
            _snapshot(certificate=certificate, enrolment=enrolment, course=course, agency=agency)
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
            try:
                with transaction.atomic():
                    certificate.save()
            except IntegrityError:
                # Another worker issued it between our checks (SQLite takes no row locks):
                # give that one back. Anything else (a number already taken, say after a
                # pattern change) must roll the whole transaction back, sequence included,
                # so that no number is lost and the task retries or fails visibly.
                existing = Certificate.objects.filter(enrolment=enrolment, is_current=True).first()
                if existing is None:
                    raise
                transaction.set_rollback(True)
                return existing
    if certificate is None or certificate.status != Certificate.Status.ISSUED:
        return certificate
    certificate_pdf_ensure(certificate=certificate, agency=agency)
    with transaction.atomic():
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
    """The renderer's input: the snapshot, plus the agency's current logo and signature
    images (images are not snapshotted; replacing them is a deliberate act)."""
    agency = agency or _agency_settings()

    def image_path(image: Any) -> str | None:
        if image is None:
            return None
        try:
            return image.file.path
        except (NotImplementedError, ValueError):
            return None

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
        logo_path=image_path(agency.logo),
        signature_path=image_path(agency.signature),
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


def certificate_revoke(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    _require_manage(actor=actor, certificate=certificate)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking the certificate.")})
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status != Certificate.Status.ISSUED:
            raise ValidationError(_("Only an issued certificate can be revoked."))
        certificate.status = Certificate.Status.REVOKED
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = actor
        certificate.revocation_reason = reason
        certificate.save()
        audit_log(
            instance=certificate,
            action="lms.certificate_revoke",
            user=actor,
            changes={"status": [Certificate.Status.ISSUED, Certificate.Status.REVOKED]},
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
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("user", "course")
            .get(pk=old.enrolment_id)
        )
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
        old.save()
        agency = _agency_settings()
        new = Certificate(enrolment=enrolment, user=enrolment.user, replaces=old)
        _snapshot(certificate=new, enrolment=enrolment, course=course, agency=agency)
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


# READS -----------------------------------------------------------------------------------


def certificate_get_for_user(*, user: User | AnonymousUser, code: str) -> Certificate:
    """The certificate for its holder, their supervisor, HR in scope and administrators;
    404 for anyone else, so that codes cannot be probed."""
    certificate = (
        Certificate.objects.select_related("user__employee__supervisor")
        .filter(code=code, status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED])
        .first()
    )
    if certificate is None or not user.has_perm("lms.view_certificate", certificate):
        raise Http404
    return certificate


def certificate_public(*, certificate: Certificate) -> dict[str, Any]:
    """What the public verification page and its JSON show: nothing personal beyond the
    holder's name and a masked NIP."""
    return {
        "status": certificate.verification_status,
        "number": certificate.number,
        "holder_name": certificate.holder_name,
        "holder_nip": nip_mask(certificate.holder_nip) if certificate.holder_nip else "",
        "course_title": certificate.course_title,
        "jp": format(Decimal(certificate.jp).normalize(), "f"),
        "issued_on": certificate.issued_on.isoformat() if certificate.issued_on else None,
        "completed_on": (
            certificate.completed_on.isoformat() if certificate.completed_on else None
        ),
        "valid_until": certificate.valid_until.isoformat() if certificate.valid_until else None,
        "issuer": certificate.agency_name,
        "government": certificate.government_name,
        "revoked_on": (
            timezone.localdate(certificate.revoked_at).isoformat()
            if certificate.revoked_at
            else None
        ),
        "revocation_reason": certificate.revocation_reason
        if certificate.status == Certificate.Status.REVOKED
        else "",
        "verify_url": certificate_verify_url(code=certificate.code),
    }


def certificate_get_public(*, code: str) -> Certificate:
    certificate = Certificate.objects.filter(
        code=code, status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED]
    ).first()
    if certificate is None:
        raise Http404
    return certificate


def certificate_find(*, number: str, holder_name: str) -> Certificate | None:
    """Verification by number and holder name (case- and space-insensitive; the name
    must match in full, with or without academic titles)."""

    def norm(value: str) -> str:
        return " ".join(value.casefold().replace(",", " ").replace(".", " ").split())

    wanted = norm(holder_name)
    if not number.strip() or not wanted:
        return None
    for certificate in Certificate.objects.filter(
        number=number.strip(),
        status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED],
    ).select_related("user__employee"):
        names = {norm(certificate.holder_name)}
        employee = getattr(certificate.user, "employee", None)
        if employee is not None:
            names.add(norm(employee.full_name))
        if wanted in names:
            return certificate
    return None


def credential_ob3(*, certificate: Certificate) -> dict[str, Any]:
    """The certificate as an Open Badges 3.0 AchievementCredential (unsigned: no `proof`;
    its authority is the verification page at the same address)."""
    base = (
        getattr(settings, "LMS_CERTIFICATE_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL
    ).rstrip("/")
    verify_url = certificate_verify_url(code=certificate.code)
    issued_at = certificate.issued_at or timezone.now()
    competencies = [str(name) for name, _level in certificate.competencies]
    description = _("Completed the training %(course)s (%(jp)s JP).") % {
        "course": certificate.course_title,
        "jp": format(Decimal(certificate.jp).normalize(), "f"),
    }
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"{verify_url}credential.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.course_title,
        "description": description,
        "issuer": {
            "id": f"{base}/",
            "type": ["Profile"],
            "name": certificate.agency_name,
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
            },
            "creditsEarned": float(certificate.jp),
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
        credential["validUntil"] = f"{certificate.valid_until.isoformat()}T23:59:59Z"
    return credential


def certificate_list_for_hr(user: User | AnonymousUser) -> QuerySet[Certificate]:
    """Certificates an HR manager may see (holders in their unit subtree; holders with no
    employee record only for unscoped managers); administrators see all."""
    from competencies.selectors import hr_scope_unit

    if not has_role(user, Role.PENGELOLA_SDM, Role.ADMINISTRATOR):
        raise PermissionDenied
    certificates = Certificate.objects.select_related("user", "user__employee__unit")
    scope = hr_scope_unit(user)
    if scope is not None:
        certificates = certificates.filter(user__employee__unit__path__startswith=scope.path)
    return certificates
