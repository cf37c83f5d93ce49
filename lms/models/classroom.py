"""Classroom and blended training (docs/classroom.md): batches (angkatan) of a course with
their per-OPD quotas, the timetable of sessions, trainers, the one-door nominations and the
attendance of each session.

Records (nominations, attendance) point at the batch and session with CASCADE only inside
the batch; a batch PROTECTs its course, so a course with batches is unpublished, never
deleted."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from competencies.models.employees import Golongan
from competencies.models.organisation import Position


class MeetingURLField(models.URLField):
    """A meeting link; typed without a scheme it is taken as https (Django 6's default)."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)


class FundingPattern(models.Model):
    """How a batch is paid for (APBD, kontribusi, kerja sama, …): a list HR edits."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("funding pattern")
        verbose_name_plural = _("funding patterns")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Trainer(models.Model):
    """A widyaiswara or narasumber: an internal ASN employee or an external speaker."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal (ASN employee)")
        EXTERNAL = "external", _("External speaker (narasumber)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    employee = models.OneToOneField(
        "competencies.Employee",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainer_profile",
        help_text=_("Internal trainers only."),
    )
    name = models.CharField(_("name with titles"), max_length=200)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    expertise = models.TextField(_("expertise"), max_length=1000, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.INTERNAL and not self.employee_id:
            raise ValidationError({"employee": _("An internal trainer is an employee.")})
        if self.kind == self.Kind.EXTERNAL and self.employee_id:
            raise ValidationError({"employee": _("An external trainer is not an employee.")})


class Batch(ClusterableModel):
    """One run (angkatan) of a course, with its quota, window, venue and committee."""

    class Mode(models.TextChoices):
        KLASIKAL = "klasikal", _("Classroom (klasikal)")
        BLENDED = "blended", _("Blended")
        VIRTUAL = "virtual", _("Virtual")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for nomination")
        SELECTION = "selection", _("Selection")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    # The allowed moves of `status` (lms.services.classroom.batch_status_change).
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.DRAFT: (Status.OPEN, Status.CANCELLED),
        Status.OPEN: (Status.SELECTION, Status.CANCELLED),
        Status.SELECTION: (Status.OPEN, Status.RUNNING, Status.CANCELLED),
        Status.RUNNING: (Status.FINISHED, Status.CANCELLED),
        Status.FINISHED: (),
        Status.CANCELLED: (),
    }

    course = models.ForeignKey(
        "lms.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="batches",
    )
    number = models.CharField(_("batch"), max_length=60, help_text=_('E.g. "Angkatan II".'))
    # The organising unit: HR managers limited to a subtree see the batches organised in it.
    unit = models.ForeignKey(
        "competencies.OrgUnit",
        verbose_name=_("organised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    registration_opens_on = models.DateField(_("registration opens on"))
    registration_closes_on = models.DateField(_("registration closes on"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    meeting_url = MeetingURLField(_("online meeting link"), blank=True)
    quota_total = models.PositiveSmallIntegerField(
        _("total quota"), validators=[MinValueValidator(1)]
    )
    funding = models.ForeignKey(
        FundingPattern,
        verbose_name=_("funding pattern"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    committee = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("committee (panitia)"),
        blank=True,
        related_name="classroom_batches_run",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    completion_threshold_percent = models.PositiveSmallIntegerField(
        _("attendance needed to complete (percent of session JP)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    # Eligibility: each one set is a rule a nomination must meet.
    eligible_positions = models.ManyToManyField(
        Position,
        verbose_name=_("eligible positions"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty for every position."),
    )
    eligible_jenjang = models.CharField(
        _("eligible jenjang"), max_length=2, choices=Position.Jenjang.choices, blank=True
    )
    golongan_min = models.PositiveSmallIntegerField(
        _("lowest golongan"), choices=Golongan.choices, null=True, blank=True
    )
    golongan_max = models.PositiveSmallIntegerField(
        _("highest golongan"), choices=Golongan.choices, null=True, blank=True
    )
    prerequisite_courses = models.ManyToManyField(
        "lms.CoursePage",
        verbose_name=_("prerequisite courses"),
        blank=True,
        related_name="+",
        help_text=_("Courses a nominee must have completed."),
    )
    requires_training_need = models.BooleanField(
        _("only people with this course assigned or in their training needs"),
        default=False,
        help_text=_(
            "A nominee must have the course assigned, or proposed for them by their "
            "supervisor, or planned from a training need they proposed or supported."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("classroom batch")
        verbose_name_plural = _("classroom batches")
        ordering = ["-starts_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="lms_batch_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    completion_threshold_percent__gte=1, completion_threshold_percent__lte=100
                ),
                name="lms_batch_threshold_range",
            ),
        ]

    def __str__(self) -> str:
        course = self.course.title if self.course_id else ""
        return f"{course} — {self.number}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The batch cannot end before it starts.")
        if (
            self.registration_opens_on
            and self.registration_closes_on
            and self.registration_closes_on < self.registration_opens_on
        ):
            errors["registration_closes_on"] = _("Registration cannot close before it opens.")
        if self.golongan_min and self.golongan_max and self.golongan_max < self.golongan_min:
            errors["golongan_max"] = _("The highest golongan is below the lowest.")
        if self.mode == self.Mode.VIRTUAL and not self.meeting_url:
            errors["meeting_url"] = _("A virtual batch needs its meeting link.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_registration_open(self) -> bool:
        today = timezone.localdate()
        return (
            self.status == self.Status.OPEN
            and self.registration_opens_on <= today <= self.registration_closes_on
        )


class BatchUnitQuota(models.Model):
    """How many nominations one OPD may make for a batch. A unit without a row may not
    nominate when the batch has any quota rows; a batch without rows has only its total."""

    batch = ParentalKey(Batch, on_delete=models.CASCADE, related_name="unit_quotas", db_index=False)
    unit = models.ForeignKey(
        "competencies.OrgUnit", verbose_name=_("OPD"), on_delete=models.CASCADE, related_name="+"
    )
    quota = models.PositiveSmallIntegerField(_("quota"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("OPD quota")
        verbose_name_plural = _("OPD quotas")
        constraints = [
            models.UniqueConstraint(fields=["batch", "unit"], name="lms_batch_quota_one_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.quota}"


class Session(models.Model):
    """One meeting of a batch's timetable. Times are wall-clock in the portal's time zone
    (WITA). `sequence` goes up on every change, so calendars replace the old invitation."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    topic = models.CharField(_("topic"), max_length=255)
    room = models.CharField(_("room"), max_length=120, blank=True)
    meeting_url = MeetingURLField(_("online meeting link"), blank=True)
    jp = models.DecimalField(
        _("JP"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Leave empty to count the session's minutes (1 JP = 45 minutes)."),
    )
    trainers = models.ManyToManyField(
        Trainer, verbose_name=_("trainers"), blank=True, related_name="sessions"
    )
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="lms_session_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["date", "start_time"], name="lms_session_when_idx")]

    def __str__(self) -> str:
        return f"{self.topic} ({self.date:%d-%m-%Y} {self.start_time:%H:%M})"

    def clean(self) -> None:
        super().clean()
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The session must end after it starts.")})

    @property
    def starts_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.start_time))

    @property
    def ends_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.end_time))

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Nomination(models.Model):
    """A person put forward for a batch, and what became of it (one door: the OPD
    nominates within its quota, HR selects)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied, awaiting the supervisor")
        NOMINATED = "nominated", _("Nominated")
        SELECTED = "selected", _("Selected")
        WAITLISTED = "waitlisted", _("Waitlisted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The statuses that use up a place in the OPD's quota.
    QUOTA_STATUSES = (Status.NOMINATED, Status.SELECTED, Status.WAITLISTED)

    batch = models.ForeignKey(
        Batch,
        verbose_name=_("batch"),
        on_delete=models.CASCADE,
        related_name="nominations",
        db_index=False,
    )
    employee = models.ForeignKey(
        "competencies.Employee",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="classroom_nominations",
    )
    # The OPD whose quota the nomination uses: the employee's unit when nominated.
    unit = models.ForeignKey(
        "competencies.OrgUnit",
        verbose_name=_("OPD"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The learner record of a selected participant: completion, JP and certificate go
    # through it (the one completion engine).
    enrolment = models.ForeignKey(
        "lms.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="classroom_nominations",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "employee"], name="lms_nomination_one_per_batch"
            ),
        ]
        indexes = [
            models.Index(fields=["batch", "status"], name="lms_nomination_batch_status"),
        ]

    def __str__(self) -> str:
        return f"{self.employee} — {self.batch}"


class Attendance(models.Model):
    """Presence of one participant at one session: one row, whoever records it."""

    class Status(models.TextChoices):
        HADIR = "hadir", _("Present")
        TERLAMBAT = "terlambat", _("Late")
        IZIN = "izin", _("Excused (izin)")
        SAKIT = "sakit", _("Sick")
        ALFA = "alfa", _("Absent (alfa)")

    # The statuses whose session JP counts toward completion.
    PRESENT = (Status.HADIR, Status.TERLAMBAT)

    class Method(models.TextChoices):
        QR = "qr", _("QR scan")
        COMMITTEE = "committee", _("Committee list")
        CORRECTION = "correction", _("HR correction")
        PERSONAL_QR = "personal", _("Personal QR scanned by the committee")
        VIRTUAL_CODE = "code", _("Virtual session check-in code")

    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="attendance",
        db_index=False,
    )
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    method = models.CharField(_("recorded by"), max_length=10, choices=Method.choices)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "nomination"], name="lms_attendance_one_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination} — {self.session}: {self.get_status_display()}"
