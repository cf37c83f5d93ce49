"""Learner records. They point at pages with SET_NULL and keep snapshot fields (title,
JP) so that deleting or unpublishing content never deletes what a learner achieved."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Enrolment(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        ACTIVE = "active", _("In progress")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Request declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        APPROVAL = "approval", _("Approved request")
        ASSIGNMENT = "assignment", _("Assigned")
        ADMIN = "admin", _("Added by an administrator")

    # PROTECT: an account with learning records is deactivated, never deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="enrolments",
        db_index=False,
    )
    # SET_NULL: the record outlives the course page; course_title keeps what it was.
    course = models.ForeignKey(
        "lms.CoursePage",
        verbose_name=_("course"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="enrolments",
    )
    course_title = models.CharField(_("course title"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, db_index=True)
    jp_earned = models.DecimalField(
        _("JP earned"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    last_lesson = models.ForeignKey(
        "lms.LessonPage",
        verbose_name=_("last lesson opened"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # Retakes (a yearly assignment): each cycle is its own enrolment with its own
    # progress, attempts, JP and certificate. Only the current one is learnt in; earlier
    # cycles stay as history (is_current=False).
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=models.Q(is_current=True),
                name="lms_enrolment_one_current_per_course",
            ),
            models.UniqueConstraint(
                fields=["user", "course", "cycle"], name="lms_enrolment_one_per_cycle"
            ),
            models.CheckConstraint(
                condition=models.Q(progress_percent__gte=0, progress_percent__lte=100),
                name="lms_enrolment_progress_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="completed") | models.Q(completed_at__isnull=False),
                name="lms_enrolment_completed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"], name="lms_enrolment_user_status")]

    def __str__(self) -> str:
        return f"{self.user} — {self.course_title}"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class LessonProgress(models.Model):
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="lesson_progress", db_index=False
    )
    lesson = models.ForeignKey(
        "lms.LessonPage",
        verbose_name=_("lesson"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="progress_records",
    )
    lesson_title = models.CharField(_("lesson title"), max_length=255)
    first_opened_at = models.DateTimeField(_("first opened at"))
    last_opened_at = models.DateTimeField(_("last opened at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(_("time spent (seconds)"), default=0)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson"], name="lms_lesson_progress_one_per_lesson"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} — {self.lesson_title}"


class CourseEvaluation(models.Model):
    """The participant's voice: Likert ratings (1–5) and comments, one per enrolment.
    Public statistics only ever read aggregates, never rows."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="evaluation")
    course = models.ForeignKey(
        "lms.CoursePage", on_delete=models.SET_NULL, null=True, related_name="evaluations"
    )
    content_rating = models.PositiveSmallIntegerField(
        _("the content was clear and well organised"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    trainer_rating = models.PositiveSmallIntegerField(
        _("the trainer explained well and answered questions"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    usefulness_rating = models.PositiveSmallIntegerField(
        _("what I learned is useful in my work"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comments = models.TextField(_("comments and suggestions"), blank=True, max_length=2000)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("course evaluation")
        verbose_name_plural = _("course evaluations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    content_rating__gte=1,
                    content_rating__lte=5,
                    trainer_rating__gte=1,
                    trainer_rating__lte=5,
                    usefulness_rating__gte=1,
                    usefulness_rating__lte=5,
                ),
                name="lms_evaluation_ratings_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment}"
