"""Certificates: the lifecycle. Issue (from the completion hook, through Celery), with
the number and the snapshot; the failure mark; revoke and reissue (HR). The PDF file is
lms.services.certificate_pdfs, the Open Badges credential lms.services.credentials, the
bulk ZIP lms.services.certificate_bulk, expiry reminders
lms.services.certificate_reminders and the competency evidence of a completed course
lms.services.competency_evidence. The reads behind the download and verification pages,
and the sweeps' queries, are lms.selectors.certificates.

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
import logging
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import NotificationKind
from accounts.services import notify
from competencies.models import AgencySettings, TrainingRecord
from competencies.services.audit import audit_log
from competencies.services.records import training_record_from_course, training_record_withdraw
from competencies.siasn import DevelopmentType
from lms.models import Certificate, CertificateSequence, CoursePage, Enrolment
from lms.selectors.certificates import certificate_download_url
from lms.services import xapi
from lms.services.certificate_pdfs import (
    certificate_images_snapshot,
    certificate_pdf_ensure,
    certificate_pdf_name,
)

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

DEFAULT_NUMBER_PATTERN = "{seq:05d}/BKPSDM-BTG/{year}"


# NUMBER AND SNAPSHOT ---------------------------------------------------------------------


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


def _holder(user: User) -> tuple[str, str]:
    """Name with academic titles and NIP, from the employee record when there is one."""
    try:
        employee = user.employee
    except ObjectDoesNotExist:
        employee = None
    if employee is not None:
        return employee.display_name, user.nip or ""
    return (user.get_full_name() or user.email), user.nip or ""


def qualification_for(score: Decimal | None) -> str:
    """The kualifikasi kelulusan of a final score (0-100), by the thresholds of
    settings.LMS_CERTIFICATE_QUALIFICATIONS (highest first); "" without a score."""
    if score is None:
        return ""
    for minimum, label in settings.LMS_CERTIFICATE_QUALIFICATIONS:
        if score >= Decimal(str(minimum)):
            return str(label)
    return ""


def _sttp_snapshot(*, certificate: Certificate, enrolment: Enrolment, course: CoursePage) -> None:
    """The STTP content beyond name and NIP: rank, position, unit (from the employee
    record), the final score (the best graded quiz attempt of this enrolment, in %) and
    its classification, and the subjects with their JP (the course's lessons, 1 JP = 45
    minutes) and, for a participant of a classroom batch, the batch's sessions with their
    JP, listed when there are several. Three queries."""
    from lms.models import LessonPage, Nomination, QuizAttempt, Session
    from lms.selectors.classroom import session_default_jp, session_jp

    try:
        employee = enrolment.user.employee
    except ObjectDoesNotExist:
        employee = None
    if employee is not None:
        rank = employee.pangkat
        if employee.golongan:
            rank = (
                f"{rank}, {employee.get_golongan_display()}"
                if rank
                else employee.get_golongan_display()
            )
        elif employee.pppk_golongan:
            rank = f"PPPK {employee.get_pppk_golongan_display()}"
        certificate.holder_rank = rank[:120]
        certificate.holder_birth_place = employee.birth_place[:100]
        certificate.holder_birth_date = employee.birth_date
        certificate.holder_position = (employee.position.name if employee.position else "")[:255]
        certificate.holder_unit = (employee.unit.name if employee.unit else "")[:255]
    best = (
        QuizAttempt.objects.filter(enrolment=enrolment, score_percent__isnull=False)
        .order_by("-score_percent")
        .values_list("score_percent", flat=True)
        .first()
    )
    certificate.final_score = best
    certificate.qualification = qualification_for(best)
    lessons = list(
        LessonPage.objects.child_of(course)
        .live()
        .order_by("path")
        .values_list("title", "estimated_minutes")
    )
    # A lesson's JP from its estimated minutes by the same rule as a session's without
    # its own (1 JP = CLASSROOM_MINUTES_PER_JP minutes, 45 by default).
    subjects = [
        [title, str(session_default_jp(minutes=minutes or 0))] for title, minutes in lessons
    ]
    # A classroom or blended participant (selected into a batch): the batch's sessions
    # follow the course's own lessons, each with its JP (session_jp, the one rule).
    sessions = Session.objects.filter(
        batch__nominations__enrolment=enrolment,
        batch__nominations__status=Nomination.Status.SELECTED,
    ).order_by("date", "start_time", "pk")
    subjects += [
        [session.topic, str(session_jp(session).quantize(Decimal("0.1")))] for session in sessions
    ]
    certificate.subjects = subjects if len(subjects) > 1 else []


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
    _sttp_snapshot(certificate=certificate, enrolment=enrolment, course=course)
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
    xapi.xapi_record_certificate_issued(certificate=certificate, enrolment=enrolment, course=course)


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
            numbered = _number_and_snapshot(enrolment_id=enrolment_id, agency=agency, images=images)
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
    if numbered is None:
        return None
    enrolment, course, certificate, issued = numbered
    if certificate.status != Certificate.Status.ISSUED:
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


def _number_and_snapshot(
    *, enrolment_id: int, agency: AgencySettings, images: dict[str, str]
) -> tuple[Enrolment, CoursePage, Certificate, bool] | None:
    """Step 1 of `certificate_issue`, inside its transaction, taking the locks in the
    module's order: the enrolment, its current certificate, last the year's sequence.
    Returns the enrolment, course, certificate and whether it was numbered now; None when
    there is nothing to issue."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        # The holder's name, NIP, rank, position and unit (STTP content).
        .select_related("user__employee__position", "user__employee__unit", "course")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None or enrolment.status != Enrolment.Status.COMPLETED:
        return None
    course = enrolment.course
    if course is None or not course.certificate_enabled:
        return None
    certificate = (
        Certificate.objects.select_for_update().filter(enrolment=enrolment, is_current=True).first()
    )
    if certificate is None:
        certificate = Certificate(enrolment=enrolment, user=enrolment.user)  # PENDING
    issued = certificate.status not in (Certificate.Status.ISSUED, Certificate.Status.REVOKED)
    if issued:
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
    return enrolment, course, certificate, issued


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
        xapi.xapi_record_certificate_revoked(certificate=certificate)
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
            xapi.xapi_record_certificate_revoked(certificate=old)
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
