from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from competencies.models.employees import Employee
from competencies.models.jp_conversion import JpConversionRule
from competencies.siasn import DevelopmentType


def proof_upload_to(instance: TrainingRecord, filename: str) -> str:
    # A random name: proofs are private, and their URL must not be guessable.
    return f"records/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class TrainingRecord(models.Model):
    """One line of an employee's training history (riwayat diklat), the shape SIASN's
    `kursus` record takes. Completed portal courses add approved records automatically;
    employees add external training with proof, which HR approves. Approved records
    count toward the yearly JP."""

    # A record points at no Wagtail page, image or document (its proof is a plain file
    # field), so Wagtail's reference index has nothing to learn from it; skipping it takes
    # four queries off every certificate issued (bench/NOTES.md).
    wagtail_reference_index_ignore = True

    class Source(models.TextChoices):
        COURSE = "course", _("Portal course")
        EXTERNAL = "external", _("External training")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="training_records",
        db_index=False,
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    source_key = models.CharField(
        _("source key"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Identifies the portal record this came from, so it is added only once."),
    )
    title = models.CharField(_("training name"), max_length=255)
    organiser = models.CharField(_("organiser"), max_length=255)
    development_type = models.PositiveSmallIntegerField(
        _("development type (SIASN)"), choices=DevelopmentType.choices
    )
    started_on = models.DateField(_("start date"))
    finished_on = models.DateField(_("end date"), db_index=True)
    jp = models.DecimalField(
        _("lesson hours (JP)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(999)],
    )
    # How the JP were converted (docs/jp-conversion.md): the table version used, what the
    # employee entered, what the table gave, and HR's override reason when `jp` differs.
    # Empty on portal-course records and on records entered before the table existed.
    activity = models.CharField(
        _("activity kind"),
        max_length=20,
        choices=JpConversionRule.Activity.choices,
        blank=True,
        db_index=True,
    )
    jp_rule = models.ForeignKey(
        JpConversionRule,
        verbose_name=_("JP conversion rule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
    )
    jp_units = models.DecimalField(
        _("sessions, semesters or hours"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    international = models.BooleanField(_("international"), default=False)
    jp_computed = models.DecimalField(
        _("JP by the conversion table"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    jp_override_reason = models.TextField(_("reason for the JP set by HR"), blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    proof = models.FileField(
        _("proof (certificate)"),
        upload_to=proof_upload_to,
        blank=True,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png"])],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    siasn_id = models.CharField(_("SIASN id"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-finished_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(jp__gte=0), name="competencies_record_jp_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(finished_on__gte=models.F("started_on")),
                name="competencies_record_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(
                fields=["employee", "status", "finished_on"], name="competencies_record_jp_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.finished_on:%Y})"

    @property
    def status_label(self) -> str:
        """The status as the employee reads it. A portal-course record is created approved
        and leaves the approved set only when its certificate is revoked
        (`training_record_withdraw`), so a rejected course record says "Revoked"."""
        if self.source == self.Source.COURSE and self.status == self.Status.REJECTED:
            return str(_("Revoked"))
        return str(self.get_status_display())

    def clean(self) -> None:
        super().clean()
        if self.started_on and self.finished_on and self.finished_on < self.started_on:
            raise ValidationError({"finished_on": _("The end date cannot be before the start.")})
