"""What links the agency's development plan (competencies.models.development_plan) to
the training that realises it (docs/development-plan.md): a classroom batch held for a
plan item, and the e-learning course whose completions count for an item.

Links point at the item's `key`, which every revision of the plan keeps, so a revision
does not lose what was already delivered; the plan's app (competencies) may not import
these models, and reads the figures through settings.COMPETENCIES_PLAN_REALISATION_SELECTOR."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanItemBatch(models.Model):
    """A batch held for a plan item: its attendance counts as the item's participants and
    JP. A batch serves one item at most."""

    batch = models.OneToOneField(
        "lms.Batch",
        verbose_name=_("batch"),
        on_delete=models.CASCADE,
        related_name="plan_item_link",
    )
    item_key = models.UUIDField(_("plan item"), db_index=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("batch of a plan item")
        verbose_name_plural = _("batches of plan items")

    def __str__(self) -> str:
        return f"{self.batch_id} → {self.item_key}"


class PlanItemCourse(models.Model):
    """The e-learning course of a plan item: its completions in the plan year by
    employees count as the item's participants and the course's JP."""

    item_key = models.UUIDField(_("plan item"), unique=True)
    course = models.ForeignKey(
        "lms.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="plan_item_links",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course of a plan item")
        verbose_name_plural = _("courses of plan items")

    def __str__(self) -> str:
        return f"{self.course_id} → {self.item_key}"
