"""Evaluation of a classroom batch (docs/classroom.md, issue 17 §6): after the batch each
participant who attended rates the event (evaluasi penyelenggaraan) and every trainer who
taught their sessions (evaluasi pengajar).

Anonymous by construction: the answers (`BatchEvaluation`, `TrainerEvaluation`) carry the
batch and the trainer, never the person; `BatchEvaluationReceipt` records only *that* a
participant has answered (once per participant and batch), for the completion rule and so
that a second submission changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.models.classroom import Batch, Nomination, Trainer

LIKERT_CHOICES = [
    (1, _("1 — strongly disagree")),
    (2, _("2 — disagree")),
    (3, _("3 — neutral")),
    (4, _("4 — agree")),
    (5, _("5 — strongly agree")),
]


# The Likert items of the form, in its order (the answers' field names).
EVENT_ITEMS = ("organisation_rating", "facilities_rating", "committee_rating", "relevance_rating")
TRAINER_ITEMS = ("mastery_rating", "delivery_rating", "interaction_rating")


def _likert(label: Any) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        choices=LIKERT_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )


def _likert_range(fields: tuple[str, ...], name: str) -> models.CheckConstraint:
    condition = models.Q()
    for field in fields:
        condition &= models.Q(**{f"{field}__gte": 1, f"{field}__lte": 5})
    return models.CheckConstraint(condition=condition, name=name)


class BatchEvaluationReceipt(models.Model):
    """That a participant has evaluated their batch, and when; nothing of what they said."""

    nomination = models.OneToOneField(
        Nomination,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="evaluation_receipt",
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("batch evaluation receipt")
        verbose_name_plural = _("batch evaluation receipts")

    def __str__(self) -> str:
        return f"{self.nomination}"


class BatchEvaluation(models.Model):
    """One participant's answers about the event, with no link to the participant."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="evaluations"
    )
    organisation_rating = _likert(_("The training was well organised and kept to its timetable"))
    facilities_rating = _likert(
        _("The venue (or online room), facilities and materials were adequate")
    )
    committee_rating = _likert(_("The committee served the participants well"))
    relevance_rating = _likert(_("The training is relevant to my work"))
    comments = models.TextField(_("comments and suggestions"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("batch evaluation")
        verbose_name_plural = _("batch evaluations")
        constraints = [_likert_range(EVENT_ITEMS, "lms_batch_evaluation_ratings_range")]

    def __str__(self) -> str:
        return f"{self.batch} #{self.pk}"


class TrainerEvaluation(models.Model):
    """One participant's ratings of one trainer, part of their anonymous answers."""

    evaluation = models.ForeignKey(
        BatchEvaluation, on_delete=models.CASCADE, related_name="trainer_ratings", db_index=False
    )
    trainer = models.ForeignKey(
        Trainer, verbose_name=_("trainer"), on_delete=models.PROTECT, related_name="evaluations"
    )
    mastery_rating = _likert(_("The trainer has mastered the subject"))
    delivery_rating = _likert(_("The trainer explained clearly"))
    interaction_rating = _likert(_("The trainer answered questions and involved the participants"))

    class Meta:
        verbose_name = _("trainer evaluation")
        verbose_name_plural = _("trainer evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "trainer"], name="lms_trainer_evaluation_one_per_trainer"
            ),
            _likert_range(TRAINER_ITEMS, "lms_trainer_evaluation_ratings_range"),
        ]

    def __str__(self) -> str:
        return f"{self.trainer} #{self.evaluation_id}"
