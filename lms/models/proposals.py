"""Training-need proposals (usulan kebutuhan pelatihan): an employee proposes a
topic for the competency it serves, colleagues support it (one vote each) and HR answers
with a status. Not to be confused with `TrainingProposal`, a supervisor proposing an
existing course for one report (assignments)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainingNeedProposal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open for support")
        UNDER_REVIEW = "under_review", _("Under review")
        PLANNED = "planned", _("Planned")
        DECLINED = "declined", _("Declined")

    # Statuses in which colleagues may still add their support.
    SUPPORTABLE = (Status.OPEN, Status.UNDER_REVIEW)

    topic = models.CharField(_("training topic"), max_length=200)
    reason = models.TextField(_("why it is needed"), max_length=2000)
    competency = models.ForeignKey(
        "competencies.Competency",
        verbose_name=_("competency it serves"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # PROTECT: an account with proposals is deactivated, never deleted.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="training_need_proposals",
    )
    # The proposer's unit when proposing, so HR scope and the training-needs report can
    # group proposals without following later transfers.
    unit = models.ForeignKey(
        "competencies.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    planned_course = models.ForeignKey(
        "lms.CoursePage",
        verbose_name=_("planned course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    response = models.TextField(
        _("answer from HR"),
        blank=True,
        max_length=2000,
        help_text=_("Required when declining; shown to every signed-in employee."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("training-need proposal")
        verbose_name_plural = _("training-need proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="planned") | models.Q(planned_course__isnull=False),
                name="lms_need_proposal_planned_has_course",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(response=""),
                name="lms_need_proposal_declined_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.topic

    @property
    def is_supportable(self) -> bool:
        return self.status in self.SUPPORTABLE

    def clean(self) -> None:
        super().clean()
        if self.status == self.Status.PLANNED and self.planned_course_id is None:
            raise ValidationError({"planned_course": _("Choose the course that is planned.")})
        if self.status == self.Status.DECLINED and not (self.response or "").strip():
            raise ValidationError({"response": _("Give the reason for declining.")})


class TrainingNeedSupport(models.Model):
    """One colleague's vote for a proposal."""

    proposal = models.ForeignKey(
        TrainingNeedProposal, on_delete=models.CASCADE, related_name="supports", db_index=False
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "user"], name="lms_need_support_one_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"
