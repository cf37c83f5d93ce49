"""Individual development plans (IDP, docs/idp.md): per employee and year, goals drawn
from the competency gaps, activities that serve them, the draft → proposed → agreed
workflow with both agreements, the mid-year and end-of-year reviews, and the coaching and
mentoring sessions that earn JP once the supervisor confirms them.

A course or classroom batch is an `lms` object, and competencies may not import lms: an
activity keeps the course as a Wagtail page (`wagtailcore.Page`) and the batch by id,
with the title as it was chosen; the lms resolves and checks them
(settings.COMPETENCIES_IDP_CATALOGUE)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from competencies.models.employees import Employee
from competencies.models.framework import Competency
from competencies.models.records import TrainingRecord

# One activity expecting more than this cannot be right (a semester of study is 20 JP).
IDP_ACTIVITY_MAX_JP = Decimal(200)


class Idp(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="idps",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    employee_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agreed by the employee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    employee_agreed_at = models.DateTimeField(_("employee agreed at"), null=True, blank=True)
    supervisor_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agreed by the supervisor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    supervisor_agreed_at = models.DateTimeField(_("supervisor agreed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("individual development plan")
        verbose_name_plural = _("individual development plans")
        ordering = ["-year", "employee__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "year"], name="competencies_idp_one_a_year"
            ),
        ]
        indexes = [models.Index(fields=["year", "status"], name="competencies_idp_year_idx")]

    def __str__(self) -> str:
        return f"IDP {self.year}: {self.employee}"


class IdpGoal(models.Model):
    idp = models.ForeignKey(Idp, on_delete=models.CASCADE, related_name="goals", db_index=False)
    competency = models.ForeignKey(
        Competency,
        verbose_name=_("competency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("goal"), max_length=255)
    # The gap when the goal was drawn, so the review can compare with what was planned.
    required_level = models.PositiveSmallIntegerField(_("required level"), null=True, blank=True)
    current_level = models.PositiveSmallIntegerField(_("level then"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("IDP goal")
        verbose_name_plural = _("IDP goals")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["idp", "competency"],
                condition=models.Q(competency__isnull=False),
                name="competencies_idp_goal_one_per_competency",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class IdpActivity(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("Course in the catalogue")
        CLASSROOM = "classroom", _("Classroom batch")
        COACHING = "coaching", _("Coaching")
        MENTORING = "mentoring", _("Mentoring")
        ON_THE_JOB = "on_the_job", _("On-the-job assignment")
        SELF_STUDY = "self_study", _("Self-study")

    goal = models.ForeignKey(IdpGoal, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=255, blank=True)
    course = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    classroom_batch_id = models.PositiveIntegerField(_("classroom batch"), null=True, blank=True)
    # The course's or batch's title when chosen: still readable if it is deleted later.
    target_title = models.CharField(_("course or batch"), max_length=255, blank=True)
    coach = models.ForeignKey(
        Employee,
        verbose_name=_("coach or mentor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    coach_name = models.CharField(_("coach or mentor (from outside)"), max_length=200, blank=True)
    target_date = models.DateField(_("target date"))
    expected_jp = models.DecimalField(
        _("expected JP"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(IDP_ACTIVITY_MAX_JP)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("IDP activity")
        verbose_name_plural = _("IDP activities")
        ordering = ["target_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_jp__gte=0), name="competencies_idp_jp_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.target_title or self.description or str(self.get_kind_display())

    @property
    def coach_label(self) -> str:
        if self.coach_id is not None and self.coach is not None:
            return self.coach.display_name
        return self.coach_name


class IdpReview(models.Model):
    class Stage(models.TextChoices):
        MID_YEAR = "mid_year", _("Mid-year review")
        END_OF_YEAR = "end_of_year", _("End-of-year review")

    idp = models.ForeignKey(Idp, on_delete=models.CASCADE, related_name="reviews", db_index=False)
    stage = models.CharField(_("review"), max_length=12, choices=Stage.choices)
    summary = models.TextField(_("what was done"), max_length=4000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        verbose_name = _("IDP review")
        verbose_name_plural = _("IDP reviews")
        ordering = ["idp", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["idp", "stage"], name="competencies_idp_review_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.idp}"


class IdpReviewItem(models.Model):
    """What became of one activity at a review; `training_record` is the completion or
    record found for it automatically (docs/idp.md, "Reviews")."""

    review = models.ForeignKey(
        IdpReview, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    activity = models.ForeignKey(IdpActivity, on_delete=models.CASCADE, related_name="+")
    done = models.BooleanField(_("done"), default=False)
    training_record = models.ForeignKey(
        TrainingRecord,
        verbose_name=_("training record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    jp = models.DecimalField(_("JP earned"), max_digits=5, decimal_places=1, default=Decimal(0))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "activity"], name="competencies_idp_review_item_once"
            ),
        ]

    def __str__(self) -> str:
        return str(self.activity)


class CoachingSession(models.Model):
    """One coaching or mentoring session. Its notes are for the employee and the coach
    only; once the employee's supervisor confirms it, it becomes an approved training
    record whose JP the conversion table gives (docs/idp.md)."""

    class Status(models.TextChoices):
        LOGGED = "logged", _("Waiting for the supervisor")
        CONFIRMED = "confirmed", _("Confirmed")

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="coaching_sessions",
    )
    activity = models.ForeignKey(
        IdpActivity,
        verbose_name=_("IDP activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=[
            (IdpActivity.Kind.COACHING.value, IdpActivity.Kind.COACHING.label),
            (IdpActivity.Kind.MENTORING.value, IdpActivity.Kind.MENTORING.label),
        ],
    )
    date = models.DateField(_("date"))
    coach = models.ForeignKey(
        Employee,
        verbose_name=_("coach or mentor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coached_sessions",
    )
    coach_name = models.CharField(_("coach or mentor (from outside)"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=255)
    notes = models.TextField(_("notes (only you and the coach see them)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.LOGGED
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    training_record = models.OneToOneField(
        TrainingRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coaching_session",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coaching or mentoring session")
        verbose_name_plural = _("coaching and mentoring sessions")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.topic} ({self.date})"

    @property
    def coach_label(self) -> str:
        if self.coach_id is not None and self.coach is not None:
            return self.coach.display_name
        return self.coach_name
