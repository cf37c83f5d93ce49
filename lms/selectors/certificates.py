"""Reads for certificates: the download and verification pages, HR's list, the sweeps that
find what is left to issue, remind or re-render, and the bulk ZIP's contents. The URL
helpers live here so that the issuing service and these reads share them without a
cycle (services import selectors, never the reverse)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.nip import nip_mask
from accounts.rules import require_hr
from competencies.models import Assessment
from competencies.selectors.hr_scope import hr_scope_unit
from config.links import certificate_base_url
from lms.models import (
    Assignment,
    Certificate,
    CertificateBulkJob,
    CourseCompetency,
    CoursePage,
    Enrolment,
)
from lms.signing import signing_enabled

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from accounts.models import User
    from competencies.models import OrgUnit


def certificate_verify_url(*, code: str) -> str:
    return certificate_base_url() + reverse("verify:detail", args=[code])


def certificate_download_url(*, code: str) -> str:
    return reverse("lms:certificate_download", args=[code])


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
        # The category only: HR's free-text reason may name people or circumstances.
        "revocation_category": certificate.revocation_category
        if certificate.status == Certificate.Status.REVOKED
        else "",
        "revocation_category_label": certificate.get_revocation_category_display()
        if certificate.status == Certificate.Status.REVOKED
        else "",
        "verify_url": certificate_verify_url(code=certificate.code),
        # The PDF's electronic signature: "signed", "pending" (in the signer's queue) or
        # "" (signing is off).
        "signature": _signature_state(certificate),
    }


def _signature_state(certificate: Certificate) -> str:
    if certificate.signed_at is not None:
        return "signed"
    return "pending" if signing_enabled() else ""


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


def certificate_list_for_hr(*, user: User | AnonymousUser) -> QuerySet[Certificate]:
    """Certificates an HR manager may see (holders in their unit subtree; holders with no
    employee record only for unscoped managers); administrators see all."""
    require_hr(user)
    certificates = Certificate.objects.select_related("user", "user__employee__unit")
    scope = hr_scope_unit(user=user)
    if scope is not None:
        certificates = certificates.filter(user__employee__unit__path__startswith=scope.path)
    return certificates


def certificate_sweep_enrolment_ids(*, older_than_seconds: int = 60) -> QuerySet[Enrolment]:
    """Completed enrolments of certificate courses whose current certificate is missing,
    pending or failed, completed more than `older_than_seconds` ago (so the on-commit
    task has had its chance). Oldest first."""
    settled = Certificate.objects.filter(
        enrolment=OuterRef("pk"),
        is_current=True,
        status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED],
    )
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    return (
        Enrolment.objects.filter(
            status=Enrolment.Status.COMPLETED,
            course__certificate_enabled=True,
            completed_at__lt=cutoff,
        )
        .exclude(Exists(settled))
        .order_by("completed_at", "pk")
    )


def certificate_reminder_candidates(*, today: datetime.date | None = None) -> QuerySet[Certificate]:
    """Current, issued certificates of recurring courses (an active assignment that
    repeats every year) that expire within 30 days and were not reminded yet, unless the
    holder already has a later certificate of the same course (a retake)."""
    today = today or timezone.localdate()
    recurring = Assignment.objects.filter(
        course_id=OuterRef("enrolment__course_id"), recurs_yearly=True, is_active=True
    )
    renewed = Certificate.objects.filter(
        user_id=OuterRef("user_id"),
        enrolment__course_id=OuterRef("enrolment__course_id"),
        status=Certificate.Status.ISSUED,
        is_current=True,
        issued_at__gt=OuterRef("issued_at"),
    )
    return (
        Certificate.objects.filter(
            status=Certificate.Status.ISSUED,
            is_current=True,
            expiry_reminded_at__isnull=True,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=30),
        )
        .filter(Exists(recurring))
        .exclude(Exists(renewed))
        .select_related("user", "user__employee__unit")
        .order_by("valid_until", "pk")
    )


def certificate_ids_for_regeneration(*, course_id: int | None = None) -> list[int]:
    """Issued and revoked certificates whose images are recorded (the others are kept
    as they are, see certificate_pdf_regenerate)."""
    certificates = Certificate.objects.filter(
        status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED],
        image_files__isnull=False,
    )
    if course_id is not None:
        certificates = certificates.filter(enrolment__course_id=course_id)
    return list(certificates.order_by("pk").values_list("pk", flat=True))


def enrolment_evidence_sweep_ids(
    *, older_than_seconds: int = 60, within_days: int = 7
) -> QuerySet[Enrolment]:
    """Completed enrolments whose competency evidence is missing: the course develops
    competencies, the holder is an active employee, and no course-completion assessment
    carries the enrolment's key. Completed more than `older_than_seconds` ago (the
    on-commit task goes first) and at most `within_days` ago, so that deploying the sweep
    does not turn years of old completions into assessments for HR. Oldest first."""
    now = timezone.now()
    evidence = Assessment.objects.filter(
        employee__user_id=OuterRef("user_id"),
        method=Assessment.Method.COURSE,
        note__startswith=Concat(
            Value("[enrolment:"), Cast(OuterRef("pk"), CharField()), Value("]")
        ),
    )
    return (
        Enrolment.objects.filter(
            status=Enrolment.Status.COMPLETED,
            completed_at__lt=now - datetime.timedelta(seconds=older_than_seconds),
            completed_at__gte=now - datetime.timedelta(days=within_days),
            user__employee__is_active=True,
        )
        .filter(Exists(CourseCompetency.objects.filter(course_id=OuterRef("course_id"))))
        .exclude(Exists(evidence))
        .order_by("completed_at", "pk")
    )


def certificate_bulk_queryset(
    *, actor: User, course: CoursePage | None = None, unit: OrgUnit | None = None
) -> QuerySet[Certificate]:
    """The certificates a bulk download holds: issued or revoked, of one course or one
    unit subtree, within the HR manager's scope."""
    certificates = certificate_list_for_hr(user=actor).filter(
        status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED]
    )
    if course is not None:
        certificates = certificates.filter(enrolment__course=course)
    if unit is not None:
        certificates = certificates.filter(user__employee__unit__path__startswith=unit.path)
    return certificates.order_by("year", "sequence", "pk")


