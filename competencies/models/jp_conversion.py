"""The JP conversion table (docs/jp-conversion.md): how many JP an external or
non-classical development activity is worth, per SIASN development type and activity
kind, in versions that each apply from a date; and HR's re-computation runs."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from competencies.siasn import DevelopmentType


class JpConversionRule(models.Model):
    """One version of one row of the conversion table. The version a record uses is the
    one of its (development type, activity) with the latest `effective_from` on or before
    the record's end date, so adding a version never changes records that ended before
    it; a version that records already use is not edited (add a new one instead)."""

    class Activity(models.TextChoices):
        SEMINAR = "seminar", _("Seminar / socialisation")
        WORKSHOP = "workshop", _("Workshop")
        COACHING = "coaching", _("Coaching / mentoring")
        E_LEARNING = "e_learning", _("E-learning")
        INTERNSHIP = "internship", _("Internship / secondment (magang / detasering)")
        BENCHMARKING = "benchmarking", _("Benchmarking (patok banding)")
        SELF_STUDY = "self_study", _("Self-study / community of practice")
        TRAINING = "training", _("Training (as scheduled)")
        STUDY = "study", _("Study assignment / study permit (tugas / izin belajar)")

    class Unit(models.TextChoices):
        DAY = "day", _("per day")
        SESSION = "session", _("per session")
        SEMESTER = "semester", _("per semester")
        HOUR = "hour", _("per scheduled hour (1 JP = 45 minutes)")
        ACTIVITY = "activity", _("per activity")

    development_type = models.PositiveSmallIntegerField(
        _("development type (SIASN)"), choices=DevelopmentType.choices
    )
    activity = models.CharField(_("activity kind"), max_length=20, choices=Activity.choices)
    unit = models.CharField(_("computed"), max_length=10, choices=Unit.choices)
    jp_national = models.DecimalField(
        _("JP per unit (national)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(999)],
        help_text=_("For scheduled hours: JP per 45 minutes, normally 1."),
    )
    jp_international = models.DecimalField(
        _("JP per unit (international)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(999)],
        help_text=_("For scheduled hours: 1.2 is the national value plus 20%."),
    )
    cap_per_day = models.DecimalField(
        _("at most JP a day"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    cap_per_month = models.DecimalField(
        _("at most JP a month"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    cap_per_year = models.DecimalField(
        _("at most JP a year"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    effective_from = models.DateField(
        _("applies from"),
        help_text=_("Records whose end date is on or after this date use this version."),
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("JP conversion rule")
        verbose_name_plural = _("JP conversion rules")
        ordering = ["development_type", "activity", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["development_type", "activity", "effective_from"],
                name="competencies_jprule_one_version_a_day",
            ),
            models.CheckConstraint(
                condition=models.Q(jp_national__gt=0) & models.Q(jp_international__gt=0),
                name="competencies_jprule_values_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_activity_display()} — {self.get_development_type_display()}"

    @property
    def choice_key(self) -> str:
        """The value of this row in the record form's "kind" list."""
        return f"{self.development_type}:{self.activity}"

    def clean(self) -> None:
        super().clean()
        if self.jp_national and self.jp_international and self.jp_international < self.jp_national:
            raise ValidationError(
                {
                    "jp_international": _(
                        "The international value cannot be lower than the national one."
                    )
                }
            )
        if self.effective_from and self.effective_from < datetime.date(2000, 1, 1):
            raise ValidationError({"effective_from": _("Give a date from 2000 on.")})


class JpRecompute(models.Model):
    """HR's re-computation of converted JP after the table changed: a preview of the
    records whose JP would change (computed by a Celery task, with its progress), then,
    once confirmed, the change (another task, with its progress: a table change can touch
    every converted record of the agency) (docs/jp-conversion.md, "Re-computing")."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("computing the preview")
        PREVIEWED = "previewed", _("preview ready")
        APPLYING = "applying", _("changing the records")
        APPLIED = "applied", _("applied")
        FAILED = "failed", _("failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # [{"record": id, "old": "4.0", "new": "6.0", "rule": id}, ...]
    changes = models.JSONField(_("changes"), default=list, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    # Who confirmed, and how many records took the new JP (those changed since the
    # preview are left as they are).
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_count = models.PositiveIntegerField(_("records changed"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("JP re-computation")
        verbose_name_plural = _("JP re-computations")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"
