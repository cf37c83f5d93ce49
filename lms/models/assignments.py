"""Course assignments: HR assigns a course to people, units, positions, position
kinds or a saved rule. `Assignment` is what HR created; `AssignmentRecipient` is one
employee's obligation under it (one row per employee and yearly cycle), kept after the
person leaves (status withdrawn) so the history stays."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentRule(models.Model):
    """A saved combination of criteria (all given criteria must hold)."""

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        "competencies.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    include_subunits = models.BooleanField(_("include sub-units"), default=True)
    position_kind = models.CharField(_("position kind"), max_length=20, blank=True)
    golongan = models.PositiveSmallIntegerField(_("golongan/ruang"), null=True, blank=True)
    employment_type = models.CharField(_("employment type"), max_length=4, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    class Target(models.TextChoices):
        EMPLOYEES = "employees", _("Individual employees")
        UNITS = "units", _("Organisation units")
        POSITIONS = "positions", _("Positions")
        POSITION_KINDS = "position_kinds", _("Position kinds")
        RULE = "rule", _("Saved rule")

    course = models.ForeignKey(
        "lms.CoursePage",
        verbose_name=_("course"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="assignments",
    )
    course_title = models.CharField(_("course title"), max_length=255)
    target_type = models.CharField(_("assign to"), max_length=20, choices=Target.choices)
    employees = models.ManyToManyField(
        "competencies.Employee", verbose_name=_("employees"), blank=True, related_name="+"
    )
    units = models.ManyToManyField(
        "competencies.OrgUnit", verbose_name=_("units"), blank=True, related_name="+"
    )
    include_subunits = models.BooleanField(_("include sub-units"), default=True)
    positions = models.ManyToManyField(
        "competencies.Position", verbose_name=_("positions"), blank=True, related_name="+"
    )
    position_kinds = models.JSONField(_("position kinds"), default=list, blank=True)
    rule = models.ForeignKey(
        AssignmentRule,
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    # The creating HR manager's unit subtree: dynamic re-application never reaches
    # beyond it.
    scope_unit = models.ForeignKey(
        "competencies.OrgUnit",
        verbose_name=_("limited to unit subtree"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(
        _("due days after being assigned"), null=True, blank=True
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    recurs_yearly = models.BooleanField(_("repeat every year"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(due_on__isnull=False, due_days__isnull=True)
                    | models.Q(due_on__isnull=True, due_days__isnull=False)
                ),
                name="lms_assignment_one_due_mode",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_title} ({self.get_target_type_display()})"

    def clean(self) -> None:
        super().clean()
        if (self.due_on is None) == (self.due_days is None):
            raise ValidationError(_("Give either a due date or a number of days, not both."))
        if self.target_type == self.Target.RULE and self.rule_id is None:
            raise ValidationError({"rule": _("Choose a rule.")})


class AssignmentRecipient(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="recipients", db_index=False
    )
    employee = models.ForeignKey(
        "competencies.Employee",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    # Denormalised from employee.user: notices and the enrolment (user, course) use it.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cycle = models.PositiveSmallIntegerField(_("year cycle"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    due_on = models.DateField(_("due on"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assigned employee")
        verbose_name_plural = _("assigned employees")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "employee", "cycle"], name="lms_recipient_one_per_cycle"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="lms_recipient_status_due")]

    def __str__(self) -> str:
        return f"{self.assignment_id} → {self.employee_id} ({self.cycle})"


class AssignmentDueExtension(models.Model):
    """History of due-date extensions for one person."""

    recipient = models.ForeignKey(
        AssignmentRecipient, on_delete=models.CASCADE, related_name="extensions"
    )
    old_due_on = models.DateField(_("old due date"))
    new_due_on = models.DateField(_("new due date"))
    reason = models.CharField(_("reason"), max_length=255)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("due date extension")
        verbose_name_plural = _("due date extensions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.old_due_on} → {self.new_due_on}"


class TrainingProposal(models.Model):
    """A supervisor proposes a course for a report; HR approves it into an assignment."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    employee = models.ForeignKey(
        "competencies.Employee",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="training_proposals",
    )
    course = models.ForeignKey(
        "lms.CoursePage",
        verbose_name=_("course"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    assignment = models.ForeignKey(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training proposal")
        verbose_name_plural = _("training proposals")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.employee_id} · {self.course_id}"