def certificate_bulk_jobs_stuck_ids(*, older_than_minutes: int = 5) -> QuerySet[Any]:
    """Jobs still queued `older_than_minutes` after the request (their task was lost),
    within the retention period; a running or finished job is left alone."""
    now = timezone.now()
    retention = datetime.timedelta(hours=settings.LMS_CERTIFICATE_ZIP_RETENTION_HOURS)
    return (
        CertificateBulkJob.objects.filter(
            created_at__lt=now - datetime.timedelta(minutes=older_than_minutes),
            created_at__gte=now - retention,
        )
        .filter(
            Q(status=CertificateBulkJob.Status.QUEUED)
            | Q(status=CertificateBulkJob.Status.RUNNING, finished_at__lt=now)
        )
        .values_list("pk", flat=True)
    )


def certificate_bulk_job_get(*, actor: User | AnonymousUser, job_id: int) -> CertificateBulkJob:
    """Only the HR manager who asked sees the job and its file; anyone else gets 404."""
    job = CertificateBulkJob.objects.filter(pk=job_id).first()
    if job is None or not actor.is_authenticated or job.requested_by_id != actor.pk:
        raise Http404
    return job


def certificates_waiting_for_signature() -> QuerySet[Certificate]:
    """The signer's queue: issued, current certificates whose PDF is not signed yet
    (index lms_certificate_to_sign)."""
    return Certificate.objects.filter(
        status=Certificate.Status.ISSUED, is_current=True, signed_at__isnull=True
    )
