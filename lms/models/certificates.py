"""Certificates (STTP). A certificate is a record, not content: it keeps a snapshot of
everything it shows, so later edits to the learner, the course or the site settings never
change an issued certificate (docs/certificates.md)."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def verification_code() -> str:
    """The public code in /verify/<code>/: 128 random bits, URL-safe, unguessable."""
    return secrets.token_urlsafe(16)


class CertificateSequence(models.Model):
    """The last number handed out in a year. Its row is locked (select_for_update) in the
    transaction that creates the certificate, so numbers are gap-free and race-free."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("certificate sequence")
        verbose_name_plural = _("certificate sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Certificate(models.Model):
    # Nothing links to certificates by reference; skipping Wagtail's reference index keeps
    # the issuing transaction (which holds the sequence lock) short.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")
        FAILED = "failed", _("Failed")

    class RevocationCategory(models.TextChoices):
        """What the public sees about a revocation (HR's free-text reason stays internal)."""

        DATA_ERROR = "data_error", _("Error in the certificate's data")
        REPLACED = "replaced", _("Replaced by a reissued certificate")
        WITHDRAWN = "withdrawn", _("Withdrawn by administrative decision")
        OTHER = "other", _("Other reason")

    # PROTECT: an enrolment with a certificate stays. One *current* certificate per
    # enrolment (a constraint); a reissue retires the old one and adds a new current one.
    enrolment = models.ForeignKey(
        "lms.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    is_current = models.BooleanField(_("current"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    code = models.CharField(
        _("verification code"), max_length=32, unique=True, default=verification_code
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    number = models.CharField(_("certificate number"), max_length=120, blank=True, db_index=True)
    # The snapshot: what the certificate shows, frozen when it was issued.
    holder_name = models.CharField(_("holder name"), max_length=255, blank=True)
    holder_nip = models.CharField(_("holder NIP"), max_length=18, blank=True)
    course_title = models.CharField(_("course title"), max_length=255, blank=True)
    jp = models.DecimalField(_("JP"), max_digits=5, decimal_places=1, default=0)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    competencies = models.JSONField(
        _("competencies developed"),
        default=list,
        blank=True,
        help_text=_("A list of [name, level] pairs."),
    )
    # STTP content (Perka LAN 24/2016; DOMAIN.md §7), snapshotted at issue: the holder's
    # pangkat/golongan, jabatan and unit; the result classification (kualifikasi
    # kelulusan) from the final score; the programme's subjects (mata pelatihan) and JP.
    # Tempat/tanggal lahir: the place from the employee record, the date from the NIP.
    holder_birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    holder_birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    holder_rank = models.CharField(_("rank (pangkat/golongan)"), max_length=120, blank=True)
    holder_position = models.CharField(_("position (jabatan)"), max_length=255, blank=True)
    holder_unit = models.CharField(_("unit (instansi/unit kerja)"), max_length=255, blank=True)
    final_score = models.DecimalField(
        _("final score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    qualification = models.CharField(_("qualification (kualifikasi)"), max_length=60, blank=True)
    subjects = models.JSONField(_("subjects (mata pelatihan)"), default=list, blank=True)
    signer_name = models.CharField(_("signer name"), max_length=200, blank=True)
    signer_nip = models.CharField(_("signer NIP"), max_length=18, blank=True)
    signer_title = models.CharField(_("signer title"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    agency_name = models.CharField(_("agency"), max_length=200, blank=True)
    government_name = models.CharField(_("government"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=5, default="id")
    # The agency's logo and signature as they were at issue: content-addressed copies in
    # private storage ({"logo": "certificate-images/<sha256>.png", "signature": ...}, ""
    # when there was none), so re-rendering a PDF never prints today's images on an old
    # certificate. None: issued before images were recorded (re-rendering skips those).
    image_files = models.JSONField(
        _("logo and signature at issue"), null=True, blank=True, default=None, editable=False
    )

    pdf = models.FileField(_("PDF"), upload_to="certificates/", blank=True, max_length=255)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    # Shown publicly (verification page, JSON, credential status); the reason is not.
    revocation_category = models.CharField(
        _("revocation category"), max_length=20, choices=RevocationCategory.choices, blank=True
    )
    # The last expiry reminder sent (idempotency also comes from the notice's dedupe key).
    expiry_reminded_at = models.DateTimeField(_("expiry reminder sent at"), null=True, blank=True)
    # A reissued certificate points at the one it replaces.
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    failure = models.TextField(_("failure"), blank=True)
    # The PAdES signature of the stored PDF (lms.services.certificate_signing): when it
    # was signed (None: waiting for the signer, or signing is off), the signing
    # certificate's subject, and the last signing failure (for the signer's queue).
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by_subject = models.CharField(_("signed by"), max_length=255, blank=True)
    signing_error = models.TextField(_("signing error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        # Given to the signer's account (the Kepala BKPSDM), in the Wagtail admin's user or
        # group permissions: their queue of certificates waiting for the signature.
        permissions = [("sign_certificate", "Can sign certificates electronically")]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=models.Q(is_current=True),
                name="lms_certificate_one_per_enrolment",
            ),
            models.UniqueConstraint(
                fields=["year", "sequence"], name="lms_certificate_sequence_unique"
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=~models.Q(number=""),
                name="lms_certificate_number_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["issued", "revoked"])
                | (~models.Q(number="") & models.Q(issued_at__isnull=False)),
                name="lms_certificate_issued_has_number",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | models.Q(revoked_at__isnull=False),
                name="lms_certificate_revoked_has_time",
            ),
        ]
        indexes = [
            # The signer's queue: issued, current certificates not signed yet.
            models.Index(
                fields=["issued_at"],
                condition=models.Q(status="issued", is_current=True, signed_at__isnull=True),
                name="lms_certificate_to_sign",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk} ({self.get_status_display()})"

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    @property
    def validity_label(self) -> str:
        """`verification_status` in words, for lists: valid, revoked, expired or not
        issued."""
        return str(
            {
                "valid": _("Valid"),
                "revoked": _("Revoked"),
                "expired": _("Expired"),
            }.get(self.verification_status, _("Not issued"))
        )

    @property
    def verification_status(self) -> str:
        """valid / revoked / expired / pending, as the public verification page says."""
        if self.status == self.Status.REVOKED:
            return "revoked"
        if self.status != self.Status.ISSUED:
            return "pending"
        return "expired" if self.is_expired else "valid"


class CertificateJob(models.Model):
    """What the certificate background jobs share: who asked, the state, the progress bar
    and the error (a ZIP download, a signing batch)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveIntegerField(_("progress"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.progress * 100 / self.total) if self.total else 0


class CertificateBulkJob(CertificateJob):
    """A ZIP of many certificates' PDFs (one course, or one unit subtree), built by Celery
    for the HR manager who asked; the file lives in private storage and is served only
    to them (docs/certificates.md, "Bulk download")."""

    course = models.ForeignKey(
        "lms.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        "competencies.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="certificate-zips/", blank=True, max_length=255)

    class Meta:
        verbose_name = _("certificate download")
        verbose_name_plural = _("certificate downloads")
        ordering = ["-created_at", "-pk"]

    @property
    def retention_hours(self) -> int:
        return int(getattr(settings, "LMS_CERTIFICATE_ZIP_RETENTION_HOURS", 24))

    @property
    def expires_at(self) -> datetime.datetime:
        """When the ZIP and this job are deleted (lms.tasks.certificate_bulk_jobs_delete_expired)."""
        return self.created_at + datetime.timedelta(hours=self.retention_hours)


class CertificateSigningJob(CertificateJob):
    """The signer's batch: certificates waiting for the electronic signature, signed by
    Celery one after another with a progress bar (lms.services.certificate_signing).
    Each certificate is signed at most once however often a batch is run again, so a
    stopped batch is simply started again and resumes where it stopped."""

    certificate_ids = models.JSONField(_("certificates"), default=list)
    signed = models.PositiveIntegerField(_("signed"), default=0)

    class Meta:
        verbose_name = _("signing batch")
        verbose_name_plural = _("signing batches")
        ordering = ["-created_at", "-pk"]
