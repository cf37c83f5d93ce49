"""Writes of the batch evaluations (docs/classroom.md, "Evaluation"): a participant who
attended answers once; the answers are stored apart from the person (see
lms.models.classroom_evaluation) and the completion engine is asked again, since the
evaluation may be what the course still needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.models import (
    BatchEvaluation,
    BatchEvaluationReceipt,
    Nomination,
    TrainerEvaluation,
)
from lms.models.classroom_evaluation import EVENT_ITEMS, TRAINER_ITEMS
from lms.selectors.classroom_evaluations import (
    batch_evaluation_is_open,
    nomination_has_attended,
    nomination_trainers_to_evaluate,
)
from lms.services.enrolments import enrolment_completion_check

if TYPE_CHECKING:
    from accounts.models import User
    from lms.models import Batch


@dataclass(frozen=True)
class EvaluationSubmitted:
    receipt: BatchEvaluationReceipt
    created: bool  # False: the participant had already answered, nothing changed


def batch_evaluation_submit(
    *,
    user: User,
    batch: Batch,
    event: dict[str, int],
    trainers: dict[int, dict[str, int]],
    comments: str = "",
) -> EvaluationSubmitted:
    """Records one participant's evaluation of the batch: `event` holds the event items,
    `trainers` the items for each trainer of the sessions they attended (every one of
    them). Once per participant: a second submission (a double click, a second tab)
    returns the first receipt and stores nothing. The participant's row is locked, so two
    submissions at once are decided in turn."""
    with transaction.atomic():
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .filter(batch=batch, employee__user_id=user.pk, status=Nomination.Status.SELECTED)
            .first()
        )
        if nomination is None:
            raise ValidationError(_("Only the batch's participants can evaluate it."))
        existing = BatchEvaluationReceipt.objects.filter(nomination=nomination).first()
        if existing is not None:
            return EvaluationSubmitted(existing, created=False)
        if not batch_evaluation_is_open(batch=batch):
            raise ValidationError(
                _("The evaluation opens at the batch's last session and stays open after it.")
            )
        if not nomination_has_attended(nomination=nomination):
            raise ValidationError(_("Only participants who attended a session can evaluate."))
        expected = {t.pk: t for t in nomination_trainers_to_evaluate(nomination=nomination)}
        missing = [t.name for pk, t in expected.items() if pk not in trainers]
        if missing:
            raise ValidationError(
                _("Rate every trainer of your sessions: %(trainers)s.")
                % {"trainers": ", ".join(missing)}
            )
        unknown = set(trainers) - set(expected)
        if unknown:
            raise ValidationError(_("Rate only the trainers of the sessions you attended."))
        evaluation = BatchEvaluation(
            batch=batch,
            comments=comments.strip(),
            **{item: event.get(item) for item in EVENT_ITEMS},
        )
        evaluation.full_clean()
        evaluation.save()
        for trainer_id, ratings in trainers.items():
            row = TrainerEvaluation(
                evaluation=evaluation,
                trainer_id=trainer_id,
                **{item: ratings.get(item) for item in TRAINER_ITEMS},
            )
            row.full_clean(exclude=["evaluation", "trainer"])
            row.save()
        receipt = BatchEvaluationReceipt.objects.create(
            nomination=nomination, submitted_at=timezone.now()
        )
        if nomination.enrolment is not None:
            enrolment_completion_check(enrolment=nomination.enrolment)
    return EvaluationSubmitted(receipt, created=True)
