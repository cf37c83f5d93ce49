from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from competencies.models.employees import Employee
from competencies.models.framework import Competency

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
# The first bytes each accepted kind of file starts with.
_EVIDENCE_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def evidence_upload_to(instance: Assessment, filename: str) -> str:
    # A random name, as for training-record proofs: evidence is private (downloaded
    # through competencies:assessment_evidence) and its URL must not be guessable.
    return f"assessments/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


def validate_evidence_file(value) -> None:
    """A new upload (PDF, PNG or JPEG: FileExtensionValidator) must be at most 5 MB and
    start like the kind its extension names, so an HTML or SVG file cannot pass as
    evidence. Stored files are not read again."""
    if getattr(value, "_committed", True):
        return
    extension = PurePath(value.name or "").suffix.lower()
    if extension not in _EVIDENCE_SIGNATURES:
        return  # FileExtensionValidator reports it
    if value.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."), code="evidence_size")
    value.seek(0)
    head = value.read(16)
    value.seek(0)
    if not head.startswith(_EVIDENCE_SIGNATURES[extension]):
        raise ValidationError(
            _("The file's content is not a %(kind)s file."),
            code="evidence_content",
            params={"kind": extension[1:].upper()},
        )


class Assessment(models.Model):
    """One employee's level on one competency, as measured by one method. Counts as the
    employee's current level only once approved and while valid (selectors decide)."""

    class Method(models.TextChoices):
        ASSESSMENT_CENTER = "assessment_center", _("Assessment center")
        SUPERVISOR = "supervisor", _("Supervisor rating")
        SELF = "self", _("Self assessment")
        TEST = "test", _("Test")
        COURSE = "course", _("Course completion")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="assessments",
        db_index=False,
    )
    competency = models.ForeignKey(
        Competency,
        verbose_name=_("competency"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.SET_NULL,
        related_name="assessments_made",
        null=True,
        blank=True,
    )
    assessed_on = models.DateField(_("assessment date"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    evidence = models.FileField(
        _("evidence file"),
        upload_to=evidence_upload_to,
        blank=True,
        validators=[
            FileExtensionValidator(["pdf", "jpg", "jpeg", "png"]),
            validate_evidence_file,
        ],
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)  # API updated_since

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5),
                name="competencies_assessment_level_range",
            ),
        ]
        indexes = [
            models.Index(
                fields=["employee", "competency", "status"], name="competencies_assess_cur_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} · {self.competency.code} = {self.level}"

    def clean(self) -> None:
        super().clean()
        if self.valid_until and self.assessed_on and self.valid_until < self.assessed_on:
            raise ValidationError(
                {"valid_until": _("The validity cannot end before the assessment date.")}
            )
